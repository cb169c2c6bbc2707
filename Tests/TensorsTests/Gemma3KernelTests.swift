// gemma3's kernels against their naive references: GeGLU (gelu-tanh), per-head QK RMSNorm, and causal
// attention with a sliding window and an explicit scale (prefill blocks, continued chunks and decode).
import Testing
import Foundation
import Inference
@testable import Tensors

private func randomFloats(_ n: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in Float(rng.nextUnit() * 2 - 1) * scale }
}

private func maxDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Suite struct Gemma3KernelTests {
    @Test func gegluMatchesNaive() {
        let width = 21
        let gu = randomFloats(2 * width * 2, seed: 21, scale: 6)
        var out = [Float](repeating: 0, count: 2 * width)
        GeGLU.forward(gateUp: gu, ld: 2 * width, rows: 2, width: width, out: &out, ldo: width)
        let expected = GeGLU.naive(gate: Array(gu[0..<width]), up: Array(gu[width..<(2 * width)]))
            + GeGLU.naive(gate: Array(gu[(2 * width)..<(3 * width)]), up: Array(gu[(3 * width)...]))
        #expect(maxDiff(out, expected) < 1e-5)
        // gelu_tanh(0) = 0, gelu_tanh(x) ≈ x for large x, ≈ 0 for very negative x (no NaN from exp overflow).
        #expect(GeGLU.naive(gate: [0, 30, -30], up: [1, 1, 1]) == [0, 30, -0])
        var extreme = [Float](repeating: 0, count: 3)
        GeGLU.forward(gateUp: [0, 200, -200, 1, 1, 1], ld: 6, rows: 1, width: 3, out: &extreme, ldo: 3)
        #expect(extreme[0] == 0 && extreme[1] == 200 && abs(extreme[2]) < 1e-30)
    }

    @Test func headNormMatchesNaive() {
        let heads = 3, d = 24
        let x = randomFloats(heads * d, seed: 22, scale: 4), w = randomFloats(d, seed: 23)
        var y = x
        HeadRMSNorm.forward(&y, heads: heads, headDim: d, weight: w, eps: 1e-6)
        #expect(maxDiff(y, HeadRMSNorm.naive(x, heads: heads, headDim: d, weight: w, eps: 1e-6)) < 1e-5)
    }

    /// (start, rows, window): prefill crossing the window, a continued chunk, decode inside and beyond the
    /// window, and no window at all; GQA groups of 2; a scale that is not 1/√d.
    @Test(arguments: [(0, 9, 3), (5, 6, 4), (12, 1, 4), (2, 1, 8), (4, 5, nil), (9, 1, nil), (0, 7, 1)] as [(Int, Int, Int?)])
    func windowedAttentionMatchesNaive(_ shape: (Int, Int, Int?)) {
        let (start, rows, window) = shape
        let heads = 4, kvHeads = 2, d = 16, positions = start + rows, scale: Float = 0.3
        let q = randomFloats(rows * heads * d, seed: 24, scale: 2)
        // Keys and values rounded to fp16 (the cache's type) so the reference sees the same numbers.
        let k = randomFloats(kvHeads * positions * d, seed: 25, scale: 2).map { Float(KVElement($0)) }
        let v = randomFloats(kvHeads * positions * d, seed: 26).map { Float(KVElement($0)) }
        // The cache layout: keys transposed (headDim, ldk) per KV head with spare capacity, NaN-poisoned.
        let ldk = positions + 3
        var kt = [KVElement](repeating: .nan, count: kvHeads * d * ldk)
        for g in 0..<kvHeads { for t in 0..<positions { for i in 0..<d { kt[(g * d + i) * ldk + t] = KVElement(k[(g * positions + t) * d + i]) } } }
        let vh = v.map { KVElement($0) }
        var out = [Float](repeating: 0, count: rows * heads * d)
        var scratch = [Float](repeating: 0, count: WindowedAttention.scratchCount(rows: rows, startPosition: start,
                                                                                   groupSize: 2, headDim: d, window: window))
        kt.withUnsafeBufferPointer { kp in
            vh.withUnsafeBufferPointer { vp in
                for g in 0..<kvHeads {
                    WindowedAttention.forwardGroup(
                        q: q, ldq: heads * d, keys: kp.baseAddress! + g * d * ldk, ldk: ldk,
                        values: vp.baseAddress! + g * positions * d, startPosition: start, rows: rows, headDim: d,
                        firstHead: g * 2, groupSize: 2, scale: scale, window: window, out: &out, ldo: heads * d,
                        scratch: &scratch)
                }
            }
        }
        let expected = WindowedAttention.naive(q: q, keys: k, values: v, positions: positions, startPosition: start,
                                               rows: rows, heads: heads, kvHeads: kvHeads, headDim: d,
                                               scale: Double(scale), window: window)
        #expect(maxDiff(out, expected) < 1e-5)
    }

    /// With window 1 each position attends only to itself, so the output is its own value vector.
    @Test func windowOfOneReturnsOwnValues() {
        let heads = 2, d = 8, rows = 5
        let q = randomFloats(rows * heads * d, seed: 27), k = randomFloats(rows * d, seed: 28), v = randomFloats(rows * d, seed: 29)
        let out = WindowedAttention.naive(q: q, keys: k, values: v, positions: rows, startPosition: 0, rows: rows,
                                          heads: heads, kvHeads: 1, headDim: d, scale: 1, window: 1)
        for r in 0..<rows {
            for h in 0..<heads { #expect(maxDiff(Array(out[(r * heads + h) * d..<(r * heads + h + 1) * d]), Array(v[r * d..<(r + 1) * d])) < 1e-6) }
        }
    }
}

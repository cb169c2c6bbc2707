// Each fast kernel against its naive reference (llm.c `dev/cpu/*` style), on seeded random inputs.
import Testing
import Foundation
import Inference
@testable import Tensors

private func randomFloats(_ n: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in Float(rng.nextUnit() * 2 - 1) * scale }
}

private func maxDiff(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Suite struct KernelTests {
    @Test(arguments: [(1, 1, 1), (3, 5, 7), (17, 64, 33), (64, 96, 128)])
    func gemmMatchesNaive(_ shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let a = randomFloats(m * k, seed: 1), b = randomFloats(n * k, seed: 2)
        var fast = randomFloats(m * n, seed: 3), slow = fast
        Gemm.multiplyTransposed(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, c: &fast, ldc: n, alpha: 0.5, beta: 1)
        Gemm.naiveMultiplyTransposed(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, c: &slow, ldc: n, alpha: 0.5, beta: 1)
        #expect(maxDiff(fast, slow) < 1e-4)
    }

    @Test func linearRejectsMismatchedShapes() throws {
        let x = Tensor(zeros: [2, 3]), w = Tensor(zeros: [4, 5])
        #expect(throws: TensorError.self) { try Gemm.linear(x, w) }
        let y = try Gemm.linear(Tensor(zeros: [2, 5]), w)
        #expect(y.shape == [2, 4])
    }

    @Test(arguments: [-100.0, -20.5, -1.0, -1e-3, 0.0, 0.37, 1.0, 10.0, 50.0, 88.0] as [Float])
    func fastExpIsAccurate(_ x: Float) {
        let expected = Foundation.exp(Double(x))
        #expect(abs(Double(FastMath.exp(x)) - expected) <= 4e-7 * expected + 1e-38)
    }

    @Test func rmsNormMatchesNaive() {
        let rows = 3, width = 37
        let x = randomFloats(rows * width, seed: 4, scale: 3), w = randomFloats(width, seed: 5)
        var y = [Float](repeating: 0, count: rows * width)
        RMSNorm.forward(x: x, ld: width, weight: w, eps: 1e-5, rows: rows, width: width, y: &y, ldy: width)
        #expect(maxDiff(y, RMSNorm.naive(x: x, weight: w, eps: 1e-5, rows: rows, width: width)) < 1e-5)
    }

    @Test(arguments: [nil, RoPEScaling.linear(factor: 4),
                      RoPEScaling.llama3(factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4,
                                         originalMaxPositions: 64)])
    func ropeMatchesNaive(_ scaling: RoPEScaling?) {
        let d = 16
        let rope = RoPEFrequencies(headDim: d, base: 10_000, scaling: scaling)
        let v = randomFloats(2 * d, seed: 6)
        for position in [0, 1, 7, 300] {
            var c = [Float](repeating: 0, count: d / 2), s = c, x = v
            rope.angles(position: position, cos: &c, sin: &s)
            rope.rotate(&x, heads: 2, cos: c, sin: s)
            let expected = rope.naiveRotate(Array(v[0..<d]), position: position)
                + rope.naiveRotate(Array(v[d...]), position: position)
            #expect(maxDiff(x, expected) < 1e-5)
        }
        // Position 0 is the identity; the rotation preserves each pair's norm.
        #expect(rope.naiveRotate(Array(v[0..<d]), position: 0) == Array(v[0..<d]))
    }

    @Test func llama3ScalingKeepsHighFrequenciesAndDividesLowOnes() {
        let plain = RoPEFrequencies(headDim: 64, base: 500_000)
        let scaled = RoPEFrequencies(headDim: 64, base: 500_000, scaling: .llama3(
            factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalMaxPositions: 8192))
        #expect(scaled.inverseFrequencies[0] == plain.inverseFrequencies[0])
        #expect(abs(scaled.inverseFrequencies[31] - plain.inverseFrequencies[31] / 8) < 1e-15)
    }

    @Test func softmaxMatchesNaiveAndReturnsLogSumExp() {
        let x = randomFloats(50, seed: 7, scale: 20)
        var y = x
        let lse = Softmax.inPlace(&y, count: y.count)
        #expect(maxDiff(y, Softmax.naive(x)) < 1e-6)
        let expected = Foundation.log(x.map { Foundation.exp(Double($0)) }.reduce(0, +))
        #expect(abs(Double(lse) - expected) < 1e-4)
        #expect(abs(Softmax.logSumExp(x, count: x.count) - expected) < 1e-6)
    }

    @Test func swigluMatchesNaive() {
        let width = 19
        let gu = randomFloats(2 * width * 2, seed: 8, scale: 6)
        var out = [Float](repeating: 0, count: 2 * width)
        SwiGLU.forward(gateUp: gu, ld: 2 * width, rows: 2, width: width, out: &out, ldo: width)
        let expected = SwiGLU.naive(gate: Array(gu[0..<width]), up: Array(gu[width..<(2 * width)]))
            + SwiGLU.naive(gate: Array(gu[(2 * width)..<(3 * width)]), up: Array(gu[(3 * width)...]))
        #expect(maxDiff(out, expected) < 1e-5)
    }

    /// Prefill chunks (several rows, causal mask) and decode (one row) both match the naive loop,
    /// including a chunk that starts after cached positions and decode over more than 32 positions
    /// with head dimension 64 (the 32-wide paths). The cache is fp16, so the reference reads the same
    /// rounded keys and values.
    @Test(arguments: [(0, 5, 8), (3, 4, 8), (7, 1, 8), (0, 1, 8), (70, 1, 64), (37, 9, 64)])
    func attentionMatchesNaive(_ chunk: (Int, Int, Int)) {
        let (start, rows, d) = chunk
        let heads = 4, kvHeads = 2, positions = start + rows
        let q = randomFloats(rows * heads * d, seed: 9, scale: 2)
        let k = randomFloats(kvHeads * positions * d, seed: 10, scale: 2).map { Float(KVElement($0)) }
        let v = randomFloats(kvHeads * positions * d, seed: 11).map { Float(KVElement($0)) }
        var out = [Float](repeating: 0, count: rows * heads * d)
        var scratch = [Float](repeating: 0, count: CausalAttention.scratchCount(rows: rows, startPosition: start,
                                                                                 groupSize: 2, headDim: d))
        // The fast kernel reads keys transposed, (d, ldk) per KV head, with spare capacity.
        let ldk = positions + 3
        var kt = [KVElement](repeating: .nan, count: kvHeads * d * ldk)
        for g in 0..<kvHeads { for t in 0..<positions { for i in 0..<d { kt[(g * d + i) * ldk + t] = KVElement(k[(g * positions + t) * d + i]) } } }
        let vh = v.map { KVElement($0) }
        kt.withUnsafeBufferPointer { kp in
            vh.withUnsafeBufferPointer { vp in
                for g in 0..<kvHeads {
                    CausalAttention.forwardGroup(
                        q: q, ldq: heads * d, keys: kp.baseAddress! + g * d * ldk, ldk: ldk,
                        values: vp.baseAddress! + g * positions * d, startPosition: start, rows: rows,
                        headDim: d, firstHead: g * 2, groupSize: 2, out: &out, ldo: heads * d, scratch: &scratch)
                }
            }
        }
        let expected = CausalAttention.naive(q: q, keys: k, values: v, positions: positions, startPosition: start,
                                             rows: rows, heads: heads, kvHeads: kvHeads, headDim: d)
        #expect(maxDiff(out, expected) < 1e-5)
    }

    /// Decode with a GQA group of 3 (a head pair plus a single head) gives exactly what one head at a
    /// time gives, over 40 positions (the 32-wide, 8-wide and scalar tails).
    @Test func decodeHeadPairIsBitIdenticalToSingleHeads() {
        let d = 64, total = 43, ldk = 48
        let q = randomFloats(3 * d, seed: 12, scale: 2)
        let kt = randomFloats(d * ldk, seed: 13, scale: 2).map { KVElement($0) }
        let v = randomFloats(total * d, seed: 14).map { KVElement($0) }
        var grouped = [Float](repeating: 0, count: 3 * d), single = grouped
        var scratch = [Float](repeating: 0, count: CausalAttention.scratchCount(rows: 1, startPosition: total - 1,
                                                                                 groupSize: 3, headDim: d))
        CausalAttention.forwardGroup(q: q, ldq: 3 * d, keys: kt, ldk: ldk, values: v, startPosition: total - 1, rows: 1,
                                     headDim: d, firstHead: 0, groupSize: 3, out: &grouped, ldo: 3 * d, scratch: &scratch)
        q.withUnsafeBufferPointer { qp in
            single.withUnsafeMutableBufferPointer { op in
                for h in 0..<3 {
                    CausalAttention.decodeHead(q: qp.baseAddress! + h * d, keys: kt, ldk: ldk, values: v, total: total, headDim: d,
                                               scale: 1 / Float(d).squareRoot(), out: op.baseAddress! + h * d, scores: &scratch)
                }
            }
        }
        #expect(grouped == single)
        #expect(grouped.allSatisfy { $0.isFinite } && grouped.contains { $0 != 0 })
    }

    @Test func parallelChunksCoverEveryIndexOnce() {
        let counter = Counter(count: 103)
        Parallel.forChunks(103, threads: 4) { range in for i in range { counter.bump(i) } }
        #expect(counter.values == [Int](repeating: 1, count: 103))
    }
}

/// A lock-protected tally for the parallel-loop test.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Int]
    init(count: Int) { storage = [Int](repeating: 0, count: count) }
    func bump(_ i: Int) { lock.lock(); storage[i] += 1; lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return storage }
}

@Suite struct VectorExpTests {
    /// The 8-lane exp agrees with libm over the range softmax and SiLU use, and the buffer helpers
    /// (odd lengths exercise the scalar tail) return the right sums.
    @Test func vectorExpMatchesLibm() {
        let xs: [Float] = [-86, -50, -10.25, -1, -0.001, 0, 0.5, 3, 20, 80]
        for chunk in stride(from: 0, to: xs.count - 7, by: 2) {
            let v = FastMath.exp(SIMD8<Float>(xs[chunk..<(chunk + 8)]))
            for lane in 0..<8 {
                let expected = Foundation.exp(Double(xs[chunk + lane]))
                #expect(abs(Double(v[lane]) - expected) <= 4e-7 * expected)
            }
        }
        var buffer = (0..<37).map { Float($0) * 0.3 - 5 }
        let expected = buffer.map { Foundation.exp(Double($0 - 1) * 0.5) }
        let sum = FastMath.expInPlace(&buffer, count: 37, shift: 1, scale: 0.5)
        #expect(abs(sum - expected.reduce(0, +)) < 1e-5 * sum)
        #expect(zip(buffer, expected).allSatisfy { abs(Double($0) - $1) <= 1e-6 * $1 })
        let again = (0..<37).map { Float($0) * 0.3 - 5 }
        #expect(abs(FastMath.sumExp(again, count: 37, shift: 1, scale: 0.5) - sum) < 1e-5 * sum)
        #expect(FastMath.maximum(again, count: 37) == again.max())
    }
}

@Suite struct Q8KernelTests {
    /// A hand-checkable case: one block, weights ±1·0.5 and activations 0…31 scaled.
    @Test func tinyProductByHand() {
        // w row 0 = 0.5 everywhere (q = 127, d = 0.5/127); row 1 alternates ±1.
        let w: [Float] = [Float](repeating: 0.5, count: 32) + (0..<32).map { $0 % 2 == 0 ? 1 : -1 }
        let q = Q8Matrix(w, rows: 2, cols: 32)!
        #expect(q.quant(0, 0) == 127 && q.quant(1, 0) == 127 && q.quant(1, 1) == -127)
        // x = 0, 1, …, 31 (max 31 → q = round(i · 127/31)).
        let x = (0..<32).map { Float($0) }
        var y = [Float](repeating: 0, count: 2)
        Q8Gemm.multiplyTransposed(m: 1, a: x, lda: 32, w: q, c: &y, ldc: 2)
        // Unquantised: Σ 0.5·i = 248 and Σ ±i = -16. Quantised, row 1 is exactly
        // Σ ±127·round(127·i/31) · (31/127) · (1/127), the int8 dot times both scales.
        let dot = (0..<32).reduce(0) { $0 + ($1 % 2 == 0 ? 127 : -127) * Int((Float($1) * 127 / 31).rounded()) }
        #expect(abs(y[0] - 248) < 1 && abs(y[1] + 16) < 1)
        #expect(abs(y[1] - Float(dot) * (31 / 127) * (1 / 127)) < 1e-4)
    }

    /// The int8 kernel (both tiles, column and row remainders, several threads, beta) against the
    /// naive reference, and the panel/sgemm path against fp32 on the dequantised weights.
    @Test(arguments: [(1, 5, 32), (3, 7, 64), (5, 9, 96), (6, 48, 64), (13, 33, 160), (64, 70, 576)])
    func q8ProductMatchesNaive(_ shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let a = randomFloats(m * k, seed: 21, scale: 3), wf = randomFloats(n * k, seed: 22)
        let w = Q8Matrix(wf, rows: n, cols: k)!
        let start = randomFloats(m * n, seed: 23)
        for threads in [1, 2] {
            var fast = start, slow = start
            Q8Gemm.multiplyTransposed(m: m, a: a, lda: k, w: w, c: &fast, ldc: n, beta: 1, threads: threads)
            Q8Gemm.naiveMultiplyTransposed(m: m, a: a, lda: k, w: w, c: &slow, ldc: n, beta: 1)
            #expect(maxDiff(fast, slow) < 1e-4 * Float(k).squareRoot())
        }
        // Rows are independent: row 0 alone gives bit-identical results.
        var all = [Float](repeating: 0, count: m * n), one = [Float](repeating: 0, count: n)
        Q8Gemm.multiplyTransposed(m: m, a: a, lda: k, w: w, c: &all, ldc: n, threads: 2)
        Q8Gemm.multiplyTransposed(m: 1, a: a, lda: k, w: w, c: &one, ldc: n)
        #expect(Array(all[0..<n]) == one)
        // Panels: fp32 activations times the dequantised weights.
        var deq = [Float](repeating: 0, count: n * k)
        w.dequantize(rows: 0, count: n, into: &deq)
        var panels = start, reference = start
        Q8Gemm.multiplyTransposedByPanels(m: m, a: a, lda: k, w: w, c: &panels, ldc: n, beta: 1)
        Gemm.naiveMultiplyTransposed(m: m, n: n, k: k, a: a, lda: k, b: deq, ldb: k, c: &reference, ldc: n, beta: 1)
        #expect(maxDiff(panels, reference) < 1e-4 * Float(k).squareRoot())
    }

    @Test func quantizationRoundTripsWithinHalfAStep() {
        let x = randomFloats(3 * 64, seed: 24, scale: 5)
        let q = Q8Matrix(x, rows: 3, cols: 64)!
        var back = [Float](repeating: 0, count: x.count)
        q.dequantize(rows: 0, count: 3, into: &back)
        for i in 0..<x.count { #expect(abs(back[i] - x[i]) <= q.scale(i / 64, block: (i % 64) / 32) * 0.5 + 1e-6) }
        #expect(Q8Matrix(x, rows: 6, cols: 32) != nil && Q8Matrix(x, rows: 4, cols: 48) == nil)
        // Vectorised activation quantisation is bit-identical to the scalar reference.
        var qa = [Int8](repeating: 0, count: 64), sa = [Float](repeating: 0, count: 2)
        Q8Gemm.quantizeActivations(x, lda: 64, rows: 1, cols: 64, quants: &qa, scales: &sa)
        #expect(qa == (0..<64).map { q.quant(0, $0) } && sa == [q.scale(0, block: 0), q.scale(0, block: 1)])
        // The product's own quantiser (the fused AVX-512 pass on VNNI builds): the same bytes and scales for
        // rows 1 and 2 (a row stride, zero blocks), and −128 · Σ q per block where the kernel takes it.
        var rowsIn = Array(x[64..<192]); for i in 32..<64 { rowsIn[i] = 0 }
        let zq = Q8Matrix(rowsIn, rows: 2, cols: 64)!
        var q2 = [Int8](repeating: 0, count: 128), s2 = [Float](repeating: -1, count: 4), c2 = [Int32](repeating: 7, count: 4)
        Q8Gemm.quantizeRows(rowsIn, lda: 64, rows: 2, cols: 64, quants: &q2, scales: &s2, corrections: &c2)
        #expect(q2 == (0..<128).map { zq.quant($0 / 64, $0 % 64) })
        #expect(s2 == (0..<4).map { zq.scale($0 / 2, block: $0 % 2) } && s2[1] == 0)
        let sums = (0..<4).map { b in Int32(-128) * q2[(b * 32)..<(b * 32 + 32)].reduce(Int32(0)) { $0 + Int32($1) } }
        #expect(c2 == (Q8Gemm.takesCorrections ? sums : [Int32](repeating: 7, count: 4)))
        #expect(!Q8Gemm.takesCorrections || sums[0] != 0)
    }
}

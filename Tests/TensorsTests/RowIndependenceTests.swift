// The inference path's products give every row the same bits whatever else is multiplied with it
// (issue 22): a product of 300 rows against the same rows computed alone, in sub-batches of assorted
// sizes and offsets, and on 1 or 2 workers, for the fp32 row-independent kernel and the q8 int8 kernel;
// and the fp32 kernel against the naive Double reference (within a tolerance), including the tails
// (n not a multiple of 4, k not a multiple of 8, rows beyond a multiple of 4, beta).
import Testing
import Foundation
import Inference
@testable import Tensors

private func randomFloats(_ n: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in scale * Float(rng.nextUnit() * 2 - 1) }
}

private func maxDiff(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }

/// Sub-batches that cut 300 rows at odd places: one at a time, then runs of 2, 3, 5, 8, 31, 64, 127, 128, 129.
private func cuts(rows: Int) -> [[Range<Int>]] {
    var out: [[Range<Int>]] = [(0..<rows).map { $0..<($0 + 1) }]
    for size in [2, 3, 5, 8, 31, 64, 127, 128, 129] {
        out.append(stride(from: 0, to: rows, by: size).map { $0..<min(rows, $0 + size) })
    }
    return out
}

/// The bits of a float array (so that −0 and +0, or two NaNs, are not confused).
private func bits(_ x: ArraySlice<Float>) -> [UInt32] { x.map(\.bitPattern) }

@Suite struct RowIndependenceTests {
    /// SmolLM2's shapes (k 576 and 1536) and odd ones.
    static let shapes: [(n: Int, k: Int)] = [(192, 576), (576, 1536), (37, 40), (5, 13)]

    @Test("fp32 row-independent product: 300 rows at once equal the same rows in any sub-batch, bit for bit",
          arguments: shapes)
    func fp32RowsAreIndependent(_ shape: (n: Int, k: Int)) {
        let m = 300, (n, k) = shape
        let a = randomFloats(m * k, seed: 1), w = randomFloats(n * k, seed: 2, scale: 0.1)
        let start = randomFloats(m * n, seed: 3)
        for beta: Float in [0, 1] {
            var all = start
            Gemm.multiplyTransposedRowIndependent(m: m, n: n, k: k, a: a, lda: k, b: w, ldb: k, c: &all, ldc: n,
                                                  beta: beta, threads: 2)
            for plan in cuts(rows: m) {
                for threads in [1, 2] {
                    var parts = start
                    for r in plan {
                        a.withUnsafeBufferPointer { ap in
                            parts.withUnsafeMutableBufferPointer { cp in
                                Gemm.multiplyTransposedRowIndependent(
                                    m: r.count, n: n, k: k, a: ap.baseAddress! + r.lowerBound * k, lda: k, b: w, ldb: k,
                                    c: cp.baseAddress! + r.lowerBound * n, ldc: n, beta: beta, threads: threads)
                            }
                        }
                    }
                    let differing = (0..<m).filter { bits(all[($0 * n)..<($0 * n + n)]) != bits(parts[($0 * n)..<($0 * n + n)]) }
                    #expect(differing.isEmpty, "\(shape) beta \(beta) cut \(plan.first?.count ?? 0) threads \(threads): rows \(differing.prefix(5))")
                }
            }
        }
    }

    @Test("fp32 row-independent product matches the naive reference", arguments: [
        (1, 1, 1), (3, 5, 7), (4, 4, 8), (7, 37, 40), (300, 192, 576), (65, 130, 1536), (9, 3, 1000),
    ])
    func fp32MatchesNaive(_ s: (m: Int, n: Int, k: Int)) {
        // Row strides padded so that lda, ldb, ldc differ from k and n.
        let lda = s.k + 3, ldb = s.k + 5, ldc = s.n + 2
        let a = randomFloats(s.m * lda, seed: 4), w = randomFloats(s.n * ldb, seed: 5)
        for beta: Float in [0, 0.5] {
            let start = randomFloats(s.m * ldc, seed: 6)
            var fast = start, slow = start
            Gemm.multiplyTransposedRowIndependent(m: s.m, n: s.n, k: s.k, a: a, lda: lda, b: w, ldb: ldb, c: &fast, ldc: ldc,
                                                  beta: beta, threads: 2)
            Gemm.naiveMultiplyTransposed(m: s.m, n: s.n, k: s.k, a: a, lda: lda, b: w, ldb: ldb, c: &slow, ldc: ldc, beta: beta)
            // fp32 sums of k products of magnitude ≤ 1: the rounding error grows like √k.
            #expect(maxDiff(fast, slow) < 1e-5 * Float(s.k).squareRoot(), "\(s) beta \(beta)")
            // Padding between rows is left alone.
            let untouched = (0..<s.m).allSatisfy { r in (s.n..<ldc).allSatisfy { fast[r * ldc + $0] == start[r * ldc + $0] } }
            #expect(untouched)
        }
    }

    @Test("q8 product: 300 rows at once equal the same rows in any sub-batch, bit for bit", arguments: [(192, 576), (96, 1536)])
    func q8RowsAreIndependent(_ shape: (n: Int, k: Int)) throws {
        let m = 300, (n, k) = shape
        let a = randomFloats(m * k, seed: 7, scale: 3)
        let w = try #require(Q8Matrix(randomFloats(n * k, seed: 8), rows: n, cols: k))
        let start = randomFloats(m * n, seed: 9)
        var all = start
        Q8Gemm.multiplyTransposed(m: m, a: a, lda: k, w: w, c: &all, ldc: n, beta: 1, threads: 2)
        for plan in cuts(rows: m) {
            var parts = start
            for r in plan {
                a.withUnsafeBufferPointer { ap in
                    parts.withUnsafeMutableBufferPointer { cp in
                        Q8Gemm.multiplyTransposed(m: r.count, a: ap.baseAddress! + r.lowerBound * k, lda: k, w: w,
                                                  c: cp.baseAddress! + r.lowerBound * n, ldc: n, beta: 1, threads: r.count % 2 + 1)
                    }
                }
            }
            let differing = (0..<m).filter { bits(all[($0 * n)..<($0 * n + n)]) != bits(parts[($0 * n)..<($0 * n + n)]) }
            #expect(differing.isEmpty, "\(shape) cut \(plan.first?.count ?? 0): rows \(differing.prefix(5))")
        }
    }
}

// Gemm's one sgemm wrapper: every transpose combination, split over workers or not, against the naive
// triple loop; results independent of the worker count; OpenBLAS left single-threaded; the panel
// products (a weight expanded panel by panel) against the plain product.
import Testing
import Foundation
import Inference
@testable import Tensors

private func randomFloats(_ n: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in Float(rng.nextUnit() * 2 - 1) }
}

private func maxDiff(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }

/// Shapes large enough to be split over 2 workers (m·n·k ≥ 2 · 2²¹) along n, along m, and small ones.
private let shapes: [(m: Int, n: Int, k: Int)] = [(3, 5, 7), (40, 300, 400), (300, 40, 400), (128, 128, 130)]

@Suite struct GemmTests {
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)], [1, 2, 3])
    func productMatchesNaive(_ trans: (Bool, Bool), threads: Int) {
        for s in shapes {
            let (ta, tb) = trans
            // Stored A is (k, m) when transposed, B is (n, k) when transposed; strides padded by 3.
            let lda = (ta ? s.m : s.k) + 3, ldb = (tb ? s.k : s.n) + 3, ldc = s.n + 3
            let a = randomFloats((ta ? s.k : s.m) * lda, seed: 1), b = randomFloats((tb ? s.n : s.k) * ldb, seed: 2)
            var fast = randomFloats(s.m * ldc, seed: 3), slow = fast
            Gemm.product(transA: ta, transB: tb, m: s.m, n: s.n, k: s.k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb,
                         beta: 0.25, c: &fast, ldc: ldc, threads: threads)
            Gemm.naiveProduct(transA: ta, transB: tb, m: s.m, n: s.n, k: s.k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb,
                              beta: 0.25, c: &slow, ldc: ldc)
            #expect(maxDiff(fast, slow) < 2e-4, "\(s) trans \(trans) threads \(threads)")
        }
    }

    /// Not bit-identical: OpenBLAS picks edge kernels by block width, so a split moves ~1e-6 rounding.
    @Test func splitResultsAgreeWithOneWorkerAndBLASStaysSingleThreaded() {
        for s in shapes {
            let a = randomFloats(s.m * s.k, seed: 4), b = randomFloats(s.n * s.k, seed: 5)
            var one = [Float](repeating: 0, count: s.m * s.n), two = one
            Gemm.multiplyTransposed(m: s.m, n: s.n, k: s.k, a: a, lda: s.k, b: b, ldb: s.k, c: &one, ldc: s.n, threads: 1)
            Gemm.multiplyTransposed(m: s.m, n: s.n, k: s.k, a: a, lda: s.k, b: b, ldb: s.k, c: &two, ldc: s.n, threads: 2)
            #expect(maxDiff(one, two) < 1e-4, "\(s)")
        }
        #expect(Gemm.blasThreads == 1)
    }

    @Test(arguments: [(40, 300, 400), (300, 40, 400), (5, 7, 9)], [1, 2])
    func linearBackwardMatchesNaive(_ s: (Int, Int, Int), threads: Int) {
        let (rows, inF, outF) = s
        let x = randomFloats(rows * inF, seed: 6), w = randomFloats(outF * inF, seed: 7), dy = randomFloats(rows * outF, seed: 8)
        var dx = randomFloats(rows * inF, seed: 9), dw = randomFloats(outF * inF, seed: 10)
        var dxRef = dx, dwRef = dw, y = [Float](repeating: 0, count: rows * outF), yRef = y
        Gemm.linearForward(&y, x, w, rows: rows, inFeatures: inF, outFeatures: outF, threads: threads)
        Gemm.naiveProduct(transB: true, m: rows, n: outF, k: inF, a: x, lda: inF, b: w, ldb: inF, c: &yRef, ldc: outF)
        Gemm.linearBackward(dx: &dx, dw: &dw, dy: dy, x: x, w: w, rows: rows, inFeatures: inF, outFeatures: outF, threads: threads)
        Gemm.naiveProduct(transB: false, m: rows, n: inF, k: outF, a: dy, lda: outF, b: w, ldb: inF, beta: 1, c: &dxRef, ldc: inF)
        Gemm.naiveProduct(transA: true, transB: false, m: outF, n: inF, k: rows, a: dy, lda: outF, b: x, ldb: inF,
                          beta: 1, c: &dwRef, ldc: inF)
        #expect(maxDiff(y, yRef) < 2e-4 && maxDiff(dx, dxRef) < 2e-4 && maxDiff(dw, dwRef) < 2e-4)
    }

    @Test(arguments: [(33, 700, 96), (200, 50, 600), (1, 17, 5)], [1, 2])
    func panelProductsMatchThePlainProduct(_ s: (Int, Int, Int), threads: Int) {
        let (m, n, k) = s
        let a = randomFloats(m * k, seed: 11), bt = randomFloats(n * k, seed: 12), b = randomFloats(k * n, seed: 13)
        var byPanels = randomFloats(m * n, seed: 14), plain = byPanels
        Gemm.multiplyTransposedByPanels(m: m, n: n, k: k, a: a, lda: k, c: &byPanels, ldc: n, beta: 0.5, threads: threads) { n0, count, into in
            for i in 0..<(count * k) { into[i] = bt[n0 * k + i] }
        }
        Gemm.naiveProduct(transB: true, m: m, n: n, k: k, a: a, lda: k, b: bt, ldb: k, beta: 0.5, c: &plain, ldc: n)
        #expect(maxDiff(byPanels, plain) < 2e-4)
        var rowPanels = randomFloats(m * n, seed: 15), plain2 = rowPanels
        Gemm.multiplyByPanels(m: m, n: n, k: k, a: a, lda: k, c: &rowPanels, ldc: n, beta: 0.5, threads: threads) { k0, count, into in
            for i in 0..<(count * n) { into[i] = b[k0 * n + i] }
        }
        Gemm.naiveProduct(transB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, beta: 0.5, c: &plain2, ldc: n)
        #expect(maxDiff(rowPanels, plain2) < 2e-4)
    }
}

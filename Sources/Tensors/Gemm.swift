// Matrix products on OpenBLAS `cblas_sgemm` (row-major), with a naive triple loop beside it as the
// reference (llm.c `matmul_forward_naive`). Layout follows PyTorch: a Linear weight W is (out, in),
// so `y = x · Wᵀ` is `Gemm.multiplyTransposed`; `linearForward`/`linearBackward` are the three products
// of a Linear layer (llm.c matmul_forward/backward), the learner's.
//
// One thread setting for the whole process: OpenBLAS runs single-threaded, set once before the first
// product and never changed afterwards. A product large enough to share is split here into column (or
// row) blocks over `threads` of our own workers (`Parallel.forChunks`), each block one single-threaded
// sgemm. The old design switched OpenBLAS's process-wide count to 1 around the attention kernels and
// back, which raced when two forwards ran at once (two server flushes); now nothing is switched per call.
// The split never cuts the k dimension; OpenBLAS's edge kernels depend on the block width, so results
// agree across thread counts to ~1e-6 relative, not bit for bit (GemmTests).
import COpenBLAS

/// fp32 matrix products over raw row-major buffers (the hot path) and over `Tensor`s.
public enum Gemm {
    /// Pins OpenBLAS to one thread, once per process (Swift runs a static initialiser exactly once).
    static let singleThreadedBLAS: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// OpenBLAS's own worker-thread count: 1 once any product has run (or `pinBLASThreads` was called).
    public static var blasThreads: Int { Int(openblas_get_num_threads()) }

    /// Pins OpenBLAS to one thread now (otherwise the first product does it); call at startup.
    public static func pinBLASThreads() { _ = singleThreadedBLAS }

    /// Below this many multiply-adds per worker a product stays on the calling thread (~50 µs of work).
    static let minimumWorkPerWorker = 1 << 21

    /// Workers a product of m·n·k multiply-adds gets out of `threads`, keeping ≥ 32 columns/rows per block.
    static func workers(m: Int, n: Int, k: Int, threads: Int) -> Int {
        guard threads > 1 else { return 1 }
        let work = m * n * max(k, 1)
        return max(1, min(threads, work / minimumWorkPerWorker, max(m, n) / 32))
    }

    /// Block `w` of `count` of 0..<extent, boundaries on multiples of 16.
    static func block(_ w: Int, of count: Int, extent: Int) -> Range<Int> {
        func edge(_ i: Int) -> Int { i >= count ? extent : extent * i / count / 16 * 16 }
        return edge(w)..<edge(w + 1)
    }

    /// `C = alpha · op(A) · op(B) + beta · C`, row-major: op(A) (m, k), op(B) (k, n), C (m, n) with row
    /// strides `lda`, `ldb`, `ldc` of the stored (untransposed) matrices. Split over `threads` workers when
    /// large (along n when n ≥ m, else along m); call with 1 from inside a parallel loop.
    public static func product(
        transA: Bool = false, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int = 1
    ) {
        guard m > 0, n > 0 else { return }
        _ = singleThreadedBLAS
        let ta = transA ? CblasTrans : CblasNoTrans, tb = transB ? CblasTrans : CblasNoTrans
        let workers = workers(m: m, n: n, k: k, threads: threads)
        if workers == 1 {
            cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                        beta, c, Int32(ldc))
            return
        }
        let alongN = n >= m
        Parallel.forChunks(workers, threads: workers) { ws in
            for w in ws {
                let r = block(w, of: workers, extent: alongN ? n : m)
                guard !r.isEmpty else { continue }
                if alongN {
                    let bp = b + (transB ? r.lowerBound * ldb : r.lowerBound)
                    cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(r.count), Int32(k), alpha, a, Int32(lda),
                                bp, Int32(ldb), beta, c + r.lowerBound, Int32(ldc))
                } else {
                    let ap = a + (transA ? r.lowerBound : r.lowerBound * lda)
                    cblas_sgemm(CblasRowMajor, ta, tb, Int32(r.count), Int32(n), Int32(k), alpha, ap, Int32(lda),
                                b, Int32(ldb), beta, c + r.lowerBound * ldc, Int32(ldc))
                }
            }
        }
    }

    /// `C = alpha · A · Bᵀ + beta · C` with A (m, k) row stride `lda`, B (n, k) row stride `ldb`,
    /// C (m, n) row stride `ldc`.
    public static func multiplyTransposed(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0, threads: Int = 1
    ) {
        product(transB: true, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta,
                c: c, ldc: ldc, threads: threads)
    }

    /// `C = alpha · A · B + beta · C` with A (m, k) row stride `lda`, B (k, n) row stride `ldb`.
    public static func multiply(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0, threads: Int = 1
    ) {
        product(transB: false, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta,
                c: c, ldc: ldc, threads: threads)
    }

    /// A Linear layer's forward: y (rows, out) = x (rows, in) · Wᵀ (+ y if `accumulate`), W (out, in).
    public static func linearForward(
        _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
        rows: Int, inFeatures: Int, outFeatures: Int, accumulate: Bool = false, threads: Int = 1
    ) {
        multiplyTransposed(m: rows, n: outFeatures, k: inFeatures, a: x, lda: inFeatures, b: w, ldb: inFeatures,
                           c: y, ldc: outFeatures, beta: accumulate ? 1 : 0, threads: threads)
    }

    /// A Linear layer's backward: dx (rows, in) += dy (rows, out) · W (out, in) (skipped when nil) and
    /// dW (out, in) += dyᵀ · x.
    public static func linearBackward(
        dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
        x: UnsafePointer<Float>, w: UnsafePointer<Float>, rows: Int, inFeatures: Int, outFeatures: Int, threads: Int = 1
    ) {
        guard rows > 0 else { return }
        if let dx {
            multiply(m: rows, n: inFeatures, k: outFeatures, a: dy, lda: outFeatures, b: w, ldb: inFeatures,
                     c: dx, ldc: inFeatures, beta: 1, threads: threads)
        }
        product(transA: true, transB: false, m: outFeatures, n: inFeatures, k: rows, a: dy, lda: outFeatures,
                b: x, ldb: inFeatures, beta: 1, c: dw, ldc: inFeatures, threads: threads)
    }

    /// `y = alpha · A · x` (A (m, n) row stride `lda`) or, with `transposed`, `y = alpha · Aᵀ · x`.
    public static func multiplyVector(
        m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        transposed: Bool = false, alpha: Float = 1
    ) {
        guard m > 0, n > 0 else { return }
        _ = singleThreadedBLAS
        cblas_sgemv(CblasRowMajor, transposed ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda),
                    x, 1, 0, y, 1)
    }

    /// Reference for `product`: a plain triple loop accumulating in Double.
    public static func naiveProduct(
        transA: Bool = false, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var acc = 0.0
                for p in 0..<k {
                    let x = transA ? a[p * lda + i] : a[i * lda + p], y = transB ? b[j * ldb + p] : b[p * ldb + j]
                    acc += Double(x) * Double(y)
                }
                let old: Float = beta == 0 ? 0 : beta * c[i * ldc + j]
                c[i * ldc + j] = alpha * Float(acc) + old
            }
        }
    }

    /// Reference for `multiplyTransposed`.
    public static func naiveMultiplyTransposed(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0
    ) {
        naiveProduct(transB: true, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// `x · Wᵀ` for x (m, k) and W (n, k): the Linear layer product, as a new (m, n) tensor.
    public static func linear(_ x: Tensor, _ w: Tensor, threads: Int = 1) throws -> Tensor {
        guard x.shape.count == 2, w.shape.count == 2, x.shape[1] == w.shape[1] else {
            throw TensorError.shapeMismatch(name: "linear weight", expected: [w.shape.first ?? 0, x.shape.last ?? 0],
                                            got: w.shape)
        }
        let m = x.shape[0], k = x.shape[1], n = w.shape[0]
        var out = Tensor(zeros: [m, n])
        x.storage.withUnsafeBufferPointer { xp in
            w.storage.withUnsafeBufferPointer { wp in
                out.storage.withUnsafeMutableBufferPointer { op in
                    multiplyTransposed(m: m, n: n, k: k, a: xp.baseAddress!, lda: k, b: wp.baseAddress!, ldb: k,
                                       c: op.baseAddress!, ldc: n, threads: threads)
                }
            }
        }
        return out
    }
}

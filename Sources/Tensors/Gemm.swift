// Matrix products on OpenBLAS `cblas_sgemm` (row-major), with a naive triple loop beside it as the
// reference (llm.c `matmul_forward_naive`). Layout follows PyTorch: a Linear weight W is (out, in),
// so `y = x · Wᵀ` is `Gemm.multiplyTransposed`.
import COpenBLAS

/// fp32 matrix products over raw row-major buffers (the hot path) and over `Tensor`s.
public enum Gemm {
    /// Sets OpenBLAS's worker-thread count (process-wide).
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// OpenBLAS's current worker-thread count.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// `C = alpha · A · Bᵀ + beta · C` with A (m, k) row stride `lda`, B (n, k) row stride `ldb`,
    /// C (m, n) row stride `ldc`.
    @inlinable
    public static func multiplyTransposed(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `C = alpha · A · B + beta · C` with A (m, k) row stride `lda`, B (k, n) row stride `ldb`.
    @inlinable
    public static func multiply(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `y = alpha · A · x` (A (m, n) row stride `lda`) or, with `transposed`, `y = alpha · Aᵀ · x`.
    @inlinable
    public static func multiplyVector(
        m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        transposed: Bool = false, alpha: Float = 1
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemv(CblasRowMajor, transposed ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda),
                    x, 1, 0, y, 1)
    }

    /// Reference for `multiplyTransposed`: a plain triple loop accumulating in Double.
    public static func naiveMultiplyTransposed(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var acc = 0.0
                for p in 0..<k { acc += Double(a[i * lda + p]) * Double(b[j * ldb + p]) }
                let old: Float = beta == 0 ? 0 : beta * c[i * ldc + j]
                c[i * ldc + j] = alpha * Float(acc) + old
            }
        }
    }

    /// `x · Wᵀ` for x (m, k) and W (n, k): the Linear layer product, as a new (m, n) tensor.
    public static func linear(_ x: Tensor, _ w: Tensor) throws -> Tensor {
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
                                       c: op.baseAddress!, ldc: n)
                }
            }
        }
        return out
    }
}

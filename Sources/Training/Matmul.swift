// Row-major sgemm calls for the three products of a linear layer (llm.c matmul_forward/backward),
// on OpenBLAS. Shapes follow PyTorch: a weight is (out, in), activations are (rows, features).

import COpenBLAS

/// y (rows, out) = x (rows, in) · Wᵀ (+ y if `accumulate`).
@inline(__always)
func linearForward(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                   rows: Int, inFeatures: Int, outFeatures: Int, accumulate: Bool = false) {
    guard rows > 0 else { return }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outFeatures), Int32(inFeatures),
                1, x, Int32(inFeatures), w, Int32(inFeatures), accumulate ? 1 : 0, y, Int32(outFeatures))
}

/// dx (rows, in) += dy (rows, out) · W (out, in); dW (out, in) += dyᵀ · x.
@inline(__always)
func linearBackward(dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>,
                    dy: UnsafePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                    rows: Int, inFeatures: Int, outFeatures: Int) {
    guard rows > 0 else { return }
    if let dx {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(inFeatures), Int32(outFeatures),
                    1, dy, Int32(outFeatures), w, Int32(inFeatures), 1, dx, Int32(inFeatures))
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(outFeatures), Int32(inFeatures), Int32(rows),
                1, dy, Int32(outFeatures), x, Int32(inFeatures), 1, dw, Int32(inFeatures))
}

/// General strided sgemm: C (m, n) = alpha · op(A) · op(B) + beta · C, row-major.
@inline(__always)
func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
          _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
          beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0, n > 0, k > 0 else { return }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Runs `body` with OpenBLAS single-threaded. The attention kernels issue many small sgemms (L×L×D per
/// head) from our own parallel workers; OpenBLAS threading a 256×256×64 product halves its throughput per
/// CPU second (31 vs 62 GFLOP/s measured on 2 cores) and concurrent threaded calls contend for its pool.
@inline(__always)
func withSingleThreadedBLAS<T>(_ body: () throws -> T) rethrows -> T {
    let n = openblas_get_num_threads()
    if n > 1 { openblas_set_num_threads(1) }
    defer { if n > 1 { openblas_set_num_threads(n) } }
    return try body()
}

/// Sets OpenBLAS's thread count (0 leaves it unchanged).
public func setBLASThreads(_ n: Int) {
    if n > 0 { openblas_set_num_threads(Int32(n)) }
}

// How the decoder keeps its Linear weights: fp32 (products on `Gemm.multiplyTransposedRowIndependent`), or
// Q8_0 int8 blocks for `Q8Gemm` (3.8× fewer bytes per decode step, int8 dot products). Both kernels give a
// row the same bits whatever else shares the pass, so a request's output does not depend on its batch.
// Measured on SmolLM2-135M (docs/BENCHMARKS.md, "Local engine"): q8 is the faster of the two for
// decode, 3.8× smaller, and keeps perplexity within 2% of llama.cpp's, so it is the CLI's default.
import Tensors

/// The in-memory format of the decoder's Linear (and tied embedding) weights.
public enum WeightFormat: String, Sendable, CaseIterable, Codable {
    /// fp32, products on `Gemm.multiplyTransposedRowIndependent` (row-independent, like q8's kernel).
    case fp32
    /// Q8_0 (int8 blocks of 32 with an fp32 scale), products on `Q8Gemm`; a weight whose input width is
    /// not a multiple of 32 stays fp32.
    case q8
}

/// One Linear weight of shape (rows, cols) = (out, in) in the chosen format.
struct LinearWeight: Sendable {
    let rows: Int
    let cols: Int
    let fp32: [Float]?
    let q8: Q8Matrix?

    init(_ values: [Float], rows: Int, cols: Int, format: WeightFormat) {
        self.rows = rows; self.cols = cols
        let q = format == .q8 ? Q8Matrix(values, rows: rows, cols: cols) : nil
        q8 = q
        fp32 = q == nil ? values : nil
    }

    /// Bytes held.
    var byteCount: Int { q8?.byteCount ?? 4 * (fp32?.count ?? 0) }

    /// `y = x · Wᵀ + beta · y` for `m` rows of x (row stride `ldx`) into y (row stride `ldy`), each row of y
    /// computed independently of the others (issue 22): a q8 weight always runs the int8 kernel (prefill
    /// passes of ≥ 128 rows used to switch to fp32 panels on sgemm, which changed a prompt's logits with what
    /// it was batched with), an fp32 weight the row-independent fp32 kernel instead of OpenBLAS sgemm, whose
    /// per-row results depend on the number of rows. Output columns are split over `threads` workers.
    func apply(m: Int, x: UnsafePointer<Float>, ldx: Int, y: UnsafeMutablePointer<Float>, ldy: Int,
               beta: Float = 0, threads: Int) {
        if let q8 {
            Q8Gemm.multiplyTransposed(m: m, a: x, lda: ldx, w: q8, c: y, ldc: ldy, beta: beta, threads: threads)
        } else if let fp32 {
            fp32.withUnsafeBufferPointer { w in
                Gemm.multiplyTransposedRowIndependent(m: m, n: rows, k: cols, a: x, lda: ldx, b: w.baseAddress!, ldb: cols,
                                                      c: y, ldc: ldy, beta: beta, threads: threads)
            }
        }
    }

    /// Copies row `r` as fp32 into `out` (the embedding lookup of a tied, quantised table).
    func row(_ r: Int, into out: UnsafeMutablePointer<Float>) {
        if let q8 {
            q8.dequantize(rows: r, count: 1, into: out)
        } else if let fp32 {
            fp32.withUnsafeBufferPointer { out.update(from: $0.baseAddress! + r * cols, count: cols) }
        }
    }
}

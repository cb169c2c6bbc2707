// How the decoder keeps its Linear weights: fp32 for OpenBLAS sgemm (what training and the reference
// path use), or Q8_0 int8 blocks for `Q8Gemm` (3.8× fewer bytes per decode step, int8 dot products).
// Measured on SmolLM2-135M (docs/BENCHMARKS.md, "Local engine"): q8 is the faster of the two for
// decode, 3.8× smaller, and keeps perplexity within 2% of llama.cpp's, so it is the CLI's default.
import Tensors

/// The in-memory format of the decoder's Linear (and tied embedding) weights.
public enum WeightFormat: String, Sendable, CaseIterable, Codable {
    /// fp32, products on OpenBLAS sgemm.
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

    /// From this many rows on, a q8 weight is dequantised panel by panel for sgemm instead of running the
    /// int8 kernel. With AVX2 only, single-thread microbenchmarks put the two level at 64 rows (n 3072,
    /// k 576) and sgemm 30% ahead at 512: decode passes (≤ 64 sequences) stay on the int8 kernel, prefill
    /// goes to sgemm. With AVX-512 VNNI the int8 kernel outruns sgemm at every size (64 × 128 prompt tokens
    /// of SmolLM2: 11.1 CPU s against 19.4 on panels + sgemm), so prefill stays int8 too, as in llama.cpp.
    #if R1AUDIT_AVX512VNNI
    static let panelRows = Int.max
    #else
    static let panelRows = 128
    #endif

    /// Bytes held.
    var byteCount: Int { q8?.byteCount ?? 4 * (fp32?.count ?? 0) }

    /// `y = x · Wᵀ + beta · y` for `m` rows of x (row stride `ldx`) into y (row stride `ldy`). The fp32
    /// path and the q8 panels split output columns over `threads` workers (`Gemm`); the q8 kernel too.
    func apply(m: Int, x: UnsafePointer<Float>, ldx: Int, y: UnsafeMutablePointer<Float>, ldy: Int,
               beta: Float = 0, threads: Int) {
        if let q8 {
            if m >= Self.panelRows {
                Q8Gemm.multiplyTransposedByPanels(m: m, a: x, lda: ldx, w: q8, c: y, ldc: ldy, beta: beta, threads: threads)
            } else {
                Q8Gemm.multiplyTransposed(m: m, a: x, lda: ldx, w: q8, c: y, ldc: ldy, beta: beta, threads: threads)
            }
        } else if let fp32 {
            fp32.withUnsafeBufferPointer { w in
                Gemm.multiplyTransposed(m: m, n: rows, k: cols, a: x, lda: ldx, b: w.baseAddress!, ldb: cols,
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

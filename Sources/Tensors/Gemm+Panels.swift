// Products whose weight is stored in another format (q8 blocks, bf16): the weight is expanded to fp32 panel
// by panel into a per-worker buffer and each panel multiplied on the fp32 sgemm. One conversion per weight
// element per call, amortised over the m rows, so for a prefill or a training batch the product runs at
// sgemm speed. Workers take whole panels (or whole row blocks of C), each with its own buffer.

extension Gemm {
    /// fp32 floats per expanded panel (1 MiB: several L2-sized sgemm blocks per call).
    public static let panelFloats = 262_144

    /// `C = A · Bᵀ + beta · C` with A (m, k) fp32 and B (n, k) in another format: `expand(n0, count, into)`
    /// writes rows n0..<n0+count of B as fp32 (count, k) (it runs on several workers at once; it must only
    /// read shared state). Panels of B rows go to `threads` workers.
    public static func multiplyTransposedByPanels(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
        beta: Float = 0, threads: Int = 1, expand: (_ n0: Int, _ count: Int, _ into: UnsafeMutablePointer<Float>) -> Void
    ) {
        guard m > 0, n > 0, k > 0 else { return }
        let workers = Self.workers(m: m, n: n, k: k, threads: threads)
        // Panels of at most panelFloats, and at least one per worker.
        let rowsPerPanel = max(16, min(panelFloats / k, (n + workers - 1) / workers))
        let panels = (n + rowsPerPanel - 1) / rowsPerPanel
        Parallel.forChunks(panels, threads: min(workers, panels)) { range in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: min(rowsPerPanel, n) * k)
            defer { buffer.deallocate() }
            for p in range {
                let n0 = p * rowsPerPanel, count = min(rowsPerPanel, n - n0)
                expand(n0, count, buffer)
                multiplyTransposed(m: m, n: count, k: k, a: a, lda: lda, b: buffer, ldb: k, c: c + n0, ldc: ldc, beta: beta)
            }
        }
    }

    /// `C = A · B + beta · C` with A (m, k) fp32 and B (k, n) in another format: `expand(k0, count, into)`
    /// writes rows k0..<k0+count of B as fp32 (count, n). Row blocks of C go to `threads` workers, each
    /// running over all panels of B (so the sum over k is taken panel by panel, in panel order).
    public static func multiplyByPanels(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
        beta: Float = 0, threads: Int = 1, expand: (_ k0: Int, _ count: Int, _ into: UnsafeMutablePointer<Float>) -> Void
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        let workers = max(1, min(Self.workers(m: m, n: n, k: k, threads: threads), m / 16))
        let rowsPerPanel = max(16, panelFloats / n)
        Parallel.forChunks(workers, threads: workers) { ws in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: min(rowsPerPanel, k) * n)
            defer { buffer.deallocate() }
            for w in ws {
                let rows = block(w, of: workers, extent: m)
                guard !rows.isEmpty else { continue }
                var k0 = 0
                while k0 < k {
                    let count = min(rowsPerPanel, k - k0)
                    expand(k0, count, buffer)
                    multiply(m: rows.count, n: n, k: count, a: a + rows.lowerBound * lda + k0, lda: lda, b: buffer, ldb: n,
                             c: c + rows.lowerBound * ldc, ldc: ldc, beta: k0 == 0 ? beta : 1)
                    k0 += count
                }
            }
        }
    }
}

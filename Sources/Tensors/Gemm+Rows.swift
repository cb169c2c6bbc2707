// The Linear product y = x · Wᵀ in fp32 with every output row computed independently of the others, for
// the inference path (issue 22: `serve` output depended on what a request was batched with).
//
// OpenBLAS sgemm picks its blocking and its edge kernels from the call's m (rows), n and k, so one row's
// result changes in the last bits with the number of rows it is multiplied with: a prompt prefilled alone
// and the same prompt prefilled beside 31 others gave different logits, and now and then a different
// token (1 in 240 sampled completions). Here each output element is one dot product over k taken by the
// same instruction sequence wherever it falls: 8-lane fp32 fmas along k in order, a fixed lane reduction
// (as `Q8Gemm.reduce`), then the k % 8 tail in order, then beta. Tiles (4 rows × 2 columns, or 1 row × 4
// columns for the rows left over) only decide which elements share loads, never how one is summed; the
// row blocks and the column split over the workers only decide which thread computes an element. So a
// row's output is bit-identical whatever m, the thread count or the row's place in the batch.
//
// The dot-product form (both operands read along k) keeps 8 accumulators and 6 loads per 8 fmas in a
// 4 × 2 tile; without OpenBLAS's packing and outer-product micro-kernel it is slower than sgemm on
// large prefills (docs/BENCHMARKS.md, "Batch independence"). Training keeps sgemm (`Gemm.linearForward`).
// `naiveMultiplyTransposed` (Double accumulation) is the reference.

extension Gemm {
    /// Floats of activations per row block, so that a block (up to this many floats) stays in L2 while the
    /// weight's column groups stream past it (128 KiB).
    static let rowBlockFloats = 32_768

    /// Rows of a row block for inner dimension k: a multiple of 4, from 4 up to 256.
    static func rowBlock(k: Int) -> Int { max(4, min(256, rowBlockFloats / max(k, 1) / 4 * 4)) }

    /// `C = A · Bᵀ + beta · C` with A (m, k) row stride `lda`, B (n, k) row stride `ldb` and C (m, n) row
    /// stride `ldc`, each row of C computed independently of the others (see the file header): the same
    /// row gives the same bits whatever m and `threads`. Columns are split over `threads` workers.
    public static func multiplyTransposedRowIndependent(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0, threads: Int = 1
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        let groups = (n + 3) / 4
        let workers = min(Self.workers(m: m, n: n, k: k, threads: threads), groups)
        let block = rowBlock(k: k)
        Parallel.forChunks(groups, threads: workers) { range in
            var r0 = 0
            while r0 < m {
                let r1 = min(m, r0 + block)
                for g in range {
                    rowTiles(rows: r0, r1, columns: 4 * g, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc,
                             beta: beta)
                }
                r0 = r1
            }
        }
    }

    /// Rows r0 ..< r1 against the 4 columns from n0 (clamped to n): 4 × 2 tiles while 4 rows remain, then 1 × 4.
    @inline(__always)
    static func rowTiles(rows r0: Int, _ r1: Int, columns n0: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                         b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float) {
        var r = r0
        while r + 4 <= r1 {
            rowTile4x2(a: a + r * lda, lda: lda, b: b, ldb: ldb, n0: n0, n: n, k: k, c: c + r * ldc, ldc: ldc, beta: beta)
            rowTile4x2(a: a + r * lda, lda: lda, b: b, ldb: ldb, n0: n0 + 2, n: n, k: k, c: c + r * ldc, ldc: ldc, beta: beta)
            r += 4
        }
        while r < r1 {
            rowTile1x4(a: a + r * lda, b: b, ldb: ldb, n0: n0, n: n, k: k, c: c + r * ldc, beta: beta)
            r += 1
        }
    }

    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

    /// One element's end: the 8 lanes reduced in a fixed order, then the k % 8 tail from `k8` in order.
    @inline(__always)
    static func finish(_ v: SIMD8<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, from k8: Int, k: Int) -> Float {
        let h = v.lowHalf + v.highHalf
        let q = h.lowHalf + h.highHalf
        var s = q[0] + q[1]
        var p = k8
        while p < k { s = s.addingProduct(x[p], w[p]); p += 1 }
        return s
    }

    @inline(__always)
    static func store(_ v: Float, _ c: UnsafeMutablePointer<Float>, beta: Float) {
        c.pointee = beta == 0 ? v : v + beta * c.pointee
    }

    /// Rows r ..< r + 4 of A (a points at row r) against columns n0, n0 + 1 of C (clamped to n - 1; a
    /// duplicate is not stored, a column at or past n not computed).
    @inline(__always)
    static func rowTile4x2(a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, n0: Int, n: Int, k: Int,
                           c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float) {
        guard n0 < n else { return }
        let n1 = min(n0 + 1, n - 1), k8 = k / 8 * 8
        let w0 = b + n0 * ldb, w1 = b + n1 * ldb
        let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda
        var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
        var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
        var p = 0
        while p < k8 {
            let x0 = load8(w0 + p), x1 = load8(w1 + p)
            var y = load8(a0 + p)
            c00.addProduct(y, x0); c01.addProduct(y, x1)
            y = load8(a1 + p)
            c10.addProduct(y, x0); c11.addProduct(y, x1)
            y = load8(a2 + p)
            c20.addProduct(y, x0); c21.addProduct(y, x1)
            y = load8(a3 + p)
            c30.addProduct(y, x0); c31.addProduct(y, x1)
            p &+= 8
        }
        store(finish(c00, a0, w0, from: k8, k: k), c + n0, beta: beta)
        store(finish(c10, a1, w0, from: k8, k: k), c + ldc + n0, beta: beta)
        store(finish(c20, a2, w0, from: k8, k: k), c + 2 * ldc + n0, beta: beta)
        store(finish(c30, a3, w0, from: k8, k: k), c + 3 * ldc + n0, beta: beta)
        if n1 != n0 {
            store(finish(c01, a0, w1, from: k8, k: k), c + n1, beta: beta)
            store(finish(c11, a1, w1, from: k8, k: k), c + ldc + n1, beta: beta)
            store(finish(c21, a2, w1, from: k8, k: k), c + 2 * ldc + n1, beta: beta)
            store(finish(c31, a3, w1, from: k8, k: k), c + 3 * ldc + n1, beta: beta)
        }
    }

    /// One row of A against columns n0 ..< n0 + 4 of C (clamped like `rowTile4x2`).
    @inline(__always)
    static func rowTile1x4(a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int, n0: Int, n: Int, k: Int,
                           c: UnsafeMutablePointer<Float>, beta: Float) {
        let n1 = min(n0 + 1, n - 1), n2 = min(n0 + 2, n - 1), n3 = min(n0 + 3, n - 1), k8 = k / 8 * 8
        let w0 = b + n0 * ldb, w1 = b + n1 * ldb, w2 = b + n2 * ldb, w3 = b + n3 * ldb
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
        var p = 0
        while p < k8 {
            let y = load8(a + p)
            c0.addProduct(y, load8(w0 + p)); c1.addProduct(y, load8(w1 + p))
            c2.addProduct(y, load8(w2 + p)); c3.addProduct(y, load8(w3 + p))
            p &+= 8
        }
        store(finish(c0, a, w0, from: k8, k: k), c + n0, beta: beta)
        if n0 + 1 < n { store(finish(c1, a, w1, from: k8, k: k), c + n1, beta: beta) }
        if n0 + 2 < n { store(finish(c2, a, w2, from: k8, k: k), c + n2, beta: beta) }
        if n0 + 3 < n { store(finish(c3, a, w3, from: k8, k: k), c + n3, beta: beta) }
    }
}

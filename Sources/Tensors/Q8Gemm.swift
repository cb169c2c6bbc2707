// The Linear product y = x · Wᵀ with W in Q8_0 blocks (`Q8Matrix`) and x quantised per row to Q8_0 on
// the fly, as llama.cpp's `ggml_vec_dot_q8_0_q8_0`: per block of 32, an exact int8·int8 dot product in
// int32, converted once and scaled by d_x·d_w into fp32 lanes. On x86-64 builds with AVX2 (the
// R1AUDIT_AVX2 flag that Package.swift sets together with `-target-cpu haswell`) the block dot is
// vpsignb + vpmaddubsw + vpmaddwd: 32 multiply-adds in three instructions, which Swift's SIMD types do
// not lower to on their own. Other builds run the portable scalar loop; the naive reference dequantises
// both operands and accumulates in Double.
//
// Every output element is computed by the same instruction sequence whatever the tile it falls in (block
// order, fma order and the final lane reduction are fixed), so a row's result does not depend on which
// other rows share the pass: batched and unbatched decoding stay bit-identical.
#if R1AUDIT_AVX2
import _Builtin_intrinsics.intel
#endif

/// Products of fp32 activations with Q8_0 weights.
public enum Q8Gemm {
    /// Rows of activations processed together, so a block of them stays in L2 while weights stream.
    @usableFromInline static let rowBlock = 128

    /// `C = A · Wᵀ + beta · C` for A (m, k) fp32 with row stride `lda`, W (n, k) Q8_0 and C (m, n) with
    /// row stride `ldc`; the n columns are split over `threads` workers.
    public static func multiplyTransposed(m: Int, a: UnsafePointer<Float>, lda: Int, w: Q8Matrix,
                                          c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0, threads: Int = 1) {
        let k = w.cols, n = w.rows, blocks = k / Q8Matrix.blockSize
        guard m > 0, n > 0 else { return }
        let aq = UnsafeMutablePointer<Int8>.allocate(capacity: m * k)
        let sa = UnsafeMutablePointer<Float>.allocate(capacity: m * blocks)
        // The VNNI panel kernel also takes −128 · Σ x per row and block (the weights carry + 128); other
        // builds leave it unwritten (an eighth of `aq`'s size).
        let ca = UnsafeMutablePointer<Int32>.allocate(capacity: m * blocks)
        defer { aq.deallocate(); sa.deallocate(); ca.deallocate() }
        // Rows are quantised independently, so a prompt's rows are split over the workers (serial, the
        // quantisation was 9% of a 512-token prefill's time, perf); a few decode rows stay on this thread.
        Parallel.forChunks(m, threads: m * k >= 65_536 ? threads : 1) { rows in
            let r0 = rows.lowerBound
            quantizeRows(a + r0 * lda, lda: lda, rows: rows.count, cols: k, quants: aq + r0 * k, scales: sa + r0 * blocks,
                         corrections: ca + r0 * blocks)
        }
        w.quants.withUnsafeBufferPointer { wq in
            w.scales.withUnsafeBufferPointer { ws in
                let wq = wq.baseAddress!, ws = ws.baseAddress!
                // Work items: pairs of 16-row panels (VNNI), else groups of 4 weight rows (output columns).
                #if R1AUDIT_AVX512VNNI
                let items = (w.panels + 1) / 2
                #else
                let items = (n + 3) / 4
                #endif
                Parallel.forChunks(items, threads: min(threads, max(1, m * n * k / 200_000))) { range in
                    var r0 = 0
                    while r0 < m {
                        let r1 = min(m, r0 + rowBlock)
                        #if R1AUDIT_AVX512VNNI
                        panelTiles(rows: r0, r1, pairs: range, aq: aq, sa: sa, ca: ca, k: k, w: wq, ws: ws, panels: w.panels,
                                   n: n, c: c, ldc: ldc, beta: beta)
                        #else
                        tiles(rows: r0, r1, groups: range, aq: aq, sa: sa, k: k, wq: wq, ws: ws, n: n, c: c, ldc: ldc, beta: beta)
                        #endif
                        r0 = r1
                    }
                }
            }
        }
    }

    /// The same product for many rows: panels of W are dequantised to fp32 (one conversion per weight,
    /// amortised over the m rows) and multiplied on the fp32 sgemm, which outruns the int8 kernel once
    /// the weights are reused across enough rows (prefill). Activations stay fp32 on this path. Panels
    /// go to `threads` workers (`Gemm.multiplyTransposedByPanels`).
    public static func multiplyTransposedByPanels(m: Int, a: UnsafePointer<Float>, lda: Int, w: Q8Matrix,
                                                  c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0,
                                                  threads: Int = 1) {
        Gemm.multiplyTransposedByPanels(m: m, n: w.rows, k: w.cols, a: a, lda: lda, c: c, ldc: ldc, beta: beta,
                                        threads: threads) { n0, count, buffer in
            w.dequantize(rows: n0, count: count, into: buffer)
        }
    }

    /// Whether the product's kernel takes −128 · Σ q per activation block (the VNNI panel kernel does).
    static let takesCorrections: Bool = {
        #if R1AUDIT_AVX512VNNI
        return true
        #else
        return false
        #endif
    }()

    /// The activation side of `multiplyTransposed`: Q8_0 quants and scales (bit-identical to
    /// `Q8Matrix.quantizeRow`) and, when `takesCorrections`, each block's −128 · Σ q into `corrections`.
    static func quantizeRows(_ a: UnsafePointer<Float>, lda: Int, rows: Int, cols: Int, quants: UnsafeMutablePointer<Int8>,
                             scales: UnsafeMutablePointer<Float>, corrections: UnsafeMutablePointer<Int32>) {
        #if R1AUDIT_AVX512VNNI
        quantizeActivationsWithCorrections(a, lda: lda, rows: rows, cols: cols, quants: quants, scales: scales,
                                           corrections: corrections)
        #else
        quantizeActivations(a, lda: lda, rows: rows, cols: cols, quants: quants, scales: scales)
        #endif
    }

    /// Quantises `rows` rows of `cols` (a multiple of 32) activations to Q8_0, bit-identical to
    /// `Q8Matrix.quantizeRow`.
    public static func quantizeActivations(_ a: UnsafePointer<Float>, lda: Int, rows: Int, cols: Int,
                                           quants: UnsafeMutablePointer<Int8>, scales: UnsafeMutablePointer<Float>) {
        let blocks = cols / Q8Matrix.blockSize
        #if R1AUDIT_AVX2
        let order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)
        for r in 0..<rows {
            for b in 0..<blocks {
                let p = UnsafeRawPointer(a + r * lda + b * 32)
                let v0 = p.loadUnaligned(as: SIMD8<Float>.self), v1 = p.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                let v2 = p.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
                let v3 = p.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
                let m8 = FastMath.max(FastMath.max(FastMath.abs(v0), FastMath.abs(v1)),
                                      FastMath.max(FastMath.abs(v2), FastMath.abs(v3)))
                let amax = FastMath.horizontalMax(m8)
                let d = amax / 127, id: Float = d > 0 ? 1 / d : 0
                scales[r * blocks + b] = d
                let s = SIMD8<Float>(repeating: id)
                // cvtps rounds to nearest-even like the scalar path; packs keep 4-byte groups per 128-bit
                // lane, so a final permute restores the element order.
                let i0 = _mm256_cvtps_epi32(v0 * s), i1 = _mm256_cvtps_epi32(v1 * s)
                let i2 = _mm256_cvtps_epi32(v2 * s), i3 = _mm256_cvtps_epi32(v3 * s)
                let q = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3))
                let ordered = _mm256_permutevar8x32_epi32(q, order)
                UnsafeMutableRawPointer(quants + r * cols + b * 32).storeBytes(of: ordered, as: __m256i.self)
            }
        }
        #else
        for r in 0..<rows {
            Q8Matrix.quantizeRow(a + r * lda, count: cols, quants: quants + r * cols, scales: scales + r * blocks)
        }
        #endif
    }

    @inlinable @inline(__always)
    static func store(_ v: Float, _ c: UnsafeMutablePointer<Float>, beta: Float) {
        c.pointee = beta == 0 ? v : v + beta * c.pointee
    }

    // The row-major kernels (AVX2 or portable). VNNI builds keep the weights in panels and run
    // `Q8Gemm+VNNI.swift` instead; these would read that layout wrongly, so they are not compiled there.
    #if !R1AUDIT_AVX512VNNI
    /// Rows r0 ..< r1 against column groups `range` (4 columns each) of row-major weights: 4 × 2 tiles while
    /// 4 rows remain, then 1 × 4 tiles (AVX2 or portable; VNNI builds run `panelTiles`).
    static func tiles(rows r0: Int, _ r1: Int, groups range: Range<Int>, aq: UnsafePointer<Int8>, sa: UnsafePointer<Float>,
                      k: Int, wq: UnsafePointer<Int8>, ws: UnsafePointer<Float>, n: Int, c: UnsafeMutablePointer<Float>,
                      ldc: Int, beta: Float) {
        let blocks = k / Q8Matrix.blockSize
        for g in range {
            let n0 = g * 4
            var r = r0
            while r + 4 <= r1 {
                for col in stride(from: n0, through: n0 + 2, by: 2) {
                    tile4x2(aq: aq + r * k, sa: sa + r * blocks, k: k, wq: wq, ws: ws, n0: col, n: n,
                            c: c + r * ldc, ldc: ldc, beta: beta)
                }
                r += 4
            }
            while r < r1 {
                tile1x4(aq: aq + r * k, sa: sa + r * blocks, k: k, wq: wq, ws: ws, n0: n0, n: n,
                        c: c + r * ldc, beta: beta)
                r += 1
            }
        }
    }

    /// The 8 fp32 lanes of one output element reduced in a fixed order.
    @inlinable @inline(__always)
    static func reduce(_ v: SIMD8<Float>) -> Float {
        let h = v.lowHalf + v.highHalf
        let q = h.lowHalf + h.highHalf
        return q[0] + q[1]
    }

    #if R1AUDIT_AVX2
    @inline(__always)
    static func load(_ p: UnsafePointer<Int8>) -> __m256i { UnsafeRawPointer(p).loadUnaligned(as: __m256i.self) }

    /// int32 lanes of Σ u·s over one block, u ≥ 0 (|x|), s = y with x's sign: the exact x·y products.
    @inline(__always)
    static func blockDot(_ u: __m256i, _ s: __m256i) -> SIMD8<Float> {
        _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)))
    }
    #endif

    /// Rows r..r+3 of the quantised activations against weight rows n0, n0+1 (clamped to n - 1, the
    /// duplicates not stored).
    @inline(__always)
    static func tile4x2(aq: UnsafePointer<Int8>, sa: UnsafePointer<Float>, k: Int, wq: UnsafePointer<Int8>,
                        ws: UnsafePointer<Float>, n0: Int, n: Int, c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float) {
        guard n0 < n else { return }
        let blocks = k / 32, n1 = min(n0 + 1, n - 1)
        let w0 = wq + n0 * k, w1 = wq + n1 * k, d0 = ws + n0 * blocks, d1 = ws + n1 * blocks
        let a0 = aq, a1 = aq + k, a2 = aq + 2 * k, a3 = aq + 3 * k
        let s0 = sa, s1 = sa + blocks, s2 = sa + 2 * blocks, s3 = sa + 3 * blocks
        var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
        var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
        #if R1AUDIT_AVX2
        for b in 0..<blocks {
            let o = b &* 32
            let x0 = load(w0 + o), x1 = load(w1 + o)
            let u0 = _mm256_sign_epi8(x0, x0), u1 = _mm256_sign_epi8(x1, x1)
            let e0 = d0[b], e1 = d1[b]
            var y = load(a0 + o), t = s0[b]
            c00 = _mm256_fmadd_ps(blockDot(u0, _mm256_sign_epi8(y, x0)), SIMD8(repeating: t * e0), c00)
            c01 = _mm256_fmadd_ps(blockDot(u1, _mm256_sign_epi8(y, x1)), SIMD8(repeating: t * e1), c01)
            y = load(a1 + o); t = s1[b]
            c10 = _mm256_fmadd_ps(blockDot(u0, _mm256_sign_epi8(y, x0)), SIMD8(repeating: t * e0), c10)
            c11 = _mm256_fmadd_ps(blockDot(u1, _mm256_sign_epi8(y, x1)), SIMD8(repeating: t * e1), c11)
            y = load(a2 + o); t = s2[b]
            c20 = _mm256_fmadd_ps(blockDot(u0, _mm256_sign_epi8(y, x0)), SIMD8(repeating: t * e0), c20)
            c21 = _mm256_fmadd_ps(blockDot(u1, _mm256_sign_epi8(y, x1)), SIMD8(repeating: t * e1), c21)
            y = load(a3 + o); t = s3[b]
            c30 = _mm256_fmadd_ps(blockDot(u0, _mm256_sign_epi8(y, x0)), SIMD8(repeating: t * e0), c30)
            c31 = _mm256_fmadd_ps(blockDot(u1, _mm256_sign_epi8(y, x1)), SIMD8(repeating: t * e1), c31)
        }
        #else
        for b in 0..<blocks {
            let o = b * 32, e0 = d0[b], e1 = d1[b]
            c00 += portableDot(a0 + o, w0 + o) * SIMD8(repeating: s0[b] * e0)
            c01 += portableDot(a0 + o, w1 + o) * SIMD8(repeating: s0[b] * e1)
            c10 += portableDot(a1 + o, w0 + o) * SIMD8(repeating: s1[b] * e0)
            c11 += portableDot(a1 + o, w1 + o) * SIMD8(repeating: s1[b] * e1)
            c20 += portableDot(a2 + o, w0 + o) * SIMD8(repeating: s2[b] * e0)
            c21 += portableDot(a2 + o, w1 + o) * SIMD8(repeating: s2[b] * e1)
            c30 += portableDot(a3 + o, w0 + o) * SIMD8(repeating: s3[b] * e0)
            c31 += portableDot(a3 + o, w1 + o) * SIMD8(repeating: s3[b] * e1)
        }
        #endif
        store(reduce(c00), c + n0, beta: beta); store(reduce(c10), c + ldc + n0, beta: beta)
        store(reduce(c20), c + 2 * ldc + n0, beta: beta); store(reduce(c30), c + 3 * ldc + n0, beta: beta)
        if n0 + 1 < n {
            store(reduce(c01), c + n0 + 1, beta: beta); store(reduce(c11), c + ldc + n0 + 1, beta: beta)
            store(reduce(c21), c + 2 * ldc + n0 + 1, beta: beta); store(reduce(c31), c + 3 * ldc + n0 + 1, beta: beta)
        }
    }

    /// One activation row against weight rows n0 ..< n0 + 4 (clamped like `tile4x2`).
    @inline(__always)
    static func tile1x4(aq: UnsafePointer<Int8>, sa: UnsafePointer<Float>, k: Int, wq: UnsafePointer<Int8>,
                        ws: UnsafePointer<Float>, n0: Int, n: Int, c: UnsafeMutablePointer<Float>, beta: Float) {
        let blocks = k / 32
        let n1 = min(n0 + 1, n - 1), n2 = min(n0 + 2, n - 1), n3 = min(n0 + 3, n - 1)
        let w0 = wq + n0 * k, w1 = wq + n1 * k, w2 = wq + n2 * k, w3 = wq + n3 * k
        let d0 = ws + n0 * blocks, d1 = ws + n1 * blocks, d2 = ws + n2 * blocks, d3 = ws + n3 * blocks
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
        #if R1AUDIT_AVX2
        for b in 0..<blocks {
            let o = b &* 32, t = sa[b]
            let y = load(aq + o)
            // The int products are the same as in tile4x2 (|x|·sign(y, x) = |y|·sign(x, y) = x·y).
            let x0 = load(w0 + o), x1 = load(w1 + o), x2 = load(w2 + o), x3 = load(w3 + o)
            c0 = _mm256_fmadd_ps(blockDot(_mm256_sign_epi8(x0, x0), _mm256_sign_epi8(y, x0)), SIMD8(repeating: t * d0[b]), c0)
            c1 = _mm256_fmadd_ps(blockDot(_mm256_sign_epi8(x1, x1), _mm256_sign_epi8(y, x1)), SIMD8(repeating: t * d1[b]), c1)
            c2 = _mm256_fmadd_ps(blockDot(_mm256_sign_epi8(x2, x2), _mm256_sign_epi8(y, x2)), SIMD8(repeating: t * d2[b]), c2)
            c3 = _mm256_fmadd_ps(blockDot(_mm256_sign_epi8(x3, x3), _mm256_sign_epi8(y, x3)), SIMD8(repeating: t * d3[b]), c3)
        }
        #else
        for b in 0..<blocks {
            let o = b * 32, t = sa[b]
            c0 += portableDot(aq + o, w0 + o) * SIMD8(repeating: t * d0[b])
            c1 += portableDot(aq + o, w1 + o) * SIMD8(repeating: t * d1[b])
            c2 += portableDot(aq + o, w2 + o) * SIMD8(repeating: t * d2[b])
            c3 += portableDot(aq + o, w3 + o) * SIMD8(repeating: t * d3[b])
        }
        #endif
        store(reduce(c0), c + n0, beta: beta)
        if n0 + 1 < n { store(reduce(c1), c + n0 + 1, beta: beta) }
        if n0 + 2 < n { store(reduce(c2), c + n0 + 2, beta: beta) }
        if n0 + 3 < n { store(reduce(c3), c + n0 + 3, beta: beta) }
    }

    /// Portable block dot: lane j holds the exact sum of the products of elements 4j ..< 4j + 4, as the
    /// AVX2 path's vpmaddwd lanes do.
    @inline(__always)
    static func portableDot(_ x: UnsafePointer<Int8>, _ y: UnsafePointer<Int8>) -> SIMD8<Float> {
        var lanes = SIMD8<Float>()
        for j in 0..<8 {
            var s: Int32 = 0
            for i in (4 * j)..<(4 * j + 4) { s += Int32(x[i]) * Int32(y[i]) }
            lanes[j] = Float(s)
        }
        return lanes
    }

    #endif

    /// Reference: quantises A's rows with the scalar `Q8Matrix.quantizeRow`, dequantises both operands
    /// and accumulates in Double.
    public static func naiveMultiplyTransposed(m: Int, a: UnsafePointer<Float>, lda: Int, w: Q8Matrix,
                                               c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
        let k = w.cols, blocks = k / Q8Matrix.blockSize
        var q = [Int8](repeating: 0, count: k), s = [Float](repeating: 0, count: blocks)
        var wf = [Float](repeating: 0, count: w.rows * k)
        w.dequantize(rows: 0, count: w.rows, into: &wf)
        for i in 0..<m {
            Q8Matrix.quantizeRow(a + i * lda, count: k, quants: &q, scales: &s)
            for j in 0..<w.rows {
                var acc = 0.0
                for p in 0..<k { acc += Double(Float(q[p]) * s[p / 32]) * Double(wf[j * k + p]) }
                c[i * ldc + j] = Float(acc) + (beta == 0 ? 0 : beta * c[i * ldc + j])
            }
        }
    }
}

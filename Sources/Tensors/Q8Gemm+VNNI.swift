// The Q8_0 × Q8_0 product on AVX-512 VNNI (built when the building CPU has avx512f/bw/dq/vl and
// avx512_vnni; Package.swift then defines R1AUDIT_AVX512VNNI), on weights in column panels
// (`Q8Matrix.quants`): 16 weight rows interleaved 4 bytes at a time, each byte stored as q + 128.
//
// vpdpbusd multiplies 16 groups of 4 unsigned bytes by 4 signed bytes and adds each group's sum into an
// int32 lane. With the 4 activation bytes x[4s ..< 4s+4] broadcast to every lane (an embedded {1to16}
// memory operand) and 64 bytes of a panel, one instruction advances 16 weight rows (output columns) by 4
// positions; 8 of them finish a block of 32 with 16 complete, exact int32 block dot products, no
// horizontal reduction. Each block then costs one convert and one fma per 16 outputs (scale
// d_x · d_w), where the former row-major tiles paid a convert, a multiply and an fma per 2 blocks of
// one output: 11 vector instructions per 512 multiply-adds instead of 32.
//
// The weights carry + 128 (vpdpbusd wants its unsigned operand there), so Σ x·(q + 128) = Σ x·q + 128 · Σ x:
// every lane starts the block at −128 · Σ x over the block's activations (`quantizeActivationsWithCorrections`, one
// value per activation row and block, shared by all columns). llama.cpp's AVX-VNNI path uses the same
// offset idea with the sign on the other operand.
//
// Every output element goes through the same sequence whatever the tile (blocks in order, exact int32 per
// block, then f = fma(float(dot), d_x·d_w, f)), so batched and unbatched decoding stay bit-identical.
#if R1AUDIT_AVX512VNNI
import _Builtin_intrinsics.intel

extension Q8Gemm {
    /// Quantises `rows` rows of `cols` activations to Q8_0 (bit-identical to `Q8Matrix.quantizeRow`, like
    /// `quantizeActivations`) and writes each block's −128 · Σ q into `corrections`, in one pass on 512-bit
    /// registers: a block is two vectors, vpmovsdb packs each to 16 ordered bytes, and the block sum comes
    /// from the same int32 lanes. (The AVX2 quantiser plus a separate vpsadbw pass for the sums were 7% of
    /// a 512-token prefill, perf, mostly the 8-lane max reduction.)
    static func quantizeActivationsWithCorrections(_ a: UnsafePointer<Float>, lda: Int, rows: Int, cols: Int,
                                                   quants: UnsafeMutablePointer<Int8>, scales: UnsafeMutablePointer<Float>,
                                                   corrections: UnsafeMutablePointer<Int32>) {
        let blocks = cols / Q8Matrix.blockSize
        let magnitude = _mm512_set1_epi32(0x7fff_ffff)
        for r in 0..<rows {
            for b in 0..<blocks {
                let p = UnsafeRawPointer(a + r * lda + b * 32)
                let v0 = p.loadUnaligned(as: __m512.self), v1 = p.loadUnaligned(fromByteOffset: 64, as: __m512.self)
                let a0 = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(v0), magnitude))
                let a1 = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(v1), magnitude))
                let amax = _mm512_reduce_max_ps(_mm512_max_ps(a0, a1))
                let d = amax / 127, id: Float = d > 0 ? 1 / d : 0
                let i = r * blocks + b
                scales[i] = d
                let s = _mm512_set1_ps(id)
                // vcvtps2dq rounds to nearest-even, as the scalar path; |q| ≤ 127, so vpmovsdb never saturates.
                let q0 = _mm512_cvtps_epi32(_mm512_mul_ps(v0, s)), q1 = _mm512_cvtps_epi32(_mm512_mul_ps(v1, s))
                let out = UnsafeMutableRawPointer(quants + r * cols + b * 32)
                out.storeBytes(of: _mm512_cvtsepi32_epi8(q0), as: __m128i.self)
                out.storeBytes(of: _mm512_cvtsepi32_epi8(q1), toByteOffset: 16, as: __m128i.self)
                corrections[i] = -128 &* _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1))
            }
        }
    }

    @inline(__always)
    static func load512(_ p: UnsafePointer<Int8>) -> __m512i { UnsafeRawPointer(p).loadUnaligned(as: __m512i.self) }

    /// The 4 activation bytes at p in all 16 lanes.
    @inline(__always)
    static func broadcast4(_ p: UnsafePointer<Int8>) -> __m512i {
        _mm512_set1_epi32(UnsafeRawPointer(p).loadUnaligned(as: Int32.self))
    }

    @inline(__always)
    static func broadcast(_ v: Int32) -> __m512i { _mm512_set1_epi32(v) }

    @inline(__always)
    static func loadScales(_ p: UnsafePointer<Float>) -> __m512 { UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self) }

    /// f + float(lanes) · (d_x · d_w) for one block of 16 outputs.
    @inline(__always)
    static func scaleBlock(_ f: __m512, _ lanes: __m512i, _ dx: Float, _ dw: __m512) -> __m512 {
        _mm512_fmadd_ps(_mm512_cvtepi32_ps(lanes), _mm512_mul_ps(SIMD16<Float>(repeating: dx), dw), f)
    }

    /// The 16 outputs of one panel for one activation row, columns past n dropped. A whole panel is one
    /// vector store (the element-wise loop, with its beta test per element, was a third of the kernel's time
    /// on a 512-token prefill, perf); beta is applied as v + beta · c, a multiply then an add, exactly as
    /// `store` does per element, so the result does not depend on which path a column took.
    @inline(__always)
    static func storePanel(_ v: __m512, _ c: UnsafeMutablePointer<Float>, col: Int, n: Int, beta: Float) {
        let lanes: SIMD16<Float> = v
        guard col + Q8Matrix.panelWidth <= n else {
            for j in 0..<(n - col) { store(lanes[j], c + col + j, beta: beta) }
            return
        }
        let p = UnsafeMutableRawPointer(c + col)
        if beta == 0 {
            p.storeBytes(of: lanes, as: SIMD16<Float>.self)
        } else {
            let old = UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
            let scaled = SIMD16<Float>(repeating: beta) * old
            p.storeBytes(of: lanes + scaled, as: SIMD16<Float>.self)
        }
    }

    /// Activation rows r..r+3 (aq, sa, ca point at row r) against panels p0 and p0 + 1 (clamped to the
    /// last panel; a duplicate is not stored).
    @inline(__always)
    static func panelTile4x2(aq: UnsafePointer<Int8>, sa: UnsafePointer<Float>, ca: UnsafePointer<Int32>, k: Int,
                             wq: UnsafePointer<Int8>, ws: UnsafePointer<Float>, p0: Int, panels: Int, n: Int,
                             c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float) {
        let blocks = k / 32, width = Q8Matrix.panelWidth, p1 = min(p0 + 1, panels - 1)
        let w0 = wq + p0 * width * k, w1 = wq + p1 * width * k
        let d0 = ws + p0 * width * blocks, d1 = ws + p1 * width * blocks
        let a0 = aq, a1 = aq + k, a2 = aq + 2 * k, a3 = aq + 3 * k
        var f00 = _mm512_setzero_ps(), f01 = _mm512_setzero_ps(), f10 = _mm512_setzero_ps(), f11 = _mm512_setzero_ps()
        var f20 = _mm512_setzero_ps(), f21 = _mm512_setzero_ps(), f30 = _mm512_setzero_ps(), f31 = _mm512_setzero_ps()
        for b in 0..<blocks {
            var i00 = broadcast(ca[b]), i10 = broadcast(ca[blocks &+ b])
            var i20 = broadcast(ca[2 &* blocks &+ b]), i30 = broadcast(ca[3 &* blocks &+ b])
            var i01 = i00, i11 = i10, i21 = i20, i31 = i30
            let wb0 = w0 + b &* 512, wb1 = w1 + b &* 512, o = b &* 32
            for s in 0..<8 {
                let x0 = load512(wb0 + s &* 64), x1 = load512(wb1 + s &* 64), e = o &+ s &* 4
                var y = broadcast4(a0 + e)
                i00 = _mm512_dpbusd_epi32(i00, x0, y); i01 = _mm512_dpbusd_epi32(i01, x1, y)
                y = broadcast4(a1 + e)
                i10 = _mm512_dpbusd_epi32(i10, x0, y); i11 = _mm512_dpbusd_epi32(i11, x1, y)
                y = broadcast4(a2 + e)
                i20 = _mm512_dpbusd_epi32(i20, x0, y); i21 = _mm512_dpbusd_epi32(i21, x1, y)
                y = broadcast4(a3 + e)
                i30 = _mm512_dpbusd_epi32(i30, x0, y); i31 = _mm512_dpbusd_epi32(i31, x1, y)
            }
            let e0 = loadScales(d0 + b &* 16), e1 = loadScales(d1 + b &* 16)
            f00 = scaleBlock(f00, i00, sa[b], e0); f01 = scaleBlock(f01, i01, sa[b], e1)
            f10 = scaleBlock(f10, i10, sa[blocks &+ b], e0); f11 = scaleBlock(f11, i11, sa[blocks &+ b], e1)
            f20 = scaleBlock(f20, i20, sa[2 &* blocks &+ b], e0); f21 = scaleBlock(f21, i21, sa[2 &* blocks &+ b], e1)
            f30 = scaleBlock(f30, i30, sa[3 &* blocks &+ b], e0); f31 = scaleBlock(f31, i31, sa[3 &* blocks &+ b], e1)
        }
        let col0 = p0 * width, col1 = p1 * width
        storePanel(f00, c, col: col0, n: n, beta: beta); storePanel(f10, c + ldc, col: col0, n: n, beta: beta)
        storePanel(f20, c + 2 * ldc, col: col0, n: n, beta: beta); storePanel(f30, c + 3 * ldc, col: col0, n: n, beta: beta)
        if p1 != p0 {
            storePanel(f01, c, col: col1, n: n, beta: beta); storePanel(f11, c + ldc, col: col1, n: n, beta: beta)
            storePanel(f21, c + 2 * ldc, col: col1, n: n, beta: beta); storePanel(f31, c + 3 * ldc, col: col1, n: n, beta: beta)
        }
    }

    /// One activation row against panels p0 and p0 + 1 (clamped like `panelTile4x2`).
    @inline(__always)
    static func panelTile1x2(aq: UnsafePointer<Int8>, sa: UnsafePointer<Float>, ca: UnsafePointer<Int32>, k: Int,
                             wq: UnsafePointer<Int8>, ws: UnsafePointer<Float>, p0: Int, panels: Int, n: Int,
                             c: UnsafeMutablePointer<Float>, beta: Float) {
        let blocks = k / 32, width = Q8Matrix.panelWidth, p1 = min(p0 + 1, panels - 1)
        let w0 = wq + p0 * width * k, w1 = wq + p1 * width * k
        let d0 = ws + p0 * width * blocks, d1 = ws + p1 * width * blocks
        var f0 = _mm512_setzero_ps(), f1 = _mm512_setzero_ps()
        for b in 0..<blocks {
            var i0 = broadcast(ca[b])
            var i1 = i0
            let wb0 = w0 + b &* 512, wb1 = w1 + b &* 512, o = b &* 32
            for s in 0..<8 {
                let y = broadcast4(aq + (o &+ s &* 4))
                i0 = _mm512_dpbusd_epi32(i0, load512(wb0 + s &* 64), y)
                i1 = _mm512_dpbusd_epi32(i1, load512(wb1 + s &* 64), y)
            }
            f0 = scaleBlock(f0, i0, sa[b], loadScales(d0 + b &* 16))
            f1 = scaleBlock(f1, i1, sa[b], loadScales(d1 + b &* 16))
        }
        storePanel(f0, c, col: p0 * width, n: n, beta: beta)
        if p1 != p0 { storePanel(f1, c, col: p1 * width, n: n, beta: beta) }
    }

    /// Rows r0 ..< r1 against panel pairs `range`: 4 × 2 tiles while 4 rows remain, then 1 × 2.
    static func panelTiles(rows r0: Int, _ r1: Int, pairs range: Range<Int>, aq: UnsafePointer<Int8>, sa: UnsafePointer<Float>,
                           ca: UnsafePointer<Int32>, k: Int, w: UnsafePointer<Int8>, ws: UnsafePointer<Float>, panels: Int,
                           n: Int, c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float) {
        let blocks = k / Q8Matrix.blockSize
        for pair in range {
            var r = r0
            while r + 4 <= r1 {
                panelTile4x2(aq: aq + r * k, sa: sa + r * blocks, ca: ca + r * blocks, k: k, wq: w, ws: ws, p0: 2 * pair,
                             panels: panels, n: n, c: c + r * ldc, ldc: ldc, beta: beta)
                r += 4
            }
            while r < r1 {
                panelTile1x2(aq: aq + r * k, sa: sa + r * blocks, ca: ca + r * blocks, k: k, wq: w, ws: ws, p0: 2 * pair,
                             panels: panels, n: n, c: c + r * ldc, beta: beta)
                r += 1
            }
        }
    }
}
#endif

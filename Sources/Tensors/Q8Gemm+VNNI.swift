// The Q8_0 × Q8_0 product on AVX-512 VNNI (built when the building CPU has avx512f/bw/dq/vl and
// avx512_vnni; Package.swift then defines R1AUDIT_AVX512VNNI). vpdpbusd multiplies unsigned by signed bytes
// and adds each group of 4 products straight into an int32 lane: one instruction where the AVX2 kernel needs
// sign + maddubs + madd, and no int16 saturation. The activations are therefore fed as x + 128 (their bytes
// xor 0x80), and every lane starts at −16 · Σw of its block (`Q8Matrix.offsetCorrections`), so the lanes
// still sum to the exact Σ x·w (llama.cpp's AVX-VNNI path uses the same offset idea with a separate
// correction term). A 512-bit register holds two blocks; an odd last block runs on 256 bits.
//
// Every output element goes through the same sequence in both tiles (pairs of blocks in order, halves
// added, the tail block fused, the lanes reduced as `Q8Gemm.reduce`), so batched and unbatched decoding
// stay bit-identical, as in the AVX2 kernel.
#if R1AUDIT_AVX512VNNI
import _Builtin_intrinsics.intel

extension Q8Gemm {
    /// Activation scales laid out for the tiles: for row r and block pair p, 16 floats
    /// (s[r, 2p] × 8, s[r, 2p+1] × 8) at `out + (r · pairs + p) · 16`, so a tile loads each row's pair scales
    /// with one instruction instead of two broadcasts and an insert per row per pair (perf: that setup was
    /// a sixth of the tile's instructions).
    static func expandActivationScales(_ sa: UnsafePointer<Float>, rows: Int, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        let pairs = blocks / 2
        for r in 0..<rows {
            for p in 0..<pairs {
                let v = SIMD16<Float>(lowHalf: SIMD8(repeating: sa[r * blocks + 2 * p]), highHalf: SIMD8(repeating: sa[r * blocks + 2 * p + 1]))
                UnsafeMutableRawPointer(out + (r * pairs + p) * 16).storeBytes(of: v, as: SIMD16<Float>.self)
            }
        }
    }

    @inline(__always)
    static func loadScales(_ p: UnsafePointer<Float>) -> __m512 { UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self) }

    @inline(__always)
    static func load512(_ p: UnsafePointer<Int8>) -> __m512i { UnsafeRawPointer(p).loadUnaligned(as: __m512i.self) }

    /// (p[0] × 8, p[1] × 8): one scale per block of a block pair.
    @inline(__always)
    static func pairScales(_ p: UnsafePointer<Float>) -> __m512 {
        // The insert/extract intrinsics are C macros Swift cannot import; SIMD halves lower to the same
        // broadcasts and vinsertf32x8.
        SIMD16<Float>(lowHalf: SIMD8(repeating: p[0]), highHalf: SIMD8(repeating: p[1]))
    }

    @inline(__always)
    static func pairCorrections(_ p: UnsafePointer<Int32>) -> __m512i {
        unsafeBitCast(SIMD16<Int32>(lowHalf: SIMD8(repeating: p[0]), highHalf: SIMD8(repeating: p[1])), to: __m512i.self)
    }

    /// acc + float(lanes of corr + Σ4 xu·w) · scale, for two blocks.
    @inline(__always)
    static func step512(_ acc: __m512, _ corr: __m512i, _ xu: __m512i, _ w: __m512i, _ scale: __m512) -> __m512 {
        _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_dpbusd_epi32(corr, xu, w)), scale, acc)
    }

    /// The 16 lanes folded to 8 (low + high), the odd tail block (if any) fused in, then reduced.
    @inline(__always)
    static func finish(_ acc: __m512, tail: (corr: Int32, xu: UnsafePointer<Int8>, w: UnsafePointer<Int8>, scale: Float)?) -> Float {
        var h: SIMD8<Float> = acc.lowHalf + acc.highHalf
        if let t = tail {
            // One block on the low 256 bits (the upper lanes are zero in, zero out).
            let zero = SIMD4<Int64>()
            let corr = unsafeBitCast(SIMD16<Int32>(lowHalf: SIMD8(repeating: t.corr), highHalf: SIMD8()), to: __m512i.self)
            let lanes = _mm512_dpbusd_epi32(corr, __m512i(lowHalf: load(t.xu), highHalf: zero),
                                            __m512i(lowHalf: load(t.w), highHalf: zero))
            h = _mm256_fmadd_ps(_mm512_cvtepi32_ps(lanes).lowHalf, SIMD8(repeating: t.scale), h)
        }
        return reduce(h)
    }

    /// Rows r..r+3 against weight rows n0, n0+1 (clamped to n − 1, duplicates not stored).
    @inline(__always)
    static func vnniTile4x2(aq: UnsafePointer<Int8>, sa: UnsafePointer<Float>, sx: UnsafePointer<Float>, k: Int, wq: UnsafePointer<Int8>,
                            ws: UnsafePointer<Float>, wc: UnsafePointer<Int32>, n0: Int, n: Int,
                            c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float) {
        guard n0 < n else { return }
        let blocks = k / 32, pairs = blocks / 2, n1 = min(n0 + 1, n - 1)
        let w0 = wq + n0 * k, w1 = wq + n1 * k, d0 = ws + n0 * blocks, d1 = ws + n1 * blocks
        let q0 = wc + n0 * blocks, q1 = wc + n1 * blocks
        let a0 = aq, a1 = aq + k, a2 = aq + 2 * k, a3 = aq + 3 * k
        let s0 = sa, s1 = sa + blocks, s2 = sa + 2 * blocks, s3 = sa + 3 * blocks
        let x0s = sx, x1s = sx + pairs * 16, x2s = sx + 2 * pairs * 16, x3s = sx + 3 * pairs * 16
        var c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps(), c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps()
        var c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps(), c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps()
        for p in 0..<pairs {
            let b = p &* 2, o = b &* 32
            let x0 = load512(w0 + o), x1 = load512(w1 + o)
            let k0 = pairCorrections(q0 + b), k1 = pairCorrections(q1 + b)
            let e0 = pairScales(d0 + b), e1 = pairScales(d1 + b)
            var y = load512(a0 + o), t = loadScales(x0s + p &* 16)
            c00 = step512(c00, k0, y, x0, _mm512_mul_ps(t, e0)); c01 = step512(c01, k1, y, x1, _mm512_mul_ps(t, e1))
            y = load512(a1 + o); t = loadScales(x1s + p &* 16)
            c10 = step512(c10, k0, y, x0, _mm512_mul_ps(t, e0)); c11 = step512(c11, k1, y, x1, _mm512_mul_ps(t, e1))
            y = load512(a2 + o); t = loadScales(x2s + p &* 16)
            c20 = step512(c20, k0, y, x0, _mm512_mul_ps(t, e0)); c21 = step512(c21, k1, y, x1, _mm512_mul_ps(t, e1))
            y = load512(a3 + o); t = loadScales(x3s + p &* 16)
            c30 = step512(c30, k0, y, x0, _mm512_mul_ps(t, e0)); c31 = step512(c31, k1, y, x1, _mm512_mul_ps(t, e1))
        }
        let odd = blocks % 2 == 1, lb = blocks - 1, lo = lb * 32
        func tail(_ a: UnsafePointer<Int8>, _ s: UnsafePointer<Float>, _ w: UnsafePointer<Int8>, _ q: UnsafePointer<Int32>,
                  _ d: UnsafePointer<Float>) -> (corr: Int32, xu: UnsafePointer<Int8>, w: UnsafePointer<Int8>, scale: Float)? {
            odd ? (q[lb], a + lo, w + lo, s[lb] * d[lb]) : nil
        }
        store(finish(c00, tail: tail(a0, s0, w0, q0, d0)), c + n0, beta: beta)
        store(finish(c10, tail: tail(a1, s1, w0, q0, d0)), c + ldc + n0, beta: beta)
        store(finish(c20, tail: tail(a2, s2, w0, q0, d0)), c + 2 * ldc + n0, beta: beta)
        store(finish(c30, tail: tail(a3, s3, w0, q0, d0)), c + 3 * ldc + n0, beta: beta)
        if n0 + 1 < n {
            store(finish(c01, tail: tail(a0, s0, w1, q1, d1)), c + n0 + 1, beta: beta)
            store(finish(c11, tail: tail(a1, s1, w1, q1, d1)), c + ldc + n0 + 1, beta: beta)
            store(finish(c21, tail: tail(a2, s2, w1, q1, d1)), c + 2 * ldc + n0 + 1, beta: beta)
            store(finish(c31, tail: tail(a3, s3, w1, q1, d1)), c + 3 * ldc + n0 + 1, beta: beta)
        }
    }

    /// One activation row against weight rows n0 ..< n0 + 4 (clamped like `vnniTile4x2`).
    @inline(__always)
    static func vnniTile1x4(aq: UnsafePointer<Int8>, sa: UnsafePointer<Float>, sx: UnsafePointer<Float>, k: Int, wq: UnsafePointer<Int8>,
                            ws: UnsafePointer<Float>, wc: UnsafePointer<Int32>, n0: Int, n: Int,
                            c: UnsafeMutablePointer<Float>, beta: Float) {
        let blocks = k / 32, pairs = blocks / 2
        let n1 = min(n0 + 1, n - 1), n2 = min(n0 + 2, n - 1), n3 = min(n0 + 3, n - 1)
        let w0 = wq + n0 * k, w1 = wq + n1 * k, w2 = wq + n2 * k, w3 = wq + n3 * k
        let d0 = ws + n0 * blocks, d1 = ws + n1 * blocks, d2 = ws + n2 * blocks, d3 = ws + n3 * blocks
        let q0 = wc + n0 * blocks, q1 = wc + n1 * blocks, q2 = wc + n2 * blocks, q3 = wc + n3 * blocks
        var c0 = _mm512_setzero_ps(), c1 = _mm512_setzero_ps(), c2 = _mm512_setzero_ps(), c3 = _mm512_setzero_ps()
        for p in 0..<pairs {
            let b = p &* 2, o = b &* 32
            let y = load512(aq + o), t = loadScales(sx + p &* 16)
            c0 = step512(c0, pairCorrections(q0 + b), y, load512(w0 + o), _mm512_mul_ps(t, pairScales(d0 + b)))
            c1 = step512(c1, pairCorrections(q1 + b), y, load512(w1 + o), _mm512_mul_ps(t, pairScales(d1 + b)))
            c2 = step512(c2, pairCorrections(q2 + b), y, load512(w2 + o), _mm512_mul_ps(t, pairScales(d2 + b)))
            c3 = step512(c3, pairCorrections(q3 + b), y, load512(w3 + o), _mm512_mul_ps(t, pairScales(d3 + b)))
        }
        let odd = blocks % 2 == 1, lb = blocks - 1, lo = lb * 32
        func tail(_ wj: UnsafePointer<Int8>, _ qj: UnsafePointer<Int32>, _ dj: UnsafePointer<Float>)
            -> (corr: Int32, xu: UnsafePointer<Int8>, w: UnsafePointer<Int8>, scale: Float)? {
            odd ? (qj[lb], aq + lo, wj + lo, sa[lb] * dj[lb]) : nil
        }
        store(finish(c0, tail: tail(w0, q0, d0)), c + n0, beta: beta)
        if n0 + 1 < n { store(finish(c1, tail: tail(w1, q1, d1)), c + n0 + 1, beta: beta) }
        if n0 + 2 < n { store(finish(c2, tail: tail(w2, q2, d2)), c + n0 + 2, beta: beta) }
        if n0 + 3 < n { store(finish(c3, tail: tail(w3, q3, d3)), c + n0 + 3, beta: beta) }
    }
}
#endif

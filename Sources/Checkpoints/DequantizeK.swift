// Dequantisation of the 256-element k-quant super-blocks, bit-for-bit as llama.cpp ggml/src/ggml-quants.c
// (dequantize_row_q2_K, q3_K, q4_K, q5_K, q6_K; get_scale_min_k4). Layouts in ggml/src/ggml-common.h.

/// The k-quant kernels; `Dequantize.row` dispatches here.
enum DequantizeK {
    /// Unpacks the j-th 6-bit (scale, min) pair of a q4_K/q5_K `scales[12]` (ggml `get_scale_min_k4`).
    @inline(__always)
    static func scaleMin(_ j: Int, _ q: UnsafePointer<UInt8>) -> (UInt8, UInt8) {
        if j < 4 { return (q[j] & 63, q[j + 4] & 63) }
        return ((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4))
    }

    // block_q2_K { uint8_t scales[16]; uint8_t qs[64]; ggml_half d, dmin; }  (84 bytes)
    static func q2_K(_ src: UnsafeRawPointer, _ nb: Int, _ out: UnsafeMutablePointer<Float>, _ t: UnsafePointer<Float>) {
        var y = out
        for i in 0..<nb {
            let b = src + i * 84
            let scales = b.assumingMemoryBound(to: UInt8.self)
            var q = (b + 16).assumingMemoryBound(to: UInt8.self)
            let d = loadHalf(b, 80, t), mn = loadHalf(b, 82, t)
            var s = 0
            for _ in 0..<2 {
                var shift: UInt8 = 0
                for _ in 0..<4 {
                    var sc = scales[s]; s += 1
                    var dl = d * Float(sc & 0xF), ml = mn * Float(sc >> 4)
                    for l in 0..<16 { y[l] = dl * Float((q[l] >> shift) & 3) - ml }
                    y += 16
                    sc = scales[s]; s += 1
                    dl = d * Float(sc & 0xF); ml = mn * Float(sc >> 4)
                    for l in 0..<16 { y[l] = dl * Float((q[l + 16] >> shift) & 3) - ml }
                    y += 16
                    shift += 2
                }
                q += 32
            }
        }
    }

    // block_q3_K { uint8_t hmask[32]; uint8_t qs[64]; uint8_t scales[12]; ggml_half d; }  (110 bytes)
    static func q3_K(_ src: UnsafeRawPointer, _ nb: Int, _ out: UnsafeMutablePointer<Float>, _ t: UnsafePointer<Float>) {
        let kmask1: UInt32 = 0x0303_0303, kmask2: UInt32 = 0x0f0f_0f0f
        var y = out
        for i in 0..<nb {
            let b = src + i * 110
            let hm = b.assumingMemoryBound(to: UInt8.self)
            var q = (b + 32).assumingMemoryBound(to: UInt8.self)
            let dAll = loadHalf(b, 108, t)
            let a0 = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 96, as: UInt32.self))
            let a1 = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 100, as: UInt32.self))
            let tmp = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 104, as: UInt32.self))
            let aux: (UInt32, UInt32, UInt32, UInt32) = (
                (a0 & kmask2) | (((tmp >> 0) & kmask1) << 4),
                (a1 & kmask2) | (((tmp >> 2) & kmask1) << 4),
                ((a0 >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4),
                ((a1 >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4))
            withUnsafeBytes(of: aux) { raw in
                let scales = raw.bindMemory(to: Int8.self)
                var s = 0
                var m: UInt8 = 1
                for _ in 0..<2 {
                    var shift: UInt8 = 0
                    for _ in 0..<4 {
                        var dl = dAll * Float(Int32(scales[s]) - 32); s += 1
                        for l in 0..<16 {
                            y[l] = dl * Float(Int32((q[l] >> shift) & 3) - ((hm[l] & m) != 0 ? 0 : 4))
                        }
                        y += 16
                        dl = dAll * Float(Int32(scales[s]) - 32); s += 1
                        for l in 0..<16 {
                            y[l] = dl * Float(Int32((q[l + 16] >> shift) & 3) - ((hm[l + 16] & m) != 0 ? 0 : 4))
                        }
                        y += 16
                        shift += 2
                        m <<= 1
                    }
                    q += 32
                }
            }
        }
    }

    // block_q4_K { ggml_half d, dmin; uint8_t scales[12]; uint8_t qs[128]; }  (144 bytes)
    static func q4_K(_ src: UnsafeRawPointer, _ nb: Int, _ out: UnsafeMutablePointer<Float>, _ t: UnsafePointer<Float>) {
        var y = out
        for i in 0..<nb {
            let b = src + i * 144
            let d = loadHalf(b, 0, t), mn = loadHalf(b, 2, t)
            let sc = (b + 4).assumingMemoryBound(to: UInt8.self)
            var q = (b + 16).assumingMemoryBound(to: UInt8.self)
            var s = 0
            for _ in 0..<4 {
                let (s1, m1) = scaleMin(s, sc), (s2, m2) = scaleMin(s + 1, sc)
                let d1 = d * Float(s1), mm1 = mn * Float(m1)
                let d2 = d * Float(s2), mm2 = mn * Float(m2)
                for l in 0..<32 { y[l] = d1 * Float(q[l] & 0xF) - mm1 }
                for l in 0..<32 { y[l + 32] = d2 * Float(q[l] >> 4) - mm2 }
                y += 64; q += 32; s += 2
            }
        }
    }

    // block_q5_K { ggml_half d, dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; }  (176 bytes)
    static func q5_K(_ src: UnsafeRawPointer, _ nb: Int, _ out: UnsafeMutablePointer<Float>, _ t: UnsafePointer<Float>) {
        var y = out
        for i in 0..<nb {
            let b = src + i * 176
            let d = loadHalf(b, 0, t), mn = loadHalf(b, 2, t)
            let sc = (b + 4).assumingMemoryBound(to: UInt8.self)
            let qh = (b + 16).assumingMemoryBound(to: UInt8.self)
            var ql = (b + 48).assumingMemoryBound(to: UInt8.self)
            var s = 0
            var u1: UInt8 = 1, u2: UInt8 = 2
            for _ in 0..<4 {
                let (s1, m1) = scaleMin(s, sc), (s2, m2) = scaleMin(s + 1, sc)
                let d1 = d * Float(s1), mm1 = mn * Float(m1)
                let d2 = d * Float(s2), mm2 = mn * Float(m2)
                for l in 0..<32 { y[l] = d1 * Float((ql[l] & 0xF) + ((qh[l] & u1) != 0 ? 16 : 0)) - mm1 }
                for l in 0..<32 { y[l + 32] = d2 * Float((ql[l] >> 4) + ((qh[l] & u2) != 0 ? 16 : 0)) - mm2 }
                y += 64; ql += 32; s += 2
                u1 <<= 2; u2 <<= 2
            }
        }
    }

    // block_q6_K { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; ggml_half d; }  (210 bytes)
    static func q6_K(_ src: UnsafeRawPointer, _ nb: Int, _ out: UnsafeMutablePointer<Float>, _ t: UnsafePointer<Float>) {
        var y = out
        for i in 0..<nb {
            let b = src + i * 210
            let d = loadHalf(b, 208, t)
            var ql = b.assumingMemoryBound(to: UInt8.self)
            var qh = (b + 128).assumingMemoryBound(to: UInt8.self)
            var sc = (b + 192).assumingMemoryBound(to: Int8.self)
            for _ in 0..<2 {
                for l in 0..<32 {
                    let s = l / 16
                    let q1 = Int32((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32
                    let q2 = Int32((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32
                    let q3 = Int32((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32
                    let q4 = Int32((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32
                    y[l] = d * Float(sc[s]) * Float(q1)
                    y[l + 32] = d * Float(sc[s + 2]) * Float(q2)
                    y[l + 64] = d * Float(sc[s + 4]) * Float(q3)
                    y[l + 96] = d * Float(sc[s + 6]) * Float(q4)
                }
                y += 128; ql += 64; qh += 32; sc += 8
            }
        }
    }
}

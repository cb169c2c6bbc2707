// Reference quantisers for tests and tiny-model fixtures, following llama.cpp ggml/src/ggml-quants.c
// (quantize_row_q8_0_ref, q4_0_ref, q4_1_ref, q5_0_ref). Q4_K uses a simple min/max fit per 32-element
// sub-block instead of ggml's iterative make_qkx2_quants search: the blocks are valid Q4_K, slightly less accurate.

/// fp32 → GGML block bytes.
public enum Quantize {
    /// Quantises `values` (a whole number of blocks) to `type`'s on-disk bytes.
    /// Supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q4_K.
    public static func quantize(_ type: GGMLType, _ values: [Float]) throws -> [UInt8] {
        guard let n = type.byteCount(elements: values.count) else {
            throw CheckpointError.cannotQuantize(type: type.description, count: values.count,
                                                 reason: "not a multiple of the block size \(type.blockSize)")
        }
        var out = [UInt8](repeating: 0, count: n)
        let nb = values.count / type.blockSize
        try values.withUnsafeBufferPointer { xb in
            try out.withUnsafeMutableBytes { ob in
                guard let x = xb.baseAddress, let o = ob.baseAddress else { return }
                switch type {
                case .f32:
                    o.copyMemory(from: x, byteCount: values.count * 4)
                case .f16:
                    for i in 0..<values.count { o.storeBytes(of: floatToHalfBits(x[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self) }
                case .bf16:
                    for i in 0..<values.count { o.storeBytes(of: floatToBF16Bits(x[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self) }
                case .q8_0: for i in 0..<nb { q8_0(x + 32 * i, o + 34 * i) }
                case .q4_0: for i in 0..<nb { q4_0(x + 32 * i, o + 18 * i) }
                case .q4_1: for i in 0..<nb { q4_1(x + 32 * i, o + 20 * i) }
                case .q5_0: for i in 0..<nb { q5_0(x + 32 * i, o + 22 * i) }
                case .q4_K: for i in 0..<nb { q4_K(x + 256 * i, o + 144 * i) }
                default:
                    throw CheckpointError.cannotQuantize(type: type.description, count: values.count, reason: "no quantiser for this type")
                }
            }
        }
        return out
    }

    /// Round-to-nearest-even fp32 → bf16 bits (as ggml_compute_fp32_to_bf16; NaN stays quiet NaN).
    static func floatToBF16Bits(_ f: Float) -> UInt16 {
        let u = f.bitPattern
        if (u & 0x7fff_ffff) > 0x7f80_0000 { return UInt16(truncatingIfNeeded: (u >> 16) | 64) }
        return UInt16(truncatingIfNeeded: (u &+ (0x7fff &+ ((u >> 16) & 1))) >> 16)
    }

    @inline(__always) static func putHalf(_ o: UnsafeMutableRawPointer, _ off: Int, _ v: Float) {
        o.storeBytes(of: floatToHalfBits(v).littleEndian, toByteOffset: off, as: UInt16.self)
    }

    // quantize_row_q8_0_ref: d = amax/127, q = round(x/d)
    static func q8_0(_ x: UnsafePointer<Float>, _ o: UnsafeMutableRawPointer) {
        var amax: Float = 0
        for j in 0..<32 { amax = max(amax, abs(x[j])) }
        let d = amax / 127, id: Float = d != 0 ? 1 / d : 0
        putHalf(o, 0, d)
        for j in 0..<32 { o.storeBytes(of: Int8((x[j] * id).rounded()), toByteOffset: 2 + j, as: Int8.self) }
    }

    // quantize_row_q4_0_ref: d = max/-8 where max is the signed value of largest magnitude; q = min(15, int(x/d + 8.5))
    static func q4_0(_ x: UnsafePointer<Float>, _ o: UnsafeMutableRawPointer) {
        var amax: Float = 0, mx: Float = 0
        for j in 0..<32 where amax < abs(x[j]) { amax = abs(x[j]); mx = x[j] }
        let d = mx / -8, id: Float = d != 0 ? 1 / d : 0
        putHalf(o, 0, d)
        for j in 0..<16 {
            let x0 = min(15, Int8(clamping: Int((x[j] * id + 8.5).rounded(.towardZero))))
            let x1 = min(15, Int8(clamping: Int((x[j + 16] * id + 8.5).rounded(.towardZero))))
            o.storeBytes(of: UInt8(x0) | (UInt8(x1) << 4), toByteOffset: 2 + j, as: UInt8.self)
        }
    }

    // quantize_row_q4_1_ref: d = (max-min)/15, m = min, q = min(15, int((x-min)/d + 0.5))
    static func q4_1(_ x: UnsafePointer<Float>, _ o: UnsafeMutableRawPointer) {
        var lo = Float.greatestFiniteMagnitude, hi = -Float.greatestFiniteMagnitude
        for j in 0..<32 { lo = min(lo, x[j]); hi = max(hi, x[j]) }
        let d = (hi - lo) / 15, id: Float = d != 0 ? 1 / d : 0
        putHalf(o, 0, d); putHalf(o, 2, lo)
        for j in 0..<16 {
            let x0 = min(15, Int8(clamping: Int(((x[j] - lo) * id + 0.5).rounded(.towardZero))))
            let x1 = min(15, Int8(clamping: Int(((x[j + 16] - lo) * id + 0.5).rounded(.towardZero))))
            o.storeBytes(of: UInt8(x0) | (UInt8(x1) << 4), toByteOffset: 4 + j, as: UInt8.self)
        }
    }

    // quantize_row_q5_0_ref: d = max/-16, q = min(31, int(x/d + 16.5)); bit 4 of each q goes to qh.
    static func q5_0(_ x: UnsafePointer<Float>, _ o: UnsafeMutableRawPointer) {
        var amax: Float = 0, mx: Float = 0
        for j in 0..<32 where amax < abs(x[j]) { amax = abs(x[j]); mx = x[j] }
        let d = mx / -16, id: Float = d != 0 ? 1 / d : 0
        putHalf(o, 0, d)
        var qh: UInt32 = 0
        for j in 0..<16 {
            let x0 = UInt8(min(31, Int8(clamping: Int((x[j] * id + 16.5).rounded(.towardZero)))))
            let x1 = UInt8(min(31, Int8(clamping: Int((x[j + 16] * id + 16.5).rounded(.towardZero)))))
            o.storeBytes(of: (x0 & 0x0F) | ((x1 & 0x0F) << 4), toByteOffset: 6 + j, as: UInt8.self)
            qh |= UInt32((x0 & 0x10) >> 4) << UInt32(j)
            qh |= UInt32((x1 & 0x10) >> 4) << UInt32(j + 16)
        }
        o.storeBytes(of: qh.littleEndian, toByteOffset: 2, as: UInt32.self)
    }

    // Q4_K: 8 sub-blocks of 32, each y = d*sc*q - dmin*m with 6-bit sc, m (packed as get_scale_min_k4 reads them).
    static func q4_K(_ x: UnsafePointer<Float>, _ o: UnsafeMutableRawPointer) {
        var scales = [Float](repeating: 0, count: 8), mins = [Float](repeating: 0, count: 8)
        for s in 0..<8 {
            var lo = Float.greatestFiniteMagnitude, hi = -Float.greatestFiniteMagnitude
            for l in 0..<32 { lo = min(lo, x[32 * s + l]); hi = max(hi, x[32 * s + l]) }
            lo = min(lo, 0)  // ggml keeps the offset non-positive so that the min is stored as a positive number
            scales[s] = (hi - lo) / 15; mins[s] = -lo
        }
        let maxScale = scales.max() ?? 0, maxMin = mins.max() ?? 0
        let d = floatToHalfRounded(maxScale / 63), dmin = floatToHalfRounded(maxMin / 63)
        var ls = [UInt8](repeating: 0, count: 8), lm = [UInt8](repeating: 0, count: 8)
        for s in 0..<8 {
            ls[s] = d > 0 ? UInt8(min(63, max(0, (scales[s] / d).rounded()))) : 0
            lm[s] = dmin > 0 ? UInt8(min(63, max(0, (mins[s] / dmin).rounded()))) : 0
        }
        putHalf(o, 0, d); putHalf(o, 2, dmin)
        let sc = o + 4
        for j in 0..<8 {
            if j < 4 {
                sc.storeBytes(of: ls[j], toByteOffset: j, as: UInt8.self)
                sc.storeBytes(of: lm[j], toByteOffset: j + 4, as: UInt8.self)
            } else {
                sc.storeBytes(of: (ls[j] & 0xF) | ((lm[j] & 0xF) << 4), toByteOffset: j + 4, as: UInt8.self)
                let a = sc.load(fromByteOffset: j - 4, as: UInt8.self) | ((ls[j] >> 4) << 6)
                sc.storeBytes(of: a, toByteOffset: j - 4, as: UInt8.self)
                let b = sc.load(fromByteOffset: j, as: UInt8.self) | ((lm[j] >> 4) << 6)
                sc.storeBytes(of: b, toByteOffset: j, as: UInt8.self)
            }
        }
        let qs = o + 16
        for s in stride(from: 0, to: 8, by: 2) {
            let d1 = d * Float(ls[s]), m1 = dmin * Float(lm[s])
            let d2 = d * Float(ls[s + 1]), m2 = dmin * Float(lm[s + 1])
            for l in 0..<32 {
                let q1 = d1 > 0 ? UInt8(min(15, max(0, ((x[32 * s + l] + m1) / d1).rounded()))) : 0
                let q2 = d2 > 0 ? UInt8(min(15, max(0, ((x[32 * (s + 1) + l] + m2) / d2).rounded()))) : 0
                qs.storeBytes(of: q1 | (q2 << 4), toByteOffset: 16 * s + l, as: UInt8.self)
            }
        }
    }

    /// `v` rounded to the nearest fp16 value, as fp32.
    static func floatToHalfRounded(_ v: Float) -> Float { halfBitsToFloat(floatToHalfBits(v)) }
}

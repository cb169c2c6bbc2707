// Dequantisation of the plain and 32-element block formats, bit-for-bit as llama.cpp
// ggml/src/ggml-quants.c (dequantize_row_q4_0 … q8_0) and ggml.c (ggml_fp16_to_fp32_row, bf16).
// Pointer loops without per-element allocation: this runs over every weight at model load.

/// fp16 → fp32 for all 65 536 bit patterns (ggml keeps the same table, `ggml_table_f32_f16`).
let fp16ToFloatTable: [Float] = (0...UInt16.max).map { halfBitsToFloat($0) }

/// Exact IEEE half → single conversion, without relying on hardware F16C.
@inline(__always)
func halfBitsToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exp = Int((h >> 10) & 0x1F)
    let mant = UInt32(h & 0x3FF)
    if exp == 0 {
        if mant == 0 { return Float(bitPattern: sign) }
        // Subnormal half: value = mant * 2^-24, exactly representable in fp32.
        let v = Float(mant) * Float(bitPattern: 0x3380_0000) // 2^-24
        return sign != 0 ? -v : v
    }
    if exp == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mant << 13)) }
    return Float(bitPattern: sign | (UInt32(exp + 112) << 23) | (mant << 13))
}

/// Round-to-nearest-even fp32 → fp16 bits (as `ggml_compute_fp32_to_fp16`).
@inline(__always)
func floatToHalfBits(_ f: Float) -> UInt16 {
    Float16(f).bitPattern
}

/// Reads a little-endian fp16 at `p + offset` as Float.
@inline(__always)
func loadHalf(_ p: UnsafeRawPointer, _ offset: Int, _ table: UnsafePointer<Float>) -> Float {
    table[Int(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))]
}

/// Converts GGML rows to fp32.
public enum Dequantize {
    /// Dequantises `count` elements of `type` starting at `src` into `dst`.
    /// `count` must be a whole number of blocks; `src` must hold `type.byteCount(elements: count)` bytes.
    public static func row(_ type: GGMLType, _ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) throws {
        guard count % type.blockSize == 0 else {
            throw CheckpointError.cannotQuantize(type: type.description, count: count,
                                                 reason: "not a multiple of the block size \(type.blockSize)")
        }
        let nb = count / type.blockSize
        try fp16ToFloatTable.withUnsafeBufferPointer { tb in
            guard let t = tb.baseAddress else { return }
            switch type {
            case .f32:
                UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
            case .f16:
                for i in 0..<count { dst[i] = loadHalf(src, 2 * i, t) }
            case .bf16:
                for i in 0..<count {
                    let b = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    dst[i] = Float(bitPattern: UInt32(b) << 16)
                }
            case .q4_0: q4_0(src, nb, dst, t)
            case .q4_1: q4_1(src, nb, dst, t)
            case .q5_0: q5_0(src, nb, dst, t)
            case .q5_1: q5_1(src, nb, dst, t)
            case .q8_0: q8_0(src, nb, dst, t)
            case .q2_K: DequantizeK.q2_K(src, nb, dst, t)
            case .q3_K: DequantizeK.q3_K(src, nb, dst, t)
            case .q4_K: DequantizeK.q4_K(src, nb, dst, t)
            case .q5_K: DequantizeK.q5_K(src, nb, dst, t)
            case .q6_K: DequantizeK.q6_K(src, nb, dst, t)
            default:
                throw CheckpointError.unsupportedTensorType(file: "-", tensor: "-", type: type.rawValue)
            }
        }
    }

    /// Dequantises a whole byte buffer holding `count` elements of `type` into a new array (checks the length).
    public static func values(_ type: GGMLType, _ bytes: UnsafeRawBufferPointer, count: Int) throws -> [Float] {
        guard let need = type.byteCount(elements: count) else {
            throw CheckpointError.cannotQuantize(type: type.description, count: count, reason: "not a multiple of the block size \(type.blockSize)")
        }
        guard bytes.count >= need else {
            throw CheckpointError.truncated(file: "-", what: "\(type) data", offset: 0, needed: need, available: bytes.count)
        }
        return try [Float](unsafeUninitializedCapacity: count) { buf, n in
            if count > 0, let d = buf.baseAddress, let s = bytes.baseAddress { try row(type, s, count: count, into: d) }
            n = count
        }
    }

    // block_q4_0 { ggml_half d; uint8_t qs[16]; }: y[j] = (lo - 8)*d, y[j+16] = (hi - 8)*d
    static func q4_0(_ src: UnsafeRawPointer, _ nb: Int, _ y: UnsafeMutablePointer<Float>, _ t: UnsafePointer<Float>) {
        for i in 0..<nb {
            let b = src + i * 18, o = y + i * 32
            let d = loadHalf(b, 0, t)
            let qs = (b + 2).assumingMemoryBound(to: UInt8.self)
            for j in 0..<16 {
                o[j] = Float(Int32(qs[j] & 0x0F) - 8) * d
                o[j + 16] = Float(Int32(qs[j] >> 4) - 8) * d
            }
        }
    }

    // block_q4_1 { ggml_half d, m; uint8_t qs[16]; }: y = q*d + m
    static func q4_1(_ src: UnsafeRawPointer, _ nb: Int, _ y: UnsafeMutablePointer<Float>, _ t: UnsafePointer<Float>) {
        for i in 0..<nb {
            let b = src + i * 20, o = y + i * 32
            let d = loadHalf(b, 0, t), m = loadHalf(b, 2, t)
            let qs = (b + 4).assumingMemoryBound(to: UInt8.self)
            for j in 0..<16 {
                o[j] = Float(qs[j] & 0x0F) * d + m
                o[j + 16] = Float(qs[j] >> 4) * d + m
            }
        }
    }

    // block_q5_0 { ggml_half d; uint8_t qh[4]; uint8_t qs[16]; }: bit j of qh is the 5th bit of element j.
    static func q5_0(_ src: UnsafeRawPointer, _ nb: Int, _ y: UnsafeMutablePointer<Float>, _ t: UnsafePointer<Float>) {
        for i in 0..<nb {
            let b = src + i * 22, o = y + i * 32
            let d = loadHalf(b, 0, t)
            let qh = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
            let qs = (b + 6).assumingMemoryBound(to: UInt8.self)
            for j in 0..<16 {
                let xh0 = UInt8(truncatingIfNeeded: (qh >> UInt32(j)) << 4) & 0x10
                let xh1 = UInt8(truncatingIfNeeded: qh >> UInt32(j + 12)) & 0x10
                o[j] = Float(Int32((qs[j] & 0x0F) | xh0) - 16) * d
                o[j + 16] = Float(Int32((qs[j] >> 4) | xh1) - 16) * d
            }
        }
    }

    // block_q5_1 { ggml_half d, m; uint8_t qh[4]; uint8_t qs[16]; }: y = q*d + m
    static func q5_1(_ src: UnsafeRawPointer, _ nb: Int, _ y: UnsafeMutablePointer<Float>, _ t: UnsafePointer<Float>) {
        for i in 0..<nb {
            let b = src + i * 24, o = y + i * 32
            let d = loadHalf(b, 0, t), m = loadHalf(b, 2, t)
            let qh = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            let qs = (b + 8).assumingMemoryBound(to: UInt8.self)
            for j in 0..<16 {
                let xh0 = UInt8(truncatingIfNeeded: (qh >> UInt32(j)) << 4) & 0x10
                let xh1 = UInt8(truncatingIfNeeded: qh >> UInt32(j + 12)) & 0x10
                o[j] = Float((qs[j] & 0x0F) | xh0) * d + m
                o[j + 16] = Float((qs[j] >> 4) | xh1) * d + m
            }
        }
    }

    // block_q8_0 { ggml_half d; int8_t qs[32]; }: y = q*d
    static func q8_0(_ src: UnsafeRawPointer, _ nb: Int, _ y: UnsafeMutablePointer<Float>, _ t: UnsafePointer<Float>) {
        for i in 0..<nb {
            let b = src + i * 34, o = y + i * 32
            let d = loadHalf(b, 0, t)
            let qs = (b + 2).assumingMemoryBound(to: Int8.self)
            for j in 0..<32 { o[j] = Float(qs[j]) * d }
        }
    }
}

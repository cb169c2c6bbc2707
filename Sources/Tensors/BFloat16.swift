// bfloat16: the top 16 bits of an fp32 (1 sign, 8 exponent, 7 mantissa bits), rounded to nearest, ties to
// even, as PyTorch's `tensor.to(torch.bfloat16)` and the AVX-512 BF16 `vcvtneps2bf16` instruction round.
// NaN stays a (quiet) NaN; values past the largest bf16 round to ±infinity. Scalar and 8-lane versions; the
// lane version is the one the learner runs over every weight after each optimiser step and over the
// activations going into each bf16 product.

/// bfloat16 rounding, encoding (to its 16 bits) and decoding (to the fp32 with the same value).
public enum BFloat16 {
    /// The bf16 bits of `x`, rounded to nearest even.
    @inlinable @inline(__always)
    public static func encode(_ x: Float) -> UInt16 {
        let b = x.bitPattern
        if x.isNaN { return UInt16(truncatingIfNeeded: (b | 0x0040_0000) >> 16) }
        return UInt16(truncatingIfNeeded: (b &+ 0x7FFF &+ ((b >> 16) & 1)) >> 16)
    }

    /// The fp32 holding the bf16 value `bits` exactly.
    @inlinable @inline(__always)
    public static func decode(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    /// `x` rounded to the nearest bf16 value (kept as fp32).
    @inlinable @inline(__always)
    public static func round(_ x: Float) -> Float { decode(encode(x)) }

    /// Eight lanes of `round`, as fp32 bit patterns.
    @inline(__always)
    static func roundedBits(_ v: SIMD8<Float>) -> SIMD8<UInt32> {
        let b = unsafeBitCast(v, to: SIMD8<UInt32>.self)
        let rounded = (b &+ 0x7FFF &+ ((b &>> 16) & 1)) & 0xFFFF_0000
        let quietNaN = (b | 0x0040_0000) & 0xFFFF_0000
        return rounded.replacing(with: quietNaN, where: v .!= v)
    }

    /// y[i] = round(x[i]) for `count` elements (`y` may be `x`), split over `threads` workers when long.
    public static func round(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int, threads: Int = 1) {
        Parallel.forChunks(count, threads: count >= 1 << 18 ? threads : 1) { r in
            var i = r.lowerBound
            while i + 8 <= r.upperBound {
                let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(y + i).storeBytes(of: unsafeBitCast(roundedBits(v), to: SIMD8<Float>.self),
                                                          as: SIMD8<Float>.self)
                i += 8
            }
            while i < r.upperBound { y[i] = round(x[i]); i += 1 }
        }
    }

    /// bits[i] = encode(x[i]) for `count` elements, split over `threads` workers when long.
    public static func encode(_ x: UnsafePointer<Float>, into bits: UnsafeMutablePointer<UInt16>, count: Int, threads: Int = 1) {
        Parallel.forChunks(count, threads: count >= 1 << 18 ? threads : 1) { r in
            var i = r.lowerBound
            while i + 8 <= r.upperBound {
                let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
                let h = SIMD8<UInt16>(truncatingIfNeeded: roundedBits(v) &>> 16)
                UnsafeMutableRawPointer(bits + i).storeBytes(of: h, as: SIMD8<UInt16>.self)
                i += 8
            }
            while i < r.upperBound { bits[i] = encode(x[i]); i += 1 }
        }
    }

    /// y[i] = decode(bits[i]) for `count` elements (on the calling thread: panels are decoded per worker).
    public static func decode(_ bits: UnsafePointer<UInt16>, into y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            let h = UnsafeRawPointer(bits + i).loadUnaligned(as: SIMD8<UInt16>.self)
            let v = unsafeBitCast(SIMD8<UInt32>(truncatingIfNeeded: h) &<< 16, to: SIMD8<Float>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: v, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { y[i] = decode(bits[i]); i += 1 }
    }
}

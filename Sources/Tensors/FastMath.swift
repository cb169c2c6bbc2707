// A branch-light single-precision exp (Cephes `expf`: Cody-Waite range reduction and a degree-6
// minimax polynomial, ~1 ulp on [-87, 88]). libm's expf is a call per element; this one inlines,
// which matters for SiLU, attention softmax and the 49k-entry vocabulary softmax of every token.

/// Fast elementwise transcendental functions used by the kernels.
public enum FastMath {
    /// e^x for Float, accurate to ~2e-7 relative; clamps to 0 below -87.3 and +inf above 88.7.
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        if x < -87.33654 { return 0 }
        if x > 88.72283 { return .infinity }
        let log2e: Float = 1.44269504088896341
        let n = (x * log2e).rounded(.toNearestOrEven)
        // Cody-Waite: ln 2 split in a high part exact in float and a low correction.
        var r = x - n * 0.693359375
        r = r + n * 2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let y = p * r * r + r + 1
        // Scale by 2^n through the exponent bits (n in [-126, 128] after the clamps above).
        let ni = Int32(n)
        if ni < -125 { return y * Float(bitPattern: UInt32(ni + 125 + 127) << 23) * 0x1p-125 }
        if ni > 127 { return y * 2 * Float(bitPattern: UInt32(ni - 1 + 127) << 23) }
        return y * Float(bitPattern: UInt32(ni + 127) << 23)
    }

    /// The logistic sigmoid 1 / (1 + e^-x).
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }
}

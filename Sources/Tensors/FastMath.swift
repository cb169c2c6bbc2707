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

    /// Lane-wise max, written as a compare-and-blend: the generic `pointwiseMax` and `clamped` are not
    /// inlined into the kernels (perf showed them as separate hot functions).
    @inlinable @inline(__always)
    public static func max(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: a .< b) }

    /// Lane-wise |a| (clears the sign bits).
    @inlinable @inline(__always)
    public static func abs(_ a: SIMD8<Float>) -> SIMD8<Float> {
        unsafeBitCast(unsafeBitCast(a, to: SIMD8<UInt32>.self) & 0x7fff_ffff, to: SIMD8<Float>.self)
    }

    /// The largest lane.
    @inlinable @inline(__always)
    public static func horizontalMax(_ a: SIMD8<Float>) -> Float {
        let h = a.lowHalf.replacing(with: a.highHalf, where: a.lowHalf .< a.highHalf)
        let q = h.lowHalf.replacing(with: h.highHalf, where: h.lowHalf .< h.highHalf)
        return Swift.max(q[0], q[1])
    }

    /// e^x on 8 lanes with the same polynomial, branch-free (inputs clamped to [-87, 88], so results
    /// below e^-87 ≈ 1.6e-38 are not flushed to 0). n = round(x·log2 e) comes from the 1.5·2²³ trick,
    /// whose bit pattern also holds n as an integer, so no float→int conversion is needed (Swift's
    /// generic SIMD conversion was a per-lane library call, 15% of a profile).
    @inlinable @inline(__always)
    public static func exp(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let lo = SIMD8<Float>(repeating: -87), hi = SIMD8<Float>(repeating: 88)
        var x = v.replacing(with: lo, where: v .< lo)
        x = x.replacing(with: hi, where: x .> hi)
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let t = x * 1.44269504088896341 + magic
        let n = t - magic
        var r = x - n * 0.693359375
        r = r + n * 2.12194440e-4
        var p = SIMD8<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let y = p * r * r + r + 1
        let ni = unsafeBitCast(t, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let bits = (ni &+ 127) &<< 23
        return y * unsafeBitCast(bits, to: SIMD8<Float>.self)
    }

    /// Replaces x[i] by e^((x[i] - shift) · scale) for i < n and returns the sum (in Double).
    @inlinable
    public static func expInPlace(_ x: UnsafeMutablePointer<Float>, count n: Int, shift: Float, scale: Float = 1) -> Double {
        var acc = SIMD8<Float>(), total = 0.0
        var i = 0
        let s8 = SIMD8<Float>(repeating: shift), k8 = SIMD8<Float>(repeating: scale)
        while i + 8 <= n {
            let e = exp((UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - s8) * k8)
            UnsafeMutableRawPointer(x + i).storeBytes(of: e, as: SIMD8<Float>.self)
            acc += e
            i += 8
            if i & 1023 == 0 { total += Double(acc.sum()); acc = SIMD8() }
        }
        total += Double(acc.sum())
        while i < n { let e = exp((x[i] - shift) * scale); x[i] = e; total += Double(e); i += 1 }
        return total
    }

    /// Σ e^((x[i] - shift) · scale) for i < n, without writing (in Double).
    @inlinable
    public static func sumExp(_ x: UnsafePointer<Float>, count n: Int, shift: Float, scale: Float = 1) -> Double {
        var acc = SIMD8<Float>(), total = 0.0
        var i = 0
        let s8 = SIMD8<Float>(repeating: shift), k8 = SIMD8<Float>(repeating: scale)
        while i + 8 <= n {
            acc += exp((UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - s8) * k8)
            i += 8
            if i & 1023 == 0 { total += Double(acc.sum()); acc = SIMD8() }
        }
        total += Double(acc.sum())
        while i < n { total += Double(exp((x[i] - shift) * scale)); i += 1 }
        return total
    }

    /// The largest of x[0..<n] (n > 0).
    @inlinable
    public static func maximum(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        var m8 = SIMD8<Float>(repeating: -.infinity)
        var i = 0
        while i + 8 <= n { m8 = max(m8, UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)); i += 8 }
        var m = horizontalMax(m8)
        while i < n { m = Swift.max(m, x[i]); i += 1 }
        return m
    }
}

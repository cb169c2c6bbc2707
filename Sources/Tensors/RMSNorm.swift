// RMSNorm (Zhang & Sennrich 2019) as in HF `LlamaRMSNorm`: y = x / sqrt(mean(x²) + eps) · w,
// computed in fp32 per row. The fast and the naive kernel sit side by side (llm.c style).

/// Root-mean-square normalisation over the last dimension.
public enum RMSNorm {
    /// Normalises `rows` rows of `width` values (row stride `ld`) from `x` into `y` (row stride `ldy`).
    @inlinable
    public static func forward(x: UnsafePointer<Float>, ld: Int, weight: UnsafePointer<Float>, eps: Float,
                               rows: Int, width: Int, y: UnsafeMutablePointer<Float>, ldy: Int) {
        for r in 0..<rows {
            let xr = x + r * ld, yr = y + r * ldy
            var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
            var i = 0
            while i + 4 <= width {
                s0 += xr[i] * xr[i]; s1 += xr[i + 1] * xr[i + 1]
                s2 += xr[i + 2] * xr[i + 2]; s3 += xr[i + 3] * xr[i + 3]
                i += 4
            }
            while i < width { s0 += xr[i] * xr[i]; i += 1 }
            let scale = 1 / ((s0 + s1 + s2 + s3) / Float(width) + eps).squareRoot()
            for j in 0..<width { yr[j] = xr[j] * scale * weight[j] }
        }
    }

    /// Reference: the same in Double, one element at a time.
    public static func naive(x: [Float], weight: [Float], eps: Float, rows: Int, width: Int) -> [Float] {
        var y = [Float](repeating: 0, count: rows * width)
        for r in 0..<rows {
            var s = 0.0
            for j in 0..<width { s += Double(x[r * width + j]) * Double(x[r * width + j]) }
            let scale = 1 / (s / Double(width) + Double(eps)).squareRoot()
            for j in 0..<width { y[r * width + j] = Float(Double(x[r * width + j]) * scale * Double(weight[j])) }
        }
        return y
    }
}

// Per-head RMSNorm of queries and keys ("QK-norm", Dehghani et al. 2023), as HF `Gemma3Attention`'s
// `q_norm`/`k_norm` and llama.cpp gemma3's `build_norm(Qcur, attn_q_norm, ..., LLM_NORM_RMS)`: each head
// vector of `headDim` values is normalised on its own and scaled by one weight shared by all heads.
// Applied in place to the q and k parts of a fused qkv row, before RoPE.

/// RMSNorm over each head of a row of consecutive heads.
public enum HeadRMSNorm {
    /// Normalises `heads` consecutive vectors of `headDim` floats at `x` in place:
    /// v ← v / sqrt(mean(v²) + eps) · weight.
    @inlinable
    public static func forward(_ x: UnsafeMutablePointer<Float>, heads: Int, headDim d: Int,
                               weight: UnsafePointer<Float>, eps: Float) {
        for h in 0..<heads {
            let v = x + h * d
            var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
            var i = 0
            while i + 4 <= d {
                s0 += v[i] * v[i]; s1 += v[i + 1] * v[i + 1]
                s2 += v[i + 2] * v[i + 2]; s3 += v[i + 3] * v[i + 3]
                i += 4
            }
            while i < d { s0 += v[i] * v[i]; i += 1 }
            let scale = 1 / ((s0 + s1 + s2 + s3) / Float(d) + eps).squareRoot()
            for j in 0..<d { v[j] = v[j] * scale * weight[j] }
        }
    }

    /// Reference in Double: `heads` vectors of `headDim` values, returned normalised.
    public static func naive(_ x: [Float], heads: Int, headDim d: Int, weight: [Float], eps: Float) -> [Float] {
        var y = x
        for h in 0..<heads {
            var s = 0.0
            for j in 0..<d { s += Double(x[h * d + j]) * Double(x[h * d + j]) }
            let scale = 1 / (s / Double(d) + Double(eps)).squareRoot()
            for j in 0..<d { y[h * d + j] = Float(Double(x[h * d + j]) * scale * Double(weight[j])) }
        }
        return y
    }
}

// GeGLU (Shazeer 2020) with the tanh-approximated GELU, as HF `Gemma3MLP` with
// `hidden_activation: "gelu_pytorch_tanh"` and llama.cpp `build_ffn(..., LLM_FFN_GELU, LLM_FFN_PAR)`:
// down(gelu_tanh(gate(x)) · up(x)). Same fused layout as SwiGLU: each row is [gate (I) | up (I)].
// gelu_tanh(x) = ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³); since ½(1 + tanh u) = σ(2u) the fast
// kernel computes x · σ(2u) on FastMath.exp. (llama.cpp's CPU GELU reads an fp16 lookup table, so its
// activations differ from this exact formula in the 3rd-4th significant digit.)
import Foundation

/// The gated GELU between the fused gate/up GEMM and the down projection.
public enum GeGLU {
    /// √(2/π), the tanh approximation's constant (PyTorch `gelu(approximate="tanh")`).
    @usableFromInline static let sqrtTwoOverPi: Float = 0.7978845608028654

    /// For each of `rows` rows of `gateUp` (2·width values, stride `ld`), writes gelu_tanh(g) · u into
    /// `out` (row stride `ldo`).
    @inlinable
    public static func forward(gateUp: UnsafePointer<Float>, ld: Int, rows: Int, width: Int,
                               out: UnsafeMutablePointer<Float>, ldo: Int) {
        let c = 2 * sqrtTwoOverPi, c3 = 2 * sqrtTwoOverPi * 0.044715
        for r in 0..<rows {
            let g = gateUp + r * ld, u = g + width, o = out + r * ldo
            var i = 0
            while i + 8 <= width {
                let x = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
                let up = UnsafeRawPointer(u + i).loadUnaligned(as: SIMD8<Float>.self)
                let twoU = x * (c + c3 * x * x)
                let y = x / (1 + FastMath.exp(-twoU)) * up
                UnsafeMutableRawPointer(o + i).storeBytes(of: y, as: SIMD8<Float>.self)
                i += 8
            }
            for i in i..<width {
                let x = g[i]
                o[i] = x / (1 + FastMath.exp(-x * (c + c3 * x * x))) * u[i]
            }
        }
    }

    /// Reference: PyTorch's formula ½x(1 + tanh(√(2/π)(x + 0.044715x³))) · up, in Double with libm tanh.
    public static func naive(gate: [Float], up: [Float]) -> [Float] {
        zip(gate, up).map { g, u in
            let x = Double(g)
            let gelu = 0.5 * x * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
            return Float(gelu * Double(u))
        }
    }
}

// SwiGLU (Shazeer 2020) as in HF `LlamaMLP`: down(silu(gate(x)) * up(x)). The gate and up
// projections are fused into one GEMM whose output row is [gate (I) | up (I)].
import Foundation

/// The gated activation between the fused gate/up GEMM and the down projection.
public enum SwiGLU {
    /// For each of `rows` rows of `gateUp` (2·width values, stride `ld`), writes silu(g) · u into
    /// `out` (row stride `ldo`).
    @inlinable
    public static func forward(gateUp: UnsafePointer<Float>, ld: Int, rows: Int, width: Int,
                               out: UnsafeMutablePointer<Float>, ldo: Int) {
        for r in 0..<rows {
            let g = gateUp + r * ld, u = g + width, o = out + r * ldo
            var i = 0
            while i + 8 <= width {
                let x = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
                let up = UnsafeRawPointer(u + i).loadUnaligned(as: SIMD8<Float>.self)
                let y = x / (1 + FastMath.exp(-x)) * up
                UnsafeMutableRawPointer(o + i).storeBytes(of: y, as: SIMD8<Float>.self)
                i += 8
            }
            for i in i..<width {
                let x = g[i]
                o[i] = x / (1 + FastMath.exp(-x)) * u[i]
            }
        }
    }

    /// Reference in Double with libm exp.
    public static func naive(gate: [Float], up: [Float]) -> [Float] {
        zip(gate, up).map { g, u in Float(Double(g) / (1 + Foundation.exp(-Double(g))) * Double(u)) }
    }
}

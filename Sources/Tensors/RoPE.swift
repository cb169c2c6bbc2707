// Rotary position embeddings (Su et al. 2021) in HF's `rotate_half` layout: pairs (i, i + d/2),
// which is llama.cpp's NEOX mode. (llama.cpp's GGUF converter permutes llama q/k rows so that its
// interleaved mode gives the same result; Models un-permutes them at load, so one layout serves.)
// Frequency scaling follows HF `modeling_rope_utils.py` (`linear`, `llama3`).
import Foundation

/// How RoPE frequencies are rescaled for longer contexts (HF `rope_scaling`).
public enum RoPEScaling: Sendable, Equatable, Codable {
    /// Positions divided by `factor` (HF "linear").
    case linear(factor: Double)
    /// Llama 3.1's piecewise frequency scaling (HF "llama3").
    case llama3(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double,
                originalMaxPositions: Int)
}

/// The inverse frequencies of one head dimension, and the rotation they apply.
public struct RoPEFrequencies: Sendable, Equatable {
    /// Rotated dimensions per head (even).
    public let headDim: Int
    /// `headDim / 2` inverse frequencies, after scaling.
    public let inverseFrequencies: [Double]

    /// `base^(-2i/d)` for i in 0..<d/2, rescaled by `scaling`.
    public init(headDim: Int, base: Double, scaling: RoPEScaling? = nil) {
        self.headDim = headDim
        var inv = (0..<(headDim / 2)).map { 1 / pow(base, Double(2 * $0) / Double(headDim)) }
        switch scaling {
        case nil: break
        case let .linear(factor)?:
            inv = inv.map { $0 / factor }
        case let .llama3(factor, low, high, original)?:
            let lowWavelen = Double(original) / low, highWavelen = Double(original) / high
            inv = inv.map { f in
                let wavelen = 2 * Double.pi / f
                if wavelen < highWavelen { return f }
                if wavelen > lowWavelen { return f / factor }
                let smooth = (Double(original) / wavelen - low) / (high - low)
                return (1 - smooth) * f / factor + smooth * f
            }
        }
        inverseFrequencies = inv
    }

    /// Fills `cos` and `sin` (each `headDim / 2` values) for one position.
    @inlinable
    public func angles(position: Int, cos c: UnsafeMutablePointer<Float>, sin s: UnsafeMutablePointer<Float>) {
        for i in 0..<inverseFrequencies.count {
            let theta = Double(position) * inverseFrequencies[i]
            c[i] = Float(Foundation.cos(theta)); s[i] = Float(Foundation.sin(theta))
        }
    }

    /// Rotates `heads` consecutive heads of `headDim` values at `x` in place with one position's
    /// `cos`/`sin` table (from `angles`).
    @inlinable
    public func rotate(_ x: UnsafeMutablePointer<Float>, heads: Int, cos c: UnsafePointer<Float>,
                       sin s: UnsafePointer<Float>) {
        let half = headDim / 2
        for h in 0..<heads {
            let v = x + h * headDim
            for i in 0..<half {
                let x0 = v[i], x1 = v[i + half]
                v[i] = x0 * c[i] - x1 * s[i]
                v[i + half] = x0 * s[i] + x1 * c[i]
            }
        }
    }

    /// Reference: rotates one head vector at `position`, computing angles in Double.
    public func naiveRotate(_ v: [Float], position: Int) -> [Float] {
        let half = headDim / 2
        var out = v
        for i in 0..<half {
            let theta = Double(position) * inverseFrequencies[i]
            let x0 = Double(v[i]), x1 = Double(v[i + half])
            out[i] = Float(x0 * Foundation.cos(theta) - x1 * Foundation.sin(theta))
            out[i + half] = Float(x0 * Foundation.sin(theta) + x1 * Foundation.cos(theta))
        }
        return out
    }
}

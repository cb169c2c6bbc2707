// Numerically stable softmax and log-sum-exp over one row (max subtracted first), on FastMath.exp.
import Foundation

/// Softmax over contiguous rows.
public enum Softmax {
    /// Replaces `x[0..<n]` by its softmax and returns log Σ exp(x) of the input.
    @inlinable @discardableResult
    public static func inPlace(_ x: UnsafeMutablePointer<Float>, count n: Int) -> Float {
        guard n > 0 else { return -.infinity }
        let m = FastMath.maximum(x, count: n)
        let sum = FastMath.expInPlace(x, count: n, shift: m)
        let inv = Float(1 / sum)
        for i in 0..<n { x[i] *= inv }
        return m + Float(Foundation.log(sum))
    }

    /// log Σ exp(x[0..<n]) without modifying x (accumulates in Double for 50k-entry rows).
    @inlinable
    public static func logSumExp(_ x: UnsafePointer<Float>, count n: Int) -> Double {
        guard n > 0 else { return -.infinity }
        let m = FastMath.maximum(x, count: n)
        return Double(m) + Foundation.log(FastMath.sumExp(x, count: n, shift: m))
    }

    /// Reference softmax in Double with libm exp.
    public static func naive(_ x: [Float]) -> [Float] {
        guard let m = x.max() else { return [] }
        let e = x.map { Foundation.exp(Double($0 - m)) }
        let s = e.reduce(0, +)
        return e.map { Float($0 / s) }
    }
}


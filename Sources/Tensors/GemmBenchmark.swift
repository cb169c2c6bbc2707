// The sgemm ceiling the engine and learner figures are measured against: OpenBLAS `cblas_sgemm` GFLOP/s on
// this machine's threads, at square sizes and at the products a SmolLM2-sized decoder actually runs.
// docs/BENCHMARKS.md states "fraction of the sgemm peak" against this measurement, not a nominal figure.
import Foundation

/// One timed shape: C (m, n) = A (m, k) · B (n, k)ᵀ, as `Gemm.multiplyTransposed` (a Linear layer's forward).
public struct SgemmMeasurement: Codable, Sendable, Equatable {
    public var m: Int
    public var n: Int
    public var k: Int
    /// Best of the timed repeats, seconds for one product.
    public var seconds: Double
    /// 2·m·n·k / seconds / 1e9.
    public var gflops: Double
}

public enum SgemmBenchmark {
    /// The default shapes: square 512/1024/2048, and SmolLM2-135M's Linear products at 512 rows
    /// (fused q/k/v 576→960, gate/up 576→3072, down 1536→576, lm_head 576→49152).
    public static let defaultShapes: [(m: Int, n: Int, k: Int)] = [
        (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048),
        (512, 960, 576), (512, 3072, 576), (512, 576, 1536), (512, 49152, 576),
    ]

    /// Times each shape `repeats` times after one untimed warm-up and keeps the fastest (the ceiling, not
    /// the average). Inputs are a fixed pattern in [−1, 1) (values do not change sgemm's speed); the result
    /// buffer is checked for non-finite values so that a broken BLAS cannot report a speed.
    /// The products split over `threads` workers as every caller's (`Gemm.product`).
    public static func run(shapes: [(m: Int, n: Int, k: Int)] = defaultShapes, repeats: Int = 3,
                           threads: Int = 1) throws -> [SgemmMeasurement] {
        guard repeats >= 1 else { throw TensorError.invalidArgument("sgemm benchmark: repeats must be ≥ 1, got \(repeats)") }
        var results: [SgemmMeasurement] = []
        func pattern(_ count: Int, _ salt: Int) -> [Float] { (0..<count).map { Float(($0 &* 7919 &+ salt) % 2048) / 1024 - 1 } }
        for s in shapes {
            guard s.m > 0, s.n > 0, s.k > 0 else {
                throw TensorError.invalidArgument("sgemm benchmark: shape \(s.m)×\(s.n)×\(s.k) has a zero or negative dimension")
            }
            let a = pattern(s.m * s.k, 1), b = pattern(s.n * s.k, 2)
            var c = [Float](repeating: 0, count: s.m * s.n)
            var best = Double.infinity
            for i in 0...repeats {
                let t0 = DispatchTime.now().uptimeNanoseconds
                Gemm.multiplyTransposed(m: s.m, n: s.n, k: s.k, a: a, lda: s.k, b: b, ldb: s.k, c: &c, ldc: s.n,
                                        threads: threads)
                let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                if i > 0 { best = min(best, dt) }
            }
            guard c.allSatisfy(\.isFinite) else {
                throw TensorError.invalidArgument("sgemm benchmark: non-finite result at \(s.m)×\(s.n)×\(s.k)")
            }
            results.append(SgemmMeasurement(m: s.m, n: s.n, k: s.k, seconds: best,
                                            gflops: 2 * Double(s.m) * Double(s.n) * Double(s.k) / best / 1e9))
        }
        return results
    }

    /// The ceiling a run reached: its fastest shape (0 for no shapes).
    public static func peak(_ measurements: [SgemmMeasurement]) -> Double { measurements.map(\.gflops).max() ?? 0 }
}

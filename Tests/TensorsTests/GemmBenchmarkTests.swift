// SgemmBenchmark: one measurement per shape, GFLOP/s derived from the shape and the time, bad input rejected.
// No timing is asserted (speed goes in docs/BENCHMARKS.md), only the bookkeeping.
import Testing
@testable import Tensors

@Suite struct GemmBenchmarkTests {
    @Test func oneMeasurementPerShapeWithConsistentFlops() throws {
        let shapes = [(m: 3, n: 5, k: 7), (m: 16, n: 8, k: 32)]
        let r = try SgemmBenchmark.run(shapes: shapes, repeats: 2)
        #expect(r.map(\.m) == [3, 16] && r.map(\.n) == [5, 8] && r.map(\.k) == [7, 32])
        for (s, x) in zip(shapes, r) {
            #expect(x.seconds > 0)
            let expected = 2 * Double(s.m * s.n * s.k) / x.seconds / 1e9
            #expect(abs(x.gflops - expected) <= 1e-9 * expected)
        }
    }

    @Test func rejectsZeroRepeatsAndEmptyShapes() {
        #expect(throws: TensorError.invalidArgument("sgemm benchmark: repeats must be ≥ 1, got 0")) {
            try SgemmBenchmark.run(shapes: [(m: 2, n: 2, k: 2)], repeats: 0)
        }
        #expect(throws: TensorError.self) { try SgemmBenchmark.run(shapes: [(m: 2, n: 0, k: 2)], repeats: 1) }
    }
}

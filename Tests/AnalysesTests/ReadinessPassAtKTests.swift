// Large-k pass@k (incremental curve) against hand-computed values, and the guessing baseline in closed form.
import Foundation
import Testing
@testable import Analyses

@Suite struct LargeKPassAtKTests {
    typealias Case = PassAtKTests.Case

    // 1 − C(n−c, k)/C(n, k) by hand.
    @Test(arguments: [
        Case(n: 3, c: 1, k: 2, expected: 2.0 / 3),      // 1 − 1/3
        Case(n: 5, c: 2, k: 2, expected: 0.7),          // 1 − 3/10
        Case(n: 10, c: 3, k: 5, expected: 11.0 / 12),   // 1 − 21/252
        Case(n: 10, c: 3, k: 10, expected: 1),          // k = n
        Case(n: 10, c: 0, k: 10, expected: 0),          // c = 0, k = n
        Case(n: 256, c: 0, k: 256, expected: 0),        // c = 0 at large k
        Case(n: 256, c: 1, k: 256, expected: 1),        // k = n, c = 1
        Case(n: 256, c: 1, k: 128, expected: 0.5),      // 1 − 255!/(127!128!) / C(256,128) = k/n
        Case(n: 6, c: 2, k: 3, expected: 0.8),          // 1 − C(4,3)/C(6,3) = 1 − 4/20
    ])
    func curveMatchesHandValues(_ t: Case) throws {
        let curve = try PassAtKCurve(n: t.n, c: t.c)
        #expect(abs(try curve.at(t.k) - t.expected) < 1e-9)
    }

    @Test(arguments: [(64, 5), (256, 17), (256, 200), (100, 99)])
    func curveAgreesWithDirectEstimator(n: Int, c: Int) throws {
        let curve = try PassAtKCurve(n: n, c: c)
        for k in 1...n { #expect(abs(curve.values[k - 1] - (try PassAtK.estimate(n: n, c: c, k: k))) < 1e-9) }
    }

    @Test func benchmarkCurveWithSeededBootstrap() throws {
        let counts: [(n: Int, c: Int)] = [(8, 0), (8, 2), (8, 8), (8, 4)]
        let a = try LargeKPassAtK(temperature: 0.6, counts: counts, seed: 7)
        let b = try LargeKPassAtK(temperature: 0.6, counts: counts, seed: 7)
        #expect(a == b)
        #expect(a.points.map(\.k) == [1, 2, 4, 8])
        // k = 1: mean of c/n = (0 + .25 + 1 + .5)/4; k = 8: (0 + 1 + 1 + 1)/4.
        #expect(abs(a.points[0].passAtK.estimate - 0.4375) < 1e-9)
        #expect(abs(a.points[3].passAtK.estimate - 0.75) < 1e-9)
        #expect(a.points.allSatisfy { $0.passAtK.lower <= $0.passAtK.estimate && $0.passAtK.estimate <= $0.passAtK.upper })
        #expect(throws: AnalysesError.self) { try LargeKPassAtK(temperature: 0.6, counts: counts, ks: [9], seed: 1) }
    }
}

@Suite struct GuessingBaselineTests {
    @Test func aimeAt256() throws {
        let v = try GuessingBaseline.passAtK(space: .aimeIntegers, k: 256)
        #expect(abs(v - (1 - pow(0.999, 256))) < 1e-12)
        #expect(abs(v - 0.22603) < 1e-4)
        #expect(try GuessingBaseline.flagged(space: .aimeIntegers, k: 256))
        #expect(!(try GuessingBaseline.flagged(space: .aimeIntegers, k: 64)))  // 6.2%
    }

    @Test(arguments: [(5, 1, 0.2), (5, 2, 0.36), (5, 3, 0.488), (4, 2, 0.4375), (2, 1, 0.5)])
    func multipleChoiceClosedForm(options: Int, k: Int, expected: Double) throws {
        #expect(abs(try GuessingBaseline.passAtK(space: .multipleChoice(options: options), k: k) - expected) < 1e-12)
    }

    @Test func firstFlaggedK() throws {
        // 1 − 0.999^k > 0.1 ⇔ k > log 0.9 / log 0.999 ≈ 105.3.
        #expect(try GuessingBaseline.firstFlaggedK(space: .aimeIntegers, maxK: 256) == 106)
        #expect(try GuessingBaseline.firstFlaggedK(space: .multipleChoice(options: 5), maxK: 4) == 1)
        #expect(try GuessingBaseline.firstFlaggedK(space: .size(1_000_000), maxK: 256) == nil)
    }
}

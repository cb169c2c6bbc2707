// Exact expected numbers for pass@k (Chen et al. 2021), Wilson intervals, bootstrap and Cohen's κ.
import Testing
@testable import Analyses

@Suite struct PassAtKTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var n: Int, c: Int, k: Int, expected: Double
        var testDescription: String { "n=\(n) c=\(c) k=\(k)" }
    }

    // Each value is 1 − C(n−c, k)/C(n, k) worked by hand.
    @Test(arguments: [
        Case(n: 3, c: 1, k: 1, expected: 1.0 / 3),     // 1 − 2/3
        Case(n: 3, c: 1, k: 2, expected: 2.0 / 3),     // 1 − 1/3
        Case(n: 3, c: 1, k: 3, expected: 1),           // k = n with a correct sample
        Case(n: 5, c: 2, k: 2, expected: 0.7),         // 1 − 3/10
        Case(n: 10, c: 3, k: 5, expected: 11.0 / 12),  // 1 − 21/252
        Case(n: 8, c: 0, k: 8, expected: 0),           // c = 0, k = n
        Case(n: 8, c: 0, k: 1, expected: 0),           // c = 0
        Case(n: 8, c: 8, k: 1, expected: 1),           // all correct
        Case(n: 4, c: 2, k: 1, expected: 0.5),         // pass@1 is c/n
    ])
    func exactValues(_ t: Case) throws {
        let v = try PassAtK.estimate(n: t.n, c: t.c, k: t.k)
        #expect(abs(v - t.expected) < 1e-12)
    }

    @Test func pass1EqualsFractionCorrectForLargeN() throws {
        #expect(abs(try PassAtK.estimate(n: 200, c: 37, k: 1) - 0.185) < 1e-12)
        // Stable where the binomials overflow Double: C(1000, 500) ≈ 2.7e299.
        let v = try PassAtK.estimate(n: 1000, c: 1, k: 500)
        #expect(abs(v - 0.5) < 1e-12)
    }

    @Test func curveIsMonotoneAndEndsAtOne() throws {
        let curve = try PassAtK.curve(n: 8, c: 2)
        #expect(curve.count == 8)
        #expect(zip(curve, curve.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(curve.last == 1)
        #expect(abs(curve[0] - 0.25) < 1e-12)
    }

    @Test func rejectsImpossibleInputs() {
        #expect(throws: AnalysesError.self) { try PassAtK.estimate(n: 4, c: 1, k: 5) }
        #expect(throws: AnalysesError.self) { try PassAtK.estimate(n: 4, c: 5, k: 1) }
        #expect(throws: AnalysesError.self) { try PassAtK.estimate(n: 0, c: 0, k: 1) }
        #expect(throws: AnalysesError.self) { try PassAtK.mean([], k: 1) }
    }

    @Test func meanOverQuestions() throws {
        let m = try PassAtK.mean([(n: 3, c: 1), (n: 3, c: 0), (n: 3, c: 3)], k: 2)
        #expect(abs(m - (2.0 / 3 + 0 + 1) / 3) < 1e-12)
    }
}

@Suite struct IntervalTests {
    @Test func wilsonMatchesPublishedValues() throws {
        let half = try WilsonInterval.interval(successes: 5, trials: 10)
        #expect(abs(half.lower - 0.23659) < 1e-4 && abs(half.upper - 0.76341) < 1e-4)
        let zero = try WilsonInterval.interval(successes: 0, trials: 10)
        #expect(zero.lower == 0 && abs(zero.upper - 0.27753) < 1e-4)
        let none = try WilsonInterval.interval(successes: 0, trials: 0)
        #expect(none.lower == 0 && none.upper == 1)
        #expect(throws: AnalysesError.self) { try WilsonInterval.interval(successes: 3, trials: 2) }
    }

    @Test func quantileInterpolatesLikeNumpy() {
        #expect(Bootstrap.quantile([1, 2, 3, 4], 0.25) == 1.75)
        #expect(Bootstrap.quantile([1, 2, 3, 4], 1) == 4)
        #expect(Bootstrap.quantile([7], 0.3) == 7)
    }

    @Test func bootstrapIsSeededAndBracketsTheMean() throws {
        let values: [Double] = [0, 1, 0, 1, 1, 0, 0, 1, 1, 1]
        let a = try Bootstrap.meanInterval(values, resamples: 500, seed: 7)
        let b = try Bootstrap.meanInterval(values, resamples: 500, seed: 7)
        let spread = (0..<40).map { Double($0 * $0 % 17) / 17 }
        let c1 = try Bootstrap.meanInterval(spread, resamples: 200, seed: 7)
        let c2 = try Bootstrap.meanInterval(spread, resamples: 200, seed: 8)
        #expect(a == b)
        #expect(c1.lower != c2.lower || c1.upper != c2.upper)
        #expect(a.estimate == 0.6)
        #expect(a.lower < 0.6 && a.upper > 0.6 && a.lower >= 0 && a.upper <= 1)
        let constant = try Bootstrap.meanInterval([0.25, 0.25, 0.25], resamples: 50, seed: 1)
        #expect(constant.lower == 0.25 && constant.upper == 0.25)
    }

    @Test func pairedBootstrap() throws {
        let same = try Bootstrap.pairedDifference([1, 0, 1], [1, 0, 1], resamples: 100, seed: 3)
        #expect(same.difference.estimate == 0 && same.difference.lower == 0 && same.difference.upper == 0)
        #expect(same.shareAHigher == 0)
        let better = try Bootstrap.pairedDifference([1, 1, 1, 1], [0, 0, 0, 0], resamples: 100, seed: 3)
        #expect(better.difference.estimate == 1 && better.shareAHigher == 1)
        #expect(throws: AnalysesError.self) { try Bootstrap.pairedDifference([1], [1, 2], seed: 0) }
    }
}

@Suite struct AgreementTests {
    @Test func kappaOfTheTextbookExample() throws {
        // Wikipedia's Cohen's kappa example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → p_o 0.7, p_e 0.5, κ 0.4.
        let m = ConfusionMatrix(both: 20, firstOnly: 5, secondOnly: 10, neither: 15)
        #expect(m.total == 50)
        #expect(abs((m.observedAgreement ?? -1) - 0.7) < 1e-12)
        #expect(abs((m.chanceAgreement ?? -1) - 0.5) < 1e-12)
        #expect(abs((m.cohensKappa ?? -1) - 0.4) < 1e-12)
    }

    @Test func matrixFromPairsAndUndefinedKappa() {
        let m = ConfusionMatrix(pairs: [(true, true), (true, false), (false, false), (false, false)])
        #expect(m == ConfusionMatrix(both: 1, firstOnly: 1, secondOnly: 0, neither: 2))
        // p_o = 3/4, p1 = 1/2, p2 = 1/4, p_e = 1/8 + 3/8 = 1/2 → κ = 0.5.
        #expect(abs((m.cohensKappa ?? -1) - 0.5) < 1e-12)
        #expect(ConfusionMatrix().cohensKappa == nil)
        #expect(ConfusionMatrix(neither: 5).cohensKappa == nil)
        // Perfect disagreement: κ = −1.
        #expect(ConfusionMatrix(firstOnly: 3, secondOnly: 3).cohensKappa == -1)
    }
}

// Issue 21: the pass@k crossover of a base and a tuned run (hand-computed curves) and ROUGE-L against
// rouge-score's figures (fixtures/goldens/analyses/rouge-l.json, made by scripts/rouge-goldens).
import Foundation
import Testing
@testable import Analyses

@Suite("Readiness: crossover and ROUGE-L")
struct ReadinessCrossoverTests {
    @Test("Crossover on hand-computed curves: tuned leads at k=1 (0.5 vs 0.25), base reaches 0.5 at k=2")
    func handCrossover() throws {
        // Base: each question 1 of 4 correct, pass@1 = 0.25, pass@2 = 1 − C(3,2)/C(4,2) = 0.5.
        // Tuned: q1 always right, q2 never: pass@k = 0.5 at every k.
        let x = try PassAtKCrossover(base: [(4, 1), (4, 1)], tuned: [(4, 4), (4, 0)], resamples: 200, seed: 3)
        #expect(x.tunedLeadsAtOne)
        #expect(x.crossoverK == 2)
        #expect(x.maxK == 4)
        let d1 = try #require(x.points.first { $0.k == 1 })
        #expect(abs(d1.difference.difference.estimate - (-0.25)) < 1e-12)
        let d4 = try #require(x.points.first { $0.k == 4 })
        #expect(abs(d4.difference.difference.estimate - 0.5) < 1e-12)
        let ci = try #require(x.crossoverInterval)
        // Resamples of {q1,q1}: base 0.25→1 vs tuned 1 → crosses at 4; {q2,q2}: base leads at k=1 (no lead);
        // mixed: crosses at 2. Every resample's crossover is 2, 4 or none (5).
        #expect(ci.lowerBound >= 2 && ci.upperBound <= 5)
        #expect(x.shareCrossing > 0 && x.shareCrossing <= 1)
    }

    @Test("No crossover: equal curves (nothing to cross) and a base that never catches up")
    func noCrossover() throws {
        let same = try PassAtKCrossover(base: [(4, 2)], tuned: [(4, 2)], resamples: 50, seed: 1)
        #expect(!same.tunedLeadsAtOne)
        #expect(same.crossoverK == nil && same.crossoverInterval == nil)
        // maxK = 4 (the tuned run's n). Base q1: 1 of 8, pass@4 = 1 − C(7,4)/C(8,4) = 0.5; q2 never right.
        // The tuned model is always right (1.0), so no resample of questions ever crosses.
        let never = try PassAtKCrossover(base: [(8, 1), (8, 0)], tuned: [(4, 4), (4, 4)], resamples: 50, seed: 1)
        #expect(never.tunedLeadsAtOne)
        #expect(never.crossoverK == nil)
        #expect(never.shareCrossing == 0)
        #expect(never.crossoverInterval == 5...5)
    }

    @Test("Crossover refuses unpaired runs and k beyond the samples")
    func crossoverErrors() {
        #expect(throws: AnalysesError.self) { try PassAtKCrossover(base: [(4, 1)], tuned: [(4, 1), (4, 2)], seed: 1) }
        #expect(throws: AnalysesError.self) { try PassAtKCrossover(base: [(4, 1)], tuned: [(4, 1)], ks: [8], seed: 1) }
        #expect(throws: AnalysesError.self) { try PassAtKCrossover(base: [], tuned: [], seed: 1) }
    }

    struct RougeGolden: Decodable, Sendable, CustomTestStringConvertible {
        let reference: String, candidate: String, precision: Double, recall: Double, fmeasure: Double
        var testDescription: String { "\(reference.prefix(30)) | \(candidate.prefix(30))" }
    }

    static let goldens: [RougeGolden] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/goldens/analyses/rouge-l.json")
        struct File: Decodable { let pairs: [RougeGolden] }
        guard let data = try? Data(contentsOf: url), let f = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return f.pairs
    }()

    @Test("The goldens file is present and non-trivial")
    func goldensPresent() { #expect(Self.goldens.count >= 10) }

    @Test("ROUGE-L equals rouge-score's figures", arguments: goldens)
    func rougeMatchesReference(_ g: RougeGolden) {
        let s = RougeL.score(candidate: g.candidate, reference: g.reference)
        #expect(abs(s.precision - g.precision) < 1e-12)
        #expect(abs(s.recall - g.recall) < 1e-12)
        #expect(abs(s.fmeasure - g.fmeasure) < 1e-12)
    }

    @Test("ROUGE-L by hand: a reversed sequence shares one token in order; LCS of 'abcbdab'/'bdcaba' is 4")
    func rougeByHand() {
        let r = RougeL.score(candidate: "g f e d c b a", reference: "a b c d e f g")
        #expect(abs(r.precision - 1.0 / 7) < 1e-12 && abs(r.recall - 1.0 / 7) < 1e-12)
        let a = RougeL.tokens("a b c b d a b"), b = RougeL.tokens("b d c a b a")
        #expect(RougeL.lcsLength(a, b) == 4)
        #expect(RougeL.tokens("Hello, WORLD! x^2+1").map(String.init) == ["hello", "world", "x", "2", "1"])
    }
}

// The hand-written adversarial grading set (issue 16): fixtures/grading/adversarial.jsonl, each line a
// gold, an answer, the mathematically right verdict and why. Graded with the pair API of `r1audit verify`.
import Foundation
import Testing
@testable import Grading

/// One line of the adversarial set.
struct AdversarialPair: Decodable, Sendable {
    let category: String
    let gold: String
    let answer: String
    let expected: Bool
    let why: String
}

@Suite("Adversarial grading set")
struct AdversarialSetTests {
    static let fixture = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/grading/adversarial.jsonl")

    static func load() throws -> [AdversarialPair] {
        let text = try String(contentsOf: fixture, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n", omittingEmptySubsequences: true).map {
            try decoder.decode(AdversarialPair.self, from: Data($0.utf8))
        }
    }

    @Test("≥ 97% of ≥ 150 pairs in ≥ 25 categories graded as the mathematics says")
    func adversarialSet() throws {
        let pairs = try Self.load()
        // The verifier of `r1audit verify --gold X --answer Y`: default settings, floats rounded to 6 digits.
        let verifier = AnswerVerifier(extractor: AnswerExtractor(mode: .auto))
        var wrong: [String: [String]] = [:]
        var totals: [String: Int] = [:]
        for p in pairs {
            totals[p.category, default: 0] += 1
            let got = verifier.grade(answer: p.answer, golds: [p.gold]).correct
            if got != p.expected {
                wrong[p.category, default: []].append("gold \(p.gold) | answer \(p.answer) | expected \(p.expected), got \(got) (\(p.why))")
            }
        }
        let wrongCount = wrong.values.reduce(0) { $0 + $1.count }
        let right = Double(pairs.count - wrongCount) / Double(max(pairs.count, 1))
        let breakdown = totals.keys.sorted().map { cat in
            let ws = wrong[cat] ?? []
            return "\(cat): \(totals[cat]! - ws.count)/\(totals[cat]!)" + ws.map { "\n    \($0)" }.joined()
        }.joined(separator: "\n")
        #expect(pairs.count >= 150, "only \(pairs.count) pairs in \(Self.fixture.path)")
        #expect(totals.count >= 25, "only \(totals.count) categories in \(Self.fixture.path)")
        // Issue 16's target is 97%; measured 200/200 (docs/GRADING.md). The floor guards against regressions.
        #expect(right >= 0.97, "right on \(pairs.count - wrongCount)/\(pairs.count) = \(right)\n\(breakdown)")
        #expect(right >= 0.99, "right on \(pairs.count - wrongCount)/\(pairs.count) = \(right)\n\(breakdown)")
    }
}

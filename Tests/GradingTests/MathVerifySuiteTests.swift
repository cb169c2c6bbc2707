// Math-Verify 0.9.0's own parametrized test cases (issue 16), written to
// fixtures/grading/mathverify-suite.jsonl by `scripts/mathverify-suite` from the sdist's tests/. Graded the way
// that script grades them with `r1audit verify --mode auto`: the raw prediction is the response (plain-text
// fallback on), and every gold is first run through the extraction (`extractGold`; Math-Verify parses the gold too). Math-Verify's own defaults agree on 269/275 (97.8 %).
import Foundation
import Testing
@testable import Grading

/// One case of the suite: gold ("answer"), prediction ("response") and the test's expected verdict.
struct MathVerifySuiteCase: Decodable, Sendable {
    let file: String
    let test: String
    let index: Int
    let answer: String
    let response: String
    let expected: Bool
}

@Suite("Math-Verify's own test suite")
struct MathVerifySuiteTests {
    static let fixture = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/grading/mathverify-suite.jsonl")

    static func load() throws -> [MathVerifySuiteCase] {
        let text = try String(contentsOf: fixture, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n", omittingEmptySubsequences: true).map {
            try decoder.decode(MathVerifySuiteCase.self, from: Data($0.utf8))
        }
    }

    /// The verdict of `r1audit verify --mode auto` on one case, as `scripts/mathverify-suite` computes it.
    static func verdict(_ c: MathVerifySuiteCase, verifier: AnswerVerifier) -> GradeResult {
        var gold = c.answer
        // Math-Verify parses every gold as it parses a prediction, with boxes that form one list joined
        // (`\boxed{1}\boxed{2}` → `1, 2`): `extractGold`, falling back to the gold as written.
        if let x = verifier.extractor.extractGold(gold) { gold = x }
        return verifier.grade(response: c.response, golds: [gold])
    }

    @Test("≥ 96% agreement with the expected verdicts of Math-Verify's tests under --mode auto")
    func suiteAgreement() throws {
        let cases = try Self.load()
        let verifier = AnswerVerifier(extractor: AnswerExtractor(mode: .auto))
        var misses: [String] = []
        for c in cases {
            let r = Self.verdict(c, verifier: verifier)
            if r.correct != c.expected {
                misses.append("\(c.file):\(c.test)[\(c.index)] expected \(c.expected), got \(r.status.rawValue) "
                              + "(extracted \(r.extracted ?? "nil")) gold \(c.answer.prefix(80)) | pred \(c.response.prefix(120))")
            }
        }
        let right = Double(cases.count - misses.count) / Double(max(cases.count, 1))
        let report = "\(cases.count - misses.count)/\(cases.count) = \(right)\n" + misses.joined(separator: "\n")
        if ProcessInfo.processInfo.environment["R1AUDIT_PRINT_MISSES"] != nil { print(report) }
        #expect(cases.count >= 250, "only \(cases.count) cases in \(Self.fixture.path)")
        // Measured 268/275 = 97.5% (Math-Verify's own defaults: 269/275); the 7 left are the cases whose test
        // passes a non-default parameter or config, and two where r1audit is right (docs/GRADING.md).
        #expect(right >= 0.96, "issue 16 target: ≥ 96% of Math-Verify's own test suite; \(report)")
        #expect(right >= 0.97, "regression below the measured 97.5%: \(report)")
    }
}

// Golden cases committed with Math-Verify's verdicts (fixtures/grading/mathverify-goldens.json, made by
// `scripts/goldens/mathverify_cases.py goldens`). Each case also records the mathematically right
// verdict; r1audit must give that one. Where Math-Verify differs, docs/GRADING.md says why.
import Foundation
import Testing
@testable import Grading

/// One committed golden case.
struct MathVerifyGolden: Decodable, Sendable, CustomTestStringConvertible {
    let gold: String
    let answer: String
    let expected: Bool
    let mathverify: Bool
    var testDescription: String { "\(answer) vs \(gold)" }
}

private struct GoldenFile: Decodable {
    let tool: String
    let cases: [MathVerifyGolden]
}

/// The fixture, found relative to this source file.
private let goldens: [MathVerifyGolden] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/grading/mathverify-goldens.json")
    guard let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(GoldenFile.self, from: data) else { return [] }
    return file.cases
}()

@Suite("Math-Verify goldens")
struct MathVerifyGoldenTests {
    @Test func fixtureIsPresent() {
        #expect(goldens.count >= 50)
    }

    @Test(arguments: goldens)
    func matchesTheRightVerdict(_ c: MathVerifyGolden) {
        let v = AnswerVerifier.paperParity(mode: .boxed)
        let r = v.grade(response: "The final answer is $\\boxed{\(c.answer)}$.", golds: [c.gold])
        #expect(r.correct == c.expected, "Math-Verify says \(c.mathverify)")
    }
}

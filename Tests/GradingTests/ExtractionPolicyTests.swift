// The shared extraction policy (no fallback credit on truncated responses), its Codable form,
// several boxes against a list gold, and the two R1 format rules.
import Foundation
import Testing
@testable import Grading

@Suite("Extraction policy")
struct ExtractionPolicyTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let format: ExtractionMode?
        let response: String
        let finish: String?
        let status: GradeStatus
        var testDescription: String { "\(format?.rawValue ?? "none") \(finish ?? "-"): \(response.prefix(40))" }
    }

    @Test(arguments: [
        Row(format: .boxed, response: "so \\boxed{4}", finish: "stop", status: .correct),
        Row(format: .boxed, response: "so \\boxed{4}", finish: "length", status: .correct),
        Row(format: .boxed, response: "5. **Calculate the difference in 4", finish: "length", status: .noAnswer),
        Row(format: .boxed, response: "The answer is 4.", finish: "stop", status: .correct),
        Row(format: .answerTag, response: "<think>x</think> <answer> She has 4 cents left. </answer>", finish: "length", status: .correct),
        Row(format: .answerTag, response: "<think> so 4 and then", finish: "length", status: .noAnswer),
        Row(format: nil, response: "She has 4 cents left.", finish: "stop", status: .correct),
        Row(format: nil, response: "She has 4 cents", finish: "length", status: .noAnswer),
        Row(format: .boxed, response: "\\boxed{5} then I guess 4", finish: "stop", status: .incorrect),
    ])
    func truncationRule(_ row: Row) {
        let p = ExtractionPolicy(format: row.format)
        #expect(p.grade(response: row.response, golds: ["4"], truncated: row.finish == "length").status == row.status)
    }

    @Test func paperParityHasNoFallback() {
        let p = ExtractionPolicy.paperParity(format: .boxed)
        #expect(p.grade(response: "The answer is 4.", golds: ["4"], truncated: false).status == .noAnswer)
    }

    @Test func roundTripsThroughJSON() throws {
        let p = ExtractionPolicy(format: .answerTag, plainTextFallback: false, fallbackOnTruncation: true, floatRounding: 4)
        let back = try JSONDecoder().decode(ExtractionPolicy.self, from: JSONEncoder().encode(p))
        #expect(back == p)
    }

    @Test func severalBoxesAnswerAListGold() {
        let p = ExtractionPolicy(format: .boxed)
        #expect(p.grade(response: "x = \\boxed{1} and y = \\boxed{2}", golds: ["(1, 2)"], truncated: false).correct)
        #expect(p.grade(response: "roots \\boxed{3} and \\boxed{-2}", golds: ["-2, 3"], truncated: false).correct)
        #expect(!p.grade(response: "x = \\boxed{1} and y = \\boxed{3}", golds: ["(1, 2)"], truncated: false).correct)
    }

    /// Math-Verify 0.9.0's verdicts (checked in its venv): both sides rounded to 6 decimal places.
    @Test(arguments: [
        ("0.666667", "\\frac{2}{3}", true), ("0.6667", "\\frac{2}{3}", false), ("0.3333", "\\frac{1}{3}", false),
        ("1.41421", "\\sqrt{2}", false), ("1.414214", "\\sqrt{2}", true), ("3.1416", "\\pi", false),
        ("9.6001", "9.6", false), ("9.6000001", "9.6", true), ("123457", "123456.7", false),
    ])
    func floatRounding(_ answer: String, _ gold: String, _ equal: Bool) {
        #expect(ExtractionPolicy(format: .boxed).verifier.equivalent(answer, gold) == equal)
    }

    @Test(arguments: [
        ("<think>a</think> <answer>4</answer>", true, true),
        ("<think>a</think>\n<answer>4</answer>", false, true),
        ("<answer>4</answer>", false, true),
        ("<think>a</think> <answer>4", false, false),
        ("The answer is 4", false, false),
    ])
    func r1FormatRules(_ response: String, _ strict: Bool, _ lenient: Bool) {
        #expect(R1Format.isStrict(response) == strict)
        #expect(R1Format.isLenient(response) == lenient)
    }

    /// One call builds the audit's, the trainer's and the export's policy: the mapping of a template's
    /// `extraction` value and the two flags, and the grader name the verdicts are stored under.
    @Test(arguments: [
        ("boxed", true, false, ExtractionMode?.some(.boxed), false, "paper:boxed"),
        ("answer-tag", true, false, ExtractionMode?.some(.answerTag), false, "paper:answer-tag"),
        ("none", true, false, ExtractionMode?.none, false, "paper:plain"),
        ("boxed", false, true, ExtractionMode?.some(.auto), true, "auto+fallback"),
        ("answer-tag", false, false, ExtractionMode?.some(.auto), false, "auto"),
        ("none", false, true, ExtractionMode?.none, true, "plain"),
    ])
    func forTemplate(_ extraction: String, _ paper: Bool, _ fallback: Bool, _ format: ExtractionMode?,
                     _ expectFallback: Bool, _ name: String) throws {
        let p = ExtractionPolicy.forTemplate(extraction: try AnswerExtraction.parse(extraction), paperParity: paper, plainTextFallback: fallback)
        #expect(p.format == format)
        #expect(p.plainTextFallback == expectFallback)
        #expect(p.graderName == name)
    }

    @Test func unknownExtractionIsNamed() throws {
        #expect(throws: GradingError.unknownExtraction("latex")) { try AnswerExtraction.parse("latex") }
        #expect(try AnswerExtraction.allCases.map { try AnswerExtraction.parse($0.rawValue) } == AnswerExtraction.allCases)
    }

    /// A template without an answer format is read as plain text even under the paper's rule (there is
    /// nothing else to read), and the truncation rule still holds.
    @Test func templateWithoutFormatReadsPlainText() throws {
        let p = ExtractionPolicy.forTemplate(extraction: .none, paperParity: true, plainTextFallback: false)
        #expect(p.grade(response: "So the answer is 12.", golds: ["12"], truncated: false).correct)
        #expect(p.grade(response: "So far we have 12 and then", golds: ["12"], truncated: true).status == .noAnswer)
        let boxedPaper = ExtractionPolicy.forTemplate(extraction: .boxed, paperParity: true, plainTextFallback: false)
        #expect(boxedPaper.grade(response: "So the answer is 12.", golds: ["12"], truncated: false).status == .noAnswer)
    }
}

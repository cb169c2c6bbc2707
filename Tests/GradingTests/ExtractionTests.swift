// Extraction tables: the last \boxed{} (nested braces), <answer> tags, the plain-text fallback,
// and no-answer grading (Liu et al. 2025 count unformatted responses apart from wrong ones).
import Testing
@testable import Grading

@Suite("Answer extraction")
struct ExtractionTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let mode: ExtractionMode
        let fallback: Bool
        let response: String
        let expected: String?
        var testDescription: String { "\(mode.rawValue) fallback=\(fallback): \(response.prefix(40))" }
    }

    @Test(arguments: [
        Row(mode: .boxed, fallback: false, response: "so \\boxed{1} then \\boxed{\\frac{a}{b}}.", expected: "\\frac{a}{b}"),
        Row(mode: .boxed, fallback: false, response: "$\\boxed{\\{1,2\\}}$", expected: "\\{1,2\\}"),
        Row(mode: .boxed, fallback: false, response: "\\fbox{42}", expected: "42"),
        Row(mode: .boxed, fallback: false, response: "$\\boxed 7$", expected: "7"),
        Row(mode: .boxed, fallback: false, response: "\\boxed{unclosed", expected: nil),
        Row(mode: .boxed, fallback: false, response: "The answer is 42.", expected: nil),
        Row(mode: .boxed, fallback: true, response: "The answer is 42.", expected: "42"),
        Row(mode: .boxed, fallback: true, response: "So the final answer is $\\frac{1}{2}$.", expected: "\\frac{1}{2}"),
        Row(mode: .boxed, fallback: true, response: "work...\n#### 18", expected: "18"),
        Row(mode: .auto, fallback: true, response: "Final Answer: The final answer is $7$. I hope it is correct.", expected: "7"),
        Row(mode: .auto, fallback: true, response: "**Answer:** 42", expected: "42"),
        Row(mode: .auto, fallback: true, response: "no digits at all", expected: nil),
        Row(mode: .boxed, fallback: true, response: "we get 3 apples, then 1,250 pears", expected: "1250"),
        Row(mode: .answerTag, fallback: false, response: "<think>x</think> <answer> $7$ </answer>", expected: "7"),
        Row(mode: .answerTag, fallback: false, response: "<answer>a</answer><answer>\\boxed{9}</answer>", expected: "9"),
        Row(mode: .answerTag, fallback: false, response: "<answer> 5 (no closing tag", expected: nil),
        Row(mode: .auto, fallback: false, response: "<answer>5</answer>", expected: "5"),
        Row(mode: .auto, fallback: false, response: "\\boxed{3} <answer>5</answer>", expected: "3"),
        Row(mode: .auto, fallback: false, response: "nothing here", expected: nil),
    ])
    func extraction(_ row: Row) {
        let x = AnswerExtractor(mode: row.mode, plainTextFallback: row.fallback)
        #expect(x.extract(row.response) == row.expected)
    }

    @Test func gradeStatuses() {
        let v = AnswerVerifier.paperParity(mode: .boxed)
        #expect(v.grade(response: "so \\boxed{4}", golds: ["4"]) == GradeResult(extracted: "4", status: .correct))
        #expect(v.grade(response: "so \\boxed{5}", golds: ["4"]).status == .incorrect)
        #expect(v.grade(response: "so 4", golds: ["4"]).status == .noAnswer)
        #expect(v.grade(response: "\\boxed{10^{-3}}", golds: ["1 \\times 10^{-3}", "10^{-3}"]).correct)
        #expect(v.grade(response: "\\boxed{0.002}", golds: ["1 \\times 10^{-3}", "10^{-3}"]).status == .incorrect)
    }
}

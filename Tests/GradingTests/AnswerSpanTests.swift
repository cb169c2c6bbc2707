// Answer spans read as Math-Verify reads them (issue 16): prose around one value, bare LaTeX,
// currency, units and percent words, in `<answer>` tags, after "The answer is" and in plain text.
import Testing
@testable import Grading

@Suite("Answer spans")
struct AnswerSpanTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let response: String
        let gold: String
        let extracted: String
        var testDescription: String { "\(response.prefix(50)) → \(extracted)" }
    }

    static let rows: [Row] = [
        Row(response: "<think>…</think> <answer> She has 4 cents left. </answer>", gold: "4", extracted: "4"),
        Row(response: "<answer> 90 square inches </answer>", gold: "90", extracted: "90"),
        Row(response: "<answer> 7 pounds </answer>", gold: "7", extracted: "7"),
        Row(response: "<answer> John has $999.00 - $165.00 = $834.00 left. </answer>", gold: "834", extracted: "834.00"),
        Row(response: "<answer> The answer is 41 minutes. </answer>", gold: "41", extracted: "41"),
        Row(response: "<answer> five </answer>", gold: "5", extracted: "5"),
        Row(response: "<answer> twenty-one </answer>", gold: "21", extracted: "21"),
        Row(response: "<answer> She scored 50 percent. </answer>", gold: "50\\%", extracted: "50%"),
        Row(response: "<answer> $x \\lt 3$ </answer>", gold: "x < 3", extracted: "x \\lt 3"),
        Row(response: "So the ratio is \\frac{10}{9}", gold: "10/9", extracted: "\\frac{10}{9}"),
        Row(response: "Hence $k = \\frac{1}{3}$ works.", gold: "\\frac{1}{3}", extracted: "k = \\frac{1}{3}"),
        Row(response: "The range is $[0,1)$.", gold: "[0,1)", extracted: "[0,1)"),
        Row(response: "The value is .4", gold: "0.4", extracted: "0.4"),
        Row(response: "In total 1 000", gold: "1000", extracted: "1000"),
        Row(response: "We find that $x \\lt 3$.", gold: "$x < 3$", extracted: "x \\lt 3"),
        Row(response: "The answer is \\(\\frac{3}{4}\\).", gold: "3/4", extracted: "\\frac{3}{4}"),
        Row(response: "Final answer is 12 apples", gold: "12", extracted: "12"),
        Row(response: "<answer>(B) 12</answer>", gold: "B", extracted: "(B) 12"),
    ]

    @Test(arguments: rows)
    func extractsAndGrades(_ row: Row) {
        let v = AnswerVerifier(extractor: AnswerExtractor(mode: .auto, plainTextFallback: true))
        let r = v.grade(response: row.response, golds: [row.gold])
        #expect(r.extracted == row.extracted)
        #expect(r.status == .correct)
    }
}

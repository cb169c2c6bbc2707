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
        // Issue 16, Math-Verify's reading of unformatted text: the last of math environment / number wins.
        Row(mode: .auto, fallback: true, response: "Final Answer: The largest $n$ is 34.", expected: "34"),
        Row(mode: .auto, fallback: true, response: "Let $n$ be the count of pairs; counting gives 34", expected: "34"),
        Row(mode: .auto, fallback: true, response: "Simplify $\\frac{1}{5}$.\n- Inputs: 1)\n- Output: 2)", expected: "2"),
        Row(mode: .auto, fallback: true, response: "we get 34, so $n = 34$", expected: "n = 34"),
        Row(mode: .auto, fallback: true, response: "Final Answer: Jane started 3 hours ago. I hope it is correct.", expected: "3"),
        Row(mode: .auto, fallback: true, response: "so \\boxed{255} … Final Answer: The final answer is $10,455$. I hope it is correct.",
            expected: "10,455"),
        Row(mode: .auto, fallback: false, response: "so \\boxed{255} … Final Answer: The final answer is $10,455$.", expected: "255"),
        Row(mode: .auto, fallback: true,
            response: "Final Answer: The final answer is $14 {, }916$. I hope it is correct. Note: recheck $N$.", expected: "14916"),
        Row(mode: .boxed, fallback: false, response: "\\boxed{1{,}234{,}567}", expected: "1234567"),
        Row(mode: .boxed, fallback: false, response: "\\boxed{\\{1{,}2\\}}", expected: "\\{1{,}2\\}"),
        Row(mode: .auto, fallback: true, response: "The final answer is 12 apples. Then $x$ was used.", expected: "12"),
        // Math environments joined by `,`, `and`, `or` are one list answer; prose between them is not glue.
        Row(mode: .auto, fallback: true, response: "The roots are $1$ and $2$ and $3$.", expected: "1, 2, 3"),
        Row(mode: .auto, fallback: true, response: "so $21,16$ or $11$", expected: "21,16, 11"),
        Row(mode: .auto, fallback: true, response: "We get $x=2$, then we see that $y = 3$", expected: "y = 3"),
        Row(mode: .boxed, fallback: false, response: "$\\boxed{12\\text{ and }13}$", expected: "12, 13"),
        Row(mode: .boxed, fallback: false, response: "\\boxed{19, 46, \\text{ and } 82}", expected: "19, 46, 82"),
        Row(mode: .boxed, fallback: false, response: "\\boxed{(5, 8) \\quad \\text{or} \\quad (8, 5)}", expected: "(5, 8), (8, 5)"),
        Row(mode: .boxed, fallback: false, response: "\\boxed{\\text{and} 5}", expected: "\\text{and} 5"),
        Row(mode: .auto, fallback: true, response: "so $19, 46, and 82$", expected: "19, 46, 82"),
        Row(mode: .boxed, fallback: false, response: "\\boxed{(11,7)or(7,11)}", expected: "(11,7), (7,11)"),
        Row(mode: .boxed, fallback: false, response: "\\boxed{x \\text{ for } x > 0 or x < -1}", expected: "x \\text{ for } x > 0 or x < -1"),
        // Decimal commas: a comma not followed by groups of three digits is a decimal point.
        Row(mode: .auto, fallback: true, response: "1000,99", expected: "1000.99"),
        Row(mode: .auto, fallback: true, response: "Soucis : 2,74 $ a..", expected: "2.74"),
        Row(mode: .auto, fallback: true, response: "0,111", expected: "0.111"),
        Row(mode: .auto, fallback: true, response: "7,425,000", expected: "7425000"),
        Row(mode: .auto, fallback: true, response: "1,000.5 in all", expected: "1000.5"),
        // Digits right after a letter are a name, not a number; after a LaTeX command they are a number.
        Row(mode: .auto, fallback: true, response: "AZYUK2A", expected: nil),
        Row(mode: .auto, fallback: true, response: "It is 7 and then H2O", expected: "7"),
        Row(mode: .auto, fallback: true, response: "so 3\\times10", expected: "10"),
        // Percent words.
        Row(mode: .boxed, fallback: false, response: "$\\boxed{28 pct}$", expected: "28\\%"),
        Row(mode: .boxed, fallback: false, response: "$\\boxed{28 percentage}$", expected: "28\\%"),
        Row(mode: .boxed, fallback: false, response: "$\\boxed{28 Percent}$", expected: "28\\%"),
        Row(mode: .boxed, fallback: false, response: "$\\boxed{x percent}$", expected: "x percent"),
        // A double-escaped answer (every command `\\name`) is read with single backslashes; a `\\` line break stays.
        Row(mode: .boxed, fallback: false, response: "$\\\\boxed{\\\\left( 3, \\\\frac{\\\\pi}{2} \\\\right)}.$",
            expected: "\\left( 3, \\frac{\\pi}{2} \\right)"),
        Row(mode: .boxed, fallback: false, response: "\\boxed{\\begin{pmatrix}1 \\\\ 2\\end{pmatrix}}",
            expected: "\\begin{pmatrix}1 \\\\ 2\\end{pmatrix}"),
        // A new conversation turn ends an answer span.
        Row(mode: .answerTag, fallback: false,
            response: "<answer> 7 hours\n\nThe User: How many hours does he spend on 3 hours of Chinese?</answer>", expected: "7"),
        Row(mode: .answerTag, fallback: false, response: "<answer> 12 cookies\nUser: and 5 more?</answer>", expected: "12"),
    ])
    func extraction(_ row: Row) {
        let x = AnswerExtractor(mode: row.mode, plainTextFallback: row.fallback)
        #expect(x.extract(row.response) == row.expected)
    }

    @Test(arguments: [
        ("$\\boxed{1}\\boxed{2}$", "1, 2"),
        ("\\boxed{1} papers and \\boxed{2} bins", "1, 2"),
        ("so the answer is \\boxed{7}", "7"),
        ("\\boxed{1} no no no no no \\boxed{2}", "2"),
        ("(\\boxed{3})\\quad \\text{and} \\quad \\boxed{4}", "3, 4"),
        ("a draft \\boxed{5}; but let me check again: the sum is 2,552, so \\boxed{6}.", "6"),
        ("The answer is 42.", "42"),
    ])
    func goldsJoinTheirBoxes(_ gold: String, _ expected: String) {
        #expect(AnswerExtractor(mode: .auto).extractGold(gold) == expected)
    }

    @Test(arguments: [
        ("\\[ \\boxed{-2} \\quad \\text{and} \\quad \\boxed{1}. \\]", "1,-2", true),
        ("\\boxed{3} and \\boxed{1}", "\\{1, 3\\}", true),
        ("a draft \\boxed{7}, then we check it all again: \\[ \\boxed{-2} \\quad \\text{and} \\quad \\boxed{1} \\]", "1,-2", true),
        ("\\boxed{1}, then we get \\boxed{2}", "1, 2, 3", false),
        ("\\boxed{3} and \\boxed{3}", "1, 3", false),
        ("\\boxed{2} and \\boxed{5}", "2, 3", false),
    ])
    func separateBoxesAnswerAsASet(_ response: String, _ gold: String, _ correct: Bool) {
        let v = AnswerVerifier(extractor: AnswerExtractor(mode: .auto))
        #expect(v.grade(response: response, golds: [gold]).correct == correct)
    }

    @Test(arguments: [
        ("1 000", "1000", true), ("-12 345.5", "-12345.5", true), ("1 000 000", "10^6", true),
        ("1 00", "100", false), ("12 34", "1234", false), ("0 123", "123", false),
    ])
    func spaceGroupedNumbersInPairMode(_ answer: String, _ gold: String, _ equal: Bool) {
        #expect(AnswerVerifier(extractor: AnswerExtractor(mode: .auto)).equivalent(answer, gold) == equal)
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

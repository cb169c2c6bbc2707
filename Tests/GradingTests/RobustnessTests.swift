// Pathological inputs: deep nesting, megabyte responses, garbage. Each must return promptly with
// no-answer or false and never crash (issue 3, "bounded in time").
import Testing
@testable import Grading

@Suite("Pathological input")
struct RobustnessTests {
    private let verifier = AnswerVerifier(extractor: AnswerExtractor(mode: .auto))

    @Test func deepNestingIsFalseNotACrash() {
        let deep = String(repeating: "{", count: 5000) + "1" + String(repeating: "}", count: 5000)
        #expect(!verifier.equivalent(deep, "2"))
        let parens = String(repeating: "(", count: 3000) + "1" + String(repeating: ")", count: 3000)
        #expect(!verifier.equivalent(parens, "2"))
        let fracs = String(repeating: "\\frac{1}{", count: 400) + "2" + String(repeating: "}", count: 400)
        #expect(!verifier.equivalent(fracs, "2"))
        let fonts = String(repeating: "\\mathrm{", count: 450) + "7" + String(repeating: "}", count: 450)
        #expect(!verifier.equivalent(fonts, "8"))
        let minus = String(repeating: "-", count: 3000) + "1"
        #expect(!verifier.equivalent(minus, "1"))
        // Moderate nesting still parses: ten levels of fractions.
        let ten = String(repeating: "\\frac{1}{", count: 10) + "1" + String(repeating: "}", count: 10)
        #expect(verifier.equivalent(ten, "1"))
    }

    @Test func megabyteResponses() {
        let noise = String(repeating: "lorem ipsum 12 + ", count: 65_000)  // ~1.1 MB
        let paper = AnswerVerifier.paperParity(mode: .boxed)
        #expect(paper.grade(response: noise, golds: ["12"]).status == .noAnswer)
        #expect(paper.grade(response: noise + "\\boxed{12}", golds: ["12"]).status == .correct)
        let huge = "\\boxed{" + String(repeating: "1+", count: 500_000) + "1}"
        #expect(paper.grade(response: huge, golds: ["2"]).status == .noAnswer)
        let unbalanced = String(repeating: "\\boxed{", count: 20_000)
        #expect(paper.grade(response: unbalanced, golds: ["1"]).status == .noAnswer)
    }

    @Test func megabyteFallbackPaths() {
        // The plain-text rules of issue 16 on ~1 MB inputs: digits after letters, repeated anchors, many boxes,
        // a double-escaped box. Each scan is linear, so these return promptly.
        let names = String(repeating: "x1 ", count: 300_000)
        #expect(verifier.grade(response: names, golds: ["1"]).status == .noAnswer)
        let finals = String(repeating: "final answer is ", count: 60_000) + "7"
        #expect(verifier.grade(response: finals, golds: ["7"]).correct)
        let isChain = "Final answer" + String(repeating: " is", count: 300_000)
        #expect(verifier.grade(response: isChain, golds: ["1"]).status == .noAnswer)
        let boxes = String(repeating: "\\boxed{1} and ", count: 60_000)
        #expect(verifier.extractor.extractGold(boxes)?.hasPrefix("1, 1") == true)
        let escaped = "\\boxed{" + String(repeating: "\\\\pi+", count: 150_000) + "1}"
        #expect(verifier.grade(response: escaped, golds: ["2"]).status == .noAnswer)
        let commas = String(repeating: "1,2", count: 300_000)
        #expect(verifier.grade(response: commas, golds: ["3"]).status != .correct)
    }

    @Test(arguments: ["", "}{", "\\frac{", "^^^", "((]]", "\\begin{pmatrix} 1 & \\end", "1/0", "0^0", "10^{10^{10}}",
                      "\\sqrt[0]{2}", "\\binom{-3}{x}", "|||", "\\left(", "99999999999999999999999!", "x^{x^{x^{x}}}"])
    func garbageNeverCrashes(_ s: String) {
        _ = verifier.equivalent(s, s + "1")
        _ = verifier.equivalent("1", s)
        #expect(verifier.equivalent(s, s) == !s.isEmpty)
    }

    @Test func relationsSetsListsAndMatricesStayBounded() {
        let chain = String(repeating: "x < ", count: 300) + "1"
        #expect(!verifier.equivalent(chain, "(-\\infty, 1)"))
        let union = (0..<200).map { "[\($0), \($0).5]" }.joined(separator: " \\cup ")
        #expect(!verifier.equivalent("x < 3", union))
        let repeats = Array(repeating: "(1,2)", count: 500).joined(separator: ", ")
        #expect(!verifier.equivalent(repeats, "(1,2), (2,1)"))
        let product = String(repeating: "\\begin{pmatrix}1&1\\\\1&1\\end{pmatrix}", count: 60)
        #expect(!verifier.equivalent(product, "\\begin{pmatrix}1&1\\\\1&1\\end{pmatrix}"))
        let repeating = "0." + String(repeating: "1", count: 40) + "\\overline{" + String(repeating: "3", count: 40) + "}"
        #expect(!verifier.equivalent(repeating, "1"))
    }

    @Test func hugeExponentsCompareFalse() {
        #expect(!verifier.equivalent("2^{100000}", "3"))
        #expect(verifier.equivalent("2^{10}", "1024"))
        #expect(!verifier.equivalent("2^{10}", "1025"))
    }
}

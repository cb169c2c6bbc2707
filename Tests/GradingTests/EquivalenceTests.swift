// Equivalence tables, one per answer kind of issue 3, each with equal and not-equal pairs.
// Expected values agree with Math-Verify 0.9.0 unless a comment says otherwise (see docs/GRADING.md).
import Testing
@testable import Grading

/// One (answer, gold, expected) row.
struct Pair: CustomTestStringConvertible, Sendable {
    let answer: String
    let gold: String
    let equal: Bool
    init(_ answer: String, _ gold: String, _ equal: Bool) { self.answer = answer; self.gold = gold; self.equal = equal }
    var testDescription: String { "\(answer) vs \(gold) → \(equal)" }
}

private let verifier = AnswerVerifier(extractor: AnswerExtractor(mode: .auto))

@Suite("Equivalence by answer kind")
struct EquivalenceTests {
    @Test("LaTeX normalisation", arguments: [
        Pair("\\dfrac{3}{4}", "\\frac34", true),
        Pair("\\tfrac{1}{2}", "\\frac{1}{2}", true),
        Pair("\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})", true),
        Pair("10,\\!080", "10080", true),
        Pair("\\$32,\\!348", "32348", true),
        Pair("5.4 \\text{ cents}", "5.4", true),
        Pair("864 \\mbox{ inches}^2", "864", true),
        Pair("90^\\circ", "90", true),
        Pair("41.8^{\\circ}", "41.8^\\circ", true),
        Pair("x = 5", "5", true),
        Pair("12.", "12", true),
        Pair("\\text{Evelyn}", "Evelyn", true),
        Pair("\\text{east}", "\\text{west}", false),
        Pair("90^\\circ", "45^\\circ", false),
        Pair("10,\\!080", "1080", false),
        Pair("x = 5", "6", false),
        Pair("4.4677 \\times 10^{14} Hz", "4.4677 \\times 10^{14}", true),
        Pair("12 cm", "12", true),
        Pair("12 cm", "13", false),
    ])
    func normalisation(_ p: Pair) {
        #expect(verifier.equivalent(p.answer, p.gold) == p.equal)
    }

    @Test("Numbers", arguments: [
        Pair("2.0", "2", true),
        Pair("0.5", "\\frac{1}{2}", true),
        Pair("1\\frac{4}{5}", "\\frac{9}{5}", true),
        Pair("137.5", "137 \\frac{1}{2}", true),
        Pair("-3/2", "-\\frac{3}{2}", true),
        Pair("4.5e33", "4.5 \\times 10^{33}", true),
        Pair("0.625", "62.5\\%", true),
        Pair("62.5", "62.5\\%", true),
        Pair("0.3333", "\\frac13", false),  // 6 decimal places, as Math-Verify
        Pair("0.333333", "\\frac13", true),
        Pair("1000001", "1000000", false),
        Pair("0.333", "\\frac13", false),
        Pair("9.65", "9.6", false),
        Pair("1.8", "1\\frac{4}{5}", true),
        Pair("4/5", "1\\frac{4}{5}", false),
        Pair("3.3e12", "3.3e13", false),
        Pair("0.6", "62.5\\%", false),
        Pair("52_8", "52_8", true),
        Pair("4210_5", "4210_{5}", true),
        Pair("52_9", "52_8", false),
        Pair("52", "52_8", true),
    ])
    func numbers(_ p: Pair) {
        #expect(verifier.equivalent(p.answer, p.gold) == p.equal)
    }

    @Test("Closed forms and expressions", arguments: [
        Pair("\\sqrt{12}", "2\\sqrt{3}", true),
        Pair("\\pi/2", "\\frac{\\pi}{2}", true),
        Pair("\\frac{\\sqrt{3}}{3}", "\\frac{1}{\\sqrt3}", true),
        Pair("-5i+6", "6-5i", true),
        Pair("1+i\\sqrt{3}", "1 + \\sqrt{3}i", true),
        Pair("x^5 - x^4 + x^3 - x^2 + x - 1", "(x-1)(x^4+x^2+1)", true),
        Pair("\\frac{e^{t}}{3}+ce^{-2t}", "\\frac{e^{t}} {3}+c e^{-2 t}", true),
        Pair("\\cos(2t)+\\sin(2t)", "\\sqrt{2} \\cos (2 t-\\pi / 4)", true),
        Pair("\\frac{100!}{2^{50}}", "\\frac{100!}{2^{50}}", true),
        Pair("\\sqrt{13}", "2\\sqrt{3}", false),
        Pair("\\pi", "3.14", false),
        Pair("6+5i", "6-5i", false),
        Pair("x^2+1", "x^2+2", false),
        Pair("p+q", "p-q", false),
        Pair("\\sin x", "\\cos x", false),
    ])
    func expressions(_ p: Pair) {
        #expect(verifier.equivalent(p.answer, p.gold) == p.equal)
    }

    @Test("Tuples, sets, intervals, lists", arguments: [
        Pair("(6, 31, -1)", "(6,31,-1)", true),
        Pair("(31, 6, -1)", "(6,31,-1)", false),
        Pair("\\{2, 1\\}", "\\{1,2\\}", true),
        Pair("\\{1, 3\\}", "\\{1,2\\}", false),
        Pair("(3,4]", "(3,4]", true),
        Pair("(3,4)", "(3,4]", false),
        Pair("[-2, 7]", "x \\in [-2,7]", true),
        Pair("(3,\\infty)\\cup(-\\infty,2)", "(-\\infty, 2) \\cup (3, \\infty)", true),
        Pair("(-\\infty,2)\\cup(3,\\infty)", "(-\\infty, 2] \\cup (3, \\infty)", false),
        Pair("-2, 1", "1,-2", true),
        Pair("1, 2", "1,-2", false),
        Pair("1+\\sqrt{19}, 1-\\sqrt{19}", "1 \\pm \\sqrt{19}", true),
        Pair("1+\\sqrt{19}", "1 \\pm \\sqrt{19}", false),
        Pair("3, 5, 7", "3, 5, 7, 9", false),
    ])
    func structures(_ p: Pair) {
        #expect(verifier.equivalent(p.answer, p.gold) == p.equal)
    }

    @Test("Equations, relations, matrices, choices", arguments: [
        Pair("y = 3 + 2x", "y = 2x + 3", true),
        Pair("2x+3", "y = 2x + 3", true),
        Pair("y = 2x + 4", "y = 2x + 3", false),
        Pair("-10x + 14y - 22z - 8 = 0", "5x - 7y + 11z + 4 = 0", true),
        Pair("5x - 7y + 11z = 0", "5x - 7y + 11z + 4 = 0", false),
        Pair("2 \\le k", "k \\geqslant 2", true),
        Pair("k < 2", "k \\geqslant 2", false),
        Pair("\\begin{pmatrix} -1/3 \\\\ 0.666667 \\\\ 5/3 \\end{pmatrix}", "\\begin{pmatrix} -1/3 \\\\ 2/3 \\\\ 5/3 \\end{pmatrix}", true),
        Pair("\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}", "\\begin{pmatrix} -1 & 0 \\\\ 0 & 1 \\end{pmatrix}", false),
        Pair("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix} 1 & 2 \\end{pmatrix}", false),
        Pair("C", "\\text{(C)}", true),
        Pair("(C)", "\\text{(C)}", true),
        Pair("(B)", "\\text{(C)}", false),
    ])
    func relationsAndMatrices(_ p: Pair) {
        #expect(verifier.equivalent(p.answer, p.gold) == p.equal)
    }
}

// Equivalence rules of issue 16's equivalence side, each with pairs that must match and pairs that must not:
// inequalities ↔ intervals, Math-Verify's relation rules, equations ↔ tuples, lists and connectives,
// repeating decimals, text wrappers, ratios, matrix arithmetic. (answer, gold, expected), as in EquivalenceTests.
import Testing
@testable import Grading

private let verifier = AnswerVerifier(extractor: AnswerExtractor(mode: .auto))

@Suite("Relations, sets and other issue-16 equivalences")
struct RelationAndSetTests {
    @Test("Inequalities and intervals, both ways", arguments: [
        Pair("x<3", "(-\\infty,3)", true),
        Pair("(-\\infty,3)", "x<3", true),
        Pair("2\\le x\\le 5", "[2,5]", true),
        Pair("x \\leq 3", "(-\\infty,3]", true),
        Pair("x>3", "(3,\\infty)", true),
        Pair("x \\in [-2,7]", "-2 \\le x \\le 7", true),
        Pair("-2 \\le x \\le 7", "x \\in [-2,7]", true),
        Pair("7 \\ge x \\ge -2", "-2 \\le x \\le 7", true),
        Pair("(-2, 2)", "x^2 < 4", true),
        Pair("(-2,2)", "|x| < 2", true),
        Pair("z \\in \\left[-\\frac{3}{2}, -1\\right] \\cup \\left[1, \\frac{3}{2}\\right]", "1\\leq|z|\\leq \\frac{3}{2}", true),
        Pair("(0,1)", "0<f(x)<1", true),
        Pair("[0,4)", "\\sqrt{x} < 2", true),
        Pair("(-\\infty,0)\\cup(0,\\infty)", "x^2 > 0", true),
        Pair("-2, 2", "x^2 = 4", true),
        Pair("x\\le 3", "(-\\infty,3)", false),
        Pair("x<3", "(-\\infty,3]", false),
        Pair("x > 3", "[3,\\infty)", false),
        Pair("(-2,3)", "x^2 < 4", false),
        Pair("[-2,2]", "x^2 < 4", false),
        Pair("(0,4)", "\\sqrt{x} < 2", false),
        Pair("(-\\infty,\\infty)", "x^2 > 0", false),
        Pair("(-2,7]", "-2 \\le x \\le 7", false),
        Pair("2", "x^2 = 4", false),
        Pair("1<x<3", "(1,3)", false),  // a gold (1,3) may be a point of the plane
        Pair("y < 3", "x < 3", false),
    ])
    func inequalitiesAndIntervals(_ p: Pair) {
        #expect(verifier.equivalent(p.answer, p.gold) == p.equal)
    }

    @Test("Relations as Math-Verify reads them", arguments: [
        Pair("x = 5+5+1 = 7 =11", "x = 11", true),
        Pair("x = 5+5+1 = 1/3 \\approx 11", "x = 1/3", true),
        Pair("x=1/3\\approx1.3", "1/3", true),
        Pair("z = 3+3 = 2", "z = 1 + 1 = 2", true),
        Pair("x \\neq 3", "x != 3", true),
        Pair("x != 5", "x \\neq 5", true),
        Pair("-x > -1", "x < 1", true),
        Pair("-x >= -1", "x <= 1", true),
        Pair("2x < 6", "x < 3", true),
        Pair("-2x < 6", "x > -3", true),
        Pair("11:21", "V_{1}:V_{2}=11:21", true),
        Pair("1:2", "2:4", true),
        Pair("x = 5! = 120", "x = 120", true),
        Pair("0", "a +3z = 0", false),
        Pair("1", "2x + z = 1", false),
        Pair("11a+c", "7 = 11a+c", false),
        Pair("x > -1", "x < 1", false),
        Pair("-2x < 6", "x < -3", false),
        Pair("x != 3", "x \\neq 4", false),
        Pair("x = 5 = 6", "x = 5", false),
        Pair("22:42", "11:21", false),  // h:mm times compare as times
        Pair("3:30", "3.5", false),
    ])
    func relations(_ p: Pair) {
        #expect(verifier.equivalent(p.answer, p.gold) == p.equal)
    }

    @Test("Equations, tuples, lists and connectives", arguments: [
        Pair("x=1, y=2", "(1,2)", true),
        Pair("x=1,\\ y=2", "(1,2)", true),
        Pair("(5,2),(7,2)", "p=5,q=2;p=7,q=2", true),
        Pair("(1,2)", "x=1, y=2", true),
        Pair("{1,3}", "(1,3)", true),
        Pair("1,2,3", "$1$ and $2$ and $3$", true),
        Pair("6,8", "6 \\text{ and } 8", true),
        Pair("21,16,11", "21,16$ or $11", true),
        Pair("(7,11),\\ (11,7)", "(11,7)or(7,11)", true),
        Pair("19, 46, \\text{ and } 82", "19, 46, and 82", true),
        Pair("p=-1,p=\\frac{15}{8}", "p = -1 \\text{ and } p = \\dfrac{15}{8}", true),
        Pair("x = 2 \\text{ or } x = 3", "2, 3", true),
        Pair("(x, y) = (5, 8) \\quad \\text{and} \\quad (8, 5)", "(5, 8), (8, 5)", true),
        Pair("(3, 37, 3, 13), (3, 17, 3, 7), (3,17,3,7), (37,3,3,13)", "(37,3,3,13),(3,37,3,13),(3,17,3,7)", true),
        Pair("1, 1, 2", "1, 2", true),
        Pair("x=2, y=1", "(1,2)", false),
        Pair("y=2, x=1", "(1,2)", false),  // written order
        Pair("{1,3}", "(3,1)", false),
        Pair("(5,2),(7,3)", "p=5,q=2;p=7,q=2", false),
        Pair("21, 36, and 82", "19, 46, and 82", false),
        Pair("1, 1, 3", "1, 2", false),
        Pair("Evelyn or Bob", "Evelyn and Bob", false),
    ])
    func tuplesAndLists(_ p: Pair) {
        #expect(verifier.equivalent(p.answer, p.gold) == p.equal)
    }

    @Test("Repeating decimals, text wrappers, escapes, spaces", arguments: [
        Pair("0.\\overline{3}", "\\frac{1}{3}", true),
        Pair("0.\\overline{09}", "\\frac{1}{11}", true),
        Pair("0.1\\overline{6}", "\\frac{1}{6}", true),
        Pair("1.\\overline{9}", "2", true),
        Pair("0.\\overline{142857}", "\\frac17", true),
        Pair("0.\\overline{3}", "0.333333", true),
        Pair("\\text{5}", "5", true),
        Pair("\\textbf{5}", "5", true),
        Pair("-2 \\\\le x \\\\le 7", "x \\in [-2,7]", true),
        Pair("\\\\left( 3, \\\\frac{\\\\pi}{2} \\\\right)", "(3, \\frac{\\pi}{2})", true),
        Pair("1 000", "1000", true),
        Pair("28 pct", "28\\%", true),
        Pair("28 percentage", "28\\%", true),
        Pair("28 pct", "0.28", false),
        Pair("0.\\overline{6}", "\\frac{1}{3}", false),
        Pair("0.\\overline{142856}", "\\frac17", false),
        Pair("0.3", "\\frac{1}{3}", false),
        Pair("\\text{6}", "5", false),
        Pair("1 0000", "1000", false),
    ])
    func numbersAndWrappers(_ p: Pair) {
        #expect(verifier.equivalent(p.answer, p.gold) == p.equal)
    }

    @Test("Matrix arithmetic", arguments: [
        Pair("\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} + \\begin{pmatrix}5 & 6 \\\\ 7 & 8\\end{pmatrix}",
             "\\begin{pmatrix}6 & 8 \\\\ 10 & 12\\end{pmatrix}", true),
        Pair("\\begin{pmatrix}1 & 0 \\\\ 0 & 1\\end{pmatrix} \\begin{pmatrix}1 & 0 \\\\ 0 & 1\\end{pmatrix}",
             "\\begin{pmatrix}1 & 0 \\\\ 0 & 1\\end{pmatrix}", true),
        Pair("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}\\begin{pmatrix}5&6\\\\7&8\\end{pmatrix}", "\\begin{pmatrix}19&22\\\\43&50\\end{pmatrix}", true),
        Pair("2\\begin{pmatrix}1\\\\2\\end{pmatrix}", "\\begin{pmatrix}2\\\\4\\end{pmatrix}", true),
        Pair("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}\\begin{pmatrix}5&6\\\\7&8\\end{pmatrix}", "\\begin{pmatrix}23&34\\\\31&46\\end{pmatrix}", false),
        Pair("\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} + \\begin{pmatrix}5 & 6 \\\\ 7 & 8\\end{pmatrix}",
             "\\begin{pmatrix}6 & 8 \\\\ 10 & 13\\end{pmatrix}", false),
        Pair("\\begin{pmatrix}1&2\\end{pmatrix}\\begin{pmatrix}1&2\\end{pmatrix}", "\\begin{pmatrix}5\\end{pmatrix}", false),
    ])
    func matrices(_ p: Pair) {
        #expect(verifier.equivalent(p.answer, p.gold) == p.equal)
    }
}

// The answer verifier: extraction plus equivalence against one or several gold answers, the
// grader behind pass@k, benchmark scores and the RL reward. It follows Math-Verify's
// `verify(gold, answer)` (string match, then structure, then symbolic/numeric equality) with
// Liu et al. 2025's choices available through `paperParity(mode:)`.
import Foundation

/// Grades responses against gold answers. A value type; safe to share across tasks.
public struct AnswerVerifier: Sendable {
    /// How final answers are found in responses.
    public var extractor: AnswerExtractor
    /// Relative tolerance for answers written with decimals, used when `floatRounding` is nil.
    public var relativeTolerance: Double
    /// Decimal places at which answers written with decimals are compared, as Math-Verify's
    /// `float_rounding=6` (both sides rounded: `0.666667` equals 2/3, `0.6667`, `0.3333` vs 1/3 and
    /// `1.41421` vs √2 do not). Nil compares within `relativeTolerance` instead.
    public var floatRounding: Int?
    /// Answers or golds longer than this many bytes compare false without parsing.
    public var maximumComparedBytes: Int = 4096

    /// Creates a verifier comparing decimals at `floatRounding` decimal places (Math-Verify's default 6).
    public init(extractor: AnswerExtractor, floatRounding: Int = 6) {
        self.extractor = extractor
        self.relativeTolerance = 1e-6
        self.floatRounding = min(max(floatRounding, 0), 12)
    }

    /// Creates a verifier comparing decimals within a relative tolerance (the CLI's `--tolerance`).
    public init(extractor: AnswerExtractor, relativeTolerance: Double) {
        self.extractor = extractor
        self.relativeTolerance = relativeTolerance
        self.floatRounding = nil
    }

    /// The paper's grader choices (Liu et al. 2025, §2.2 and their `understand-r1-zero` code): the last
    /// `\boxed{}` for boxed templates, the `<answer>` tag for the R1 template, and no plain-text fallback,
    /// so an unformatted response is "no answer".
    public static func paperParity(mode: ExtractionMode) -> AnswerVerifier {
        AnswerVerifier(extractor: AnswerExtractor(mode: mode, plainTextFallback: false))
    }

    /// Extracts the response's final answer and compares it with each gold; any gold may match.
    /// Several `\boxed{}` answering one question count as their tuple when the gold is a list of as many items.
    public func grade(response: String, golds: [String]) -> GradeResult {
        judge(extractor.extract(response), response: response, golds: golds, boxListAllowed: extractor.mode != .answerTag)
    }

    /// Compares an answer already extracted from `response` with the golds (nil is no answer). With
    /// `boxListAllowed`, several `\boxed{}` count as their tuple when a gold is a list of as many items.
    func judge(_ extracted: String?, response: String, golds: [String], boxListAllowed: Bool) -> GradeResult {
        guard let extracted else { return GradeResult(extracted: nil, status: .noAnswer) }
        if golds.contains(where: { equivalent(extracted, $0) }) {
            return GradeResult(extracted: extracted, status: .correct)
        }
        guard boxListAllowed else { return GradeResult(extracted: extracted, status: .incorrect) }
        let bytes = Array(response.utf8)
        // Every box, and the last run of boxes joined by list glue (a think trace's earlier boxes left out).
        var lists = [AnswerExtractor.allBoxed(bytes), AnswerExtractor.lastBoxRun(bytes)].compactMap { $0 }.filter { $0.count >= 2 }
        if lists.count == 2, lists[0] == lists[1] { lists.removeLast() }
        for boxes in lists {
            let joined = boxes.joined(separator: ", ")
            for gold in golds where Self.listCount(gold) == boxes.count {
                for form in [joined, "(" + joined + ")"] where equivalent(form, gold) {
                    return GradeResult(extracted: form, status: .correct)
                }
                // Separate boxes answer as a set (`\boxed{-2} and \boxed{1}` for the roots `1,-2`), in any order.
                if matchesInAnyOrder(boxes, gold) { return GradeResult(extracted: joined, status: .correct) }
            }
        }
        return GradeResult(extracted: extracted, status: .incorrect)
    }

    /// Whether each box equals a different top-level item of the comma-separated `gold` (at most 16 items).
    func matchesInAnyOrder(_ boxes: [String], _ gold: String) -> Bool {
        var items = AnswerExtractor.topLevelItems(gold)
        guard items.count == boxes.count, items.count <= 16 else { return false }
        for box in boxes {
            guard let k = items.firstIndex(where: { equivalent(box, $0) }) else { return false }
            items.remove(at: k)
        }
        return true
    }

    /// The number of items of a gold that is a list, tuple or set (1 for anything else).
    static func listCount(_ gold: String) -> Int {
        guard let t = LatexTokenizer.tokenize(prepare(gold)), let n = MathParser.parse(t) else { return 1 }
        switch n {
        case .list(let xs), .set(let xs): return xs.count
        case .bracketed(_, _, let xs): return xs.count
        default: return 1
        }
    }

    /// Whether an (already extracted) answer equals a gold answer: normalised strings, choices,
    /// text, then parsed structures compared exactly (rationals), symbolically-numerically
    /// (closed forms, expressions with variables) or within `relativeTolerance` (decimals).
    public func equivalent(_ answer: String, _ gold: String) -> Bool {
        guard answer.utf8.count <= maximumComparedBytes, gold.utf8.count <= maximumComparedBytes else { return false }
        let a = Self.prepare(answer), g = Self.prepare(gold)
        if a.isEmpty || g.isEmpty { return false }
        if a == g { return true }
        if let gc = Self.choiceLetter(g) { return (Self.choiceLetter(a) ?? Self.leadingChoice(a)?.letter) == gc }
        if let (letter, value) = Self.leadingChoice(g) {
            // A gold "(B) 12" accepts its letter, its value, or both.
            if let al = Self.choiceLetter(a) ?? Self.leadingChoice(a)?.letter { return al == letter }
            return equivalent(a, value)
        }
        guard let at = LatexTokenizer.tokenize(a), let gt = LatexTokenizer.tokenize(g) else { return false }
        if at == gt { return true }
        guard let an = MathParser.parse(at), let gn = MathParser.parse(gt) else {
            // Unparseable prose ("$f(x)=ax+b$, where $b$ is an arbitrary integer") still matches the same
            // words; symbol soup without letters ("---1") does not.
            let la = Self.loose(a)
            return la.contains(where: \.isLetter) && la == Self.loose(g)
        }
        var checker = EquivalenceChecker(relativeTolerance: relativeTolerance, floatRounding: floatRounding)
        if checker.equal(answer: an, gold: gn) { return true }
        // A gold that is prose (or that parsed into nonsense) still matches the same words.
        if case .text = gn { return Self.loose(a) == Self.loose(g) }
        return false
    }

    /// Whole-string normalisation before tokenising: `$`, spacing, degree marks, thousands separators.
    static func prepare(_ s: String) -> String {
        // Trailing unit words (`90 square inches`), then a whole number word (`seven`).
        let t = dropTrailingUnit(LatexTokenizer.normalizeWhole(AnswerSpan.spaceGroupedNumber(s)))
        return numberWords[t.lowercased()] ?? t
    }

    /// A whole answer written as an English number word (`seven`, `Twelve`, `twenty`).
    static let numberWords: [String: String] = {
        let ones = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
        let tens = ["twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90]
        var m: [String: String] = [:]
        for (i, w) in ones.enumerated() { m[w] = String(i) }
        for (w, v) in tens { m[w] = String(v) }
        m["hundred"] = "100"; m["thousand"] = "1000"
        return m
    }()

    /// Plain unit words written after a number without `\text{}` (`4.4677 \times 10^{14} Hz`, `12 cm`).
    static let unitWords: Set<String> = [
        // Multi-letter only: single letters (m, n, k, s…) are far more often variables (`3 n`).
        "cm", "mm", "km", "kg", "mg", "hz", "khz", "mhz", "ghz", "kj", "ev", "kev", "mev",
        "kw", "pa", "kpa", "ml", "inch", "inches", "feet", "foot", "ft", "yards",
        "miles", "mph", "degrees", "degree", "dollars", "cents", "units", "hours", "hour", "minutes", "minute",
        "seconds", "second", "days", "day", "weeks", "years", "meters", "metres", "grams", "liters", "litres",
        "pounds", "pound", "ounces", "percent", "percentage", "pct", "square", "cubic",
    ]

    /// Removes one trailing unit word when a digit or `}` comes right before it (a space between is fine).
    static func dropTrailingUnit(_ s: String) -> String {
        guard let last = s.last, last.isLetter else { return s }
        var start = s.endIndex
        while start > s.startIndex, s[s.index(before: start)].isLetter { start = s.index(before: start) }
        guard unitWords.contains(s[start...].lowercased()) else { return s }
        let head = ByteText.trim(s[..<start])
        guard let end = head.last else { return s }
        if end.isASCIIDigit || end == "}" { return head }
        let inner = dropTrailingUnit(head)  // `90 square inches`: a unit word before the unit word
        return inner != head ? inner : s
    }

    static let choiceJunk = ByteText.Rewriter(["\\textbf", "\\text", "\\mathrm", "{", "}", "(", ")", " ", "$"].map { ($0, "") })

    /// A multiple-choice letter `(A)`…`(E)`, `\text{(C)}`, `C`; nil for anything else.
    static func choiceLetter(_ s: String) -> Character? {
        guard s.utf8.count <= 24 else { return nil }
        let t = ByteText.replacing(s, choiceJunk)
        guard t.count == 1, let c = t.first, ("A"..."E").contains(c) else { return nil }
        return c
    }

    /// A choice letter written before its value: `(B) 12`, `B) 12`, `\text{(B)} 12`, `B. 12`, `B: 12`.
    static func leadingChoice(_ s: String) -> (letter: Character, value: String)? {
        guard s.utf8.count <= 200 else { return nil }
        var t = Substring(ByteText.trim(s))
        for prefix in ["\\textbf{", "\\text{"] where t.hasPrefix(prefix) {
            t = t.dropFirst(prefix.count)
            if let close = t.firstIndex(of: "}") { t = t[..<close] + t[t.index(after: close)...] }
        }
        let paren = t.hasPrefix("(")
        if paren { t = t.dropFirst() }
        guard let c = t.first, ("A"..."E").contains(c) else { return nil }
        t = t.dropFirst()
        guard let mark = t.first, mark == ")" || (!paren && (mark == "." || mark == ":")) else { return nil }
        let value = ByteText.trim(t.dropFirst())
        guard !value.isEmpty else { return nil }
        return (c, value)
    }

    /// Lower-cased letters and digits only: the last-resort comparison for prose answers.
    static func loose(_ s: String) -> String {
        let t = ByteText.replacing(s.lowercased(), ["\\textbf", "\\text", "\\mathrm", "\\mbox"].map { ($0, "") })
        return String(t.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }
}

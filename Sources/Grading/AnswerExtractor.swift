// Final-answer extraction from a model response: the last `\boxed{…}`/`\fbox{…}` (balanced,
// nested braces, as Math-Verify's `LatexExtractionConfig(boxed_match_priority=0)` and the
// MATH `last_boxed_only_string` helper), the R1 template's `<answer>…</answer>`, and an optional
// plain-text fallback ("The answer is 42", GSM8K's "#### 18", the last number).
// Every scan is linear in the response's bytes, so a 1 MB response costs about a millisecond.
import Foundation

/// Extracts the final answer from a response according to an `ExtractionMode`.
public struct AnswerExtractor: Sendable {
    /// Where the answer is looked for.
    public var mode: ExtractionMode
    /// Whether "The answer is …", "#### …" and a last number count when the mode's own format is absent.
    public var plainTextFallback: Bool
    /// Extracted answers longer than this many bytes are treated as no answer (runaway text).
    public var maximumAnswerBytes: Int = 4096

    /// Creates an extractor for `mode`; `plainTextFallback` enables the plain-text finals.
    public init(mode: ExtractionMode, plainTextFallback: Bool = true) {
        self.mode = mode
        self.plainTextFallback = plainTextFallback
    }

    /// The extracted final answer (trimmed, without `$` delimiters), or nil when there is none.
    public func extract(_ response: String) -> String? {
        let bytes = Array(response.utf8)
        let found: String?
        switch mode {
        case .boxed:
            found = (plainTextFallback ? Self.finalAnswerAfterLastBox(bytes) : nil)
                ?? Self.lastBoxed(bytes) ?? (plainTextFallback ? Self.plainText(bytes) : nil)
        case .answerTag:
            found = Self.answerTag(bytes) ?? (plainTextFallback ? Self.plainText(bytes) : nil)
        case .auto:
            found = (plainTextFallback ? Self.finalAnswerAfterLastBox(bytes) : nil)
                ?? Self.lastBoxed(bytes) ?? Self.answerTag(bytes) ?? (plainTextFallback ? Self.plainText(bytes) : nil)
        }
        return Self.finish(found, maximumAnswerBytes)
    }

    /// Delimiters stripped; nil when empty or longer than `limit` bytes.
    private static func finish(_ found: String?, _ limit: Int) -> String? {
        guard let answer = found.map(Self.stripMathDelimiters), !answer.isEmpty,
              answer.utf8.count <= limit else { return nil }
        return percentWord(textConjunctions(latexThousands(undoubleEscaped(answer))))
    }

    /// `\\text{ and }` / `\\text{or}` (with `\\quad`s and an Oxford comma) between items of an answer read as a list
    /// comma, as Math-Verify reads them (`12\\text{ and }13` → `12, 13`; `19, 46, \\text{ and } 82` → `19, 46, 82`).
    static func textConjunctions(_ s: String) -> String {
        guard s.contains("and") || s.contains("or"), let re = try? NSRegularExpression(
            pattern: #"\s*,?\s*(?:\\q?quad\s*)?\\text\{\s*(?:and|or)\s*\}\s*(?:\\q?quad\s*)?|\s*,\s*(?:and|or)\s+"#),
              let tuples = try? NSRegularExpression(pattern: #"\)\s*or\s*\("#) else { return s }
        // Also a plain Oxford `, and ` (`19, 46, and 82`) and `or` between tuples (`(11,7)or(7,11)`).
        var out = re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: ", ")
        out = tuples.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "), (")
        let t = ByteText.trim(out)
        return t.hasPrefix(",") || t.hasSuffix(",") ? s : t
    }

    /// LaTeX's thousands separator `{,}` between digit groups removed (`14{,}916`, `14 {, }916` → `14916`).
    static func latexThousands(_ s: String) -> String {
        guard s.contains("{,"), let re = try? NSRegularExpression(pattern: #"(\d)\s*\{,\s*\}\s*(?=\d{3}(?!\d))"#) else { return s }
        return re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: "$1")
    }

    /// An answer whose every command is written with a doubled backslash (`\\left( 3, \\frac{\\pi}{2} \\right)`, a
    /// JSON-escaped response) read with single ones; a `\\` line break before a space or digit is kept.
    static func undoubleEscaped(_ s: String) -> String {
        let b = Array(s.utf8)
        func isLetter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
        var doubled = 0, i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\") {
                var j = i
                while j < b.count, b[j] == UInt8(ascii: "\\") { j += 1 }
                if j < b.count, isLetter(b[j]) {
                    if j - i == 2 { doubled += 1 } else { return s }  // a single-backslash command: not doubled
                }
                i = j
            } else { i += 1 }
        }
        guard doubled > 0 else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\"), i + 2 < b.count, b[i + 1] == UInt8(ascii: "\\"), isLetter(b[i + 2]) { i += 1 }
            out.append(b[i]); i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A number followed by a percent word (`28 pct`, `28 percent`, `28 percentage`, as Math-Verify's percent
    /// pattern reads them) written as `28\%`; anything else unchanged.
    static func percentWord(_ s: String) -> String {
        let lower = s.lowercased()
        for word in ["percentage", "percent", "pct"] where lower.hasSuffix(word) {
            let head = ByteText.trim(s.dropLast(word.count))
            if !head.isEmpty, head.allSatisfy({ $0.isASCIIDigit || $0 == "." || $0 == "," || $0 == "-" }),
               head.contains(where: \.isASCIIDigit) {
                return head + "\\%"
            }
        }
        return s
    }

    /// The gold answer in a gold solution, as Math-Verify parses golds: several `\boxed{}` are joined into one
    /// list (`\boxed{1}\boxed{2}` → `1, 2`), one box or none is read as `extract` reads a response.
    /// Boxes are joined only when what separates them is a list's glue (`,`, `and`, `or`, `\\quad`, math delimiters)
    /// and at most one other word (`\\boxed{1} papers and \\boxed{2} bins`); boxes far apart in prose
    /// (`\\boxed{1} no no no no no \\boxed{2}`, a solution that boxes a draft and then the answer) keep the last.
    public func extractGold(_ text: String) -> String? {
        let b = Array(text.utf8)
        if let boxes = Self.allBoxed(b), boxes.count >= 2, Self.boxesFormOneList(b) {
            return Self.finish(boxes.joined(separator: ", "), maximumAnswerBytes)
        }
        return extract(text)
    }

    /// The last run of `\\boxed{…}` whose gaps are list glue (see `gapIsGlue`), at most its last 16 boxes; nil
    /// when there are none (`so \\boxed{3} then \\[ \\boxed{-2} \\quad \\text{and} \\quad \\boxed{1} \\]` → `-2`, `1`).
    static func lastBoxRun(_ b: [UInt8]) -> [String]? {
        let name = Array("\\boxed{".utf8)
        var run: [String] = [], i = 0, previousClose: Int? = nil
        while let at = ByteText.index(of: name, in: b, from: i) {
            let open = at + name.count - 1
            guard let close = matchingBrace(b, open: open) else { break }
            if let p = previousClose, !gapIsGlue(b[(p + 1)..<at]) { run.removeAll() }
            run.append(ByteText.trim(String(decoding: b[(open + 1)..<close], as: UTF8.self)))
            if run.count > 16 { run.removeFirst() }
            previousClose = close
            i = close + 1
        }
        return run.isEmpty ? nil : run
    }

    /// Whether the text between two boxes is list glue: at most one word besides `and`, `or`, `\\quad`, `\\text`.
    static func gapIsGlue(_ gap: ArraySlice<UInt8>) -> Bool {
        guard gap.count <= 200 else { return false }
        let glue: Set<String> = ["and", "or", "quad", "qquad", "text", "mathrm", "textbf"]
        let words = String(decoding: gap, as: UTF8.self).lowercased().split(whereSeparator: { !$0.isLetter })
            .filter { $0.count >= 2 && !glue.contains(String($0)) }
        return words.count <= 1
    }

    /// Whether the text between consecutive `\\boxed{…}` holds at most one word besides list glue.
    static func boxesFormOneList(_ b: [UInt8]) -> Bool {
        let name = Array("\\boxed{".utf8)
        var i = 0, previousClose: Int? = nil
        while let at = ByteText.index(of: name, in: b, from: i) {
            let open = at + name.count - 1
            guard let close = matchingBrace(b, open: open) else { break }
            if let p = previousClose, !gapIsGlue(b[(p + 1)..<at]) { return false }
            previousClose = close
            i = close + 1
        }
        return true
    }

    /// Only the plain-text finals, never the mode's own format (the policy's fallback pass).
    func extractPlainText(_ response: String) -> String? {
        Self.finish(Self.plainText(Array(response.utf8)), maximumAnswerBytes)
    }

    /// The contents of every balanced `\boxed{…}` in order (at most 16), or nil when there are none.
    static func allBoxed(_ b: [UInt8]) -> [String]? {
        var out: [String] = []
        var i = 0
        let name = Array("\\boxed{".utf8)
        while out.count < 16, let at = ByteText.index(of: name, in: b, from: i) {
            let open = at + name.count - 1
            guard let close = matchingBrace(b, open: open) else { break }
            out.append(ByteText.trim(String(decoding: b[(open + 1)..<close], as: UTF8.self)))
            i = close + 1
        }
        return out.isEmpty ? nil : out
    }

    /// The comma-separated items of a list at brace/bracket depth 0 (`$1,-2$` → `1`, `-2`), its outer `$…$`
    /// and `\{…\}` removed.
    static func topLevelItems(_ s: String) -> [String] {
        var t = stripMathDelimiters(s)
        if t.hasPrefix("\\{"), t.hasSuffix("\\}") { t = String(t.dropFirst(2).dropLast(2)) }
        var items: [String] = [], depth = 0, current = ""
        for ch in t {
            if "{([".contains(ch) { depth += 1 } else if "})]".contains(ch) { depth -= 1 }
            if ch == ",", depth == 0 { items.append(ByteText.trim(current)); current = "" } else { current.append(ch) }
        }
        items.append(ByteText.trim(current))
        return items.filter { !$0.isEmpty }
    }

    // MARK: - \boxed

    /// The content of the last `\boxed{…}` or `\fbox{…}` whose braces balance; `\boxed 5` is accepted too.
    static func lastBoxed(_ b: [UInt8]) -> String? {
        var searchEnd = b.count
        // A `{` that stays open up to an earlier failed start can never close (the later, also
        // unclosed, brace keeps the depth above zero), so each byte is scanned once: linear time.
        var closeLimit = b.count
        while let start = lastIndex(ofAny: [Array("\\boxed".utf8), Array("\\fbox".utf8)], in: b, before: searchEnd) {
            let nameLength = b[start + 1] == UInt8(ascii: "b") ? 6 : 5
            var i = start + nameLength
            while i < b.count, b[i] == UInt8(ascii: " ") { i += 1 }
            if i < b.count, b[i] == UInt8(ascii: "{") {
                if let close = matchingBrace(b, open: i, limit: closeLimit) {
                    return String(decoding: b[(i + 1)..<close], as: UTF8.self)
                }
                closeLimit = i
            } else if i > start + nameLength, i < b.count {
                // `\boxed 5`: one token up to whitespace or `$`.
                var j = i
                while j < b.count, b[j] != UInt8(ascii: " "), b[j] != UInt8(ascii: "$"), b[j] != UInt8(ascii: "\n") { j += 1 }
                if j > i { return String(decoding: b[i..<j], as: UTF8.self) }
            }
            searchEnd = start
        }
        return nil
    }

    /// The index of the `}` closing the `{` at `open`, skipping `\{` and `\}`; nil when unbalanced.
    static func matchingBrace(_ b: [UInt8], open: Int, limit: Int? = nil) -> Int? {
        var depth = 0
        var i = open
        let end = min(limit ?? b.count, b.count)
        while i < end {
            switch b[i] {
            case UInt8(ascii: "\\"): i += 1  // an escaped brace does not count
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return nil
    }

    // MARK: - <answer>

    /// The content of the last closed `<answer>…</answer>`; a `\boxed{}` inside it wins.
    static func answerTag(_ b: [UInt8]) -> String? {
        let open = Array("<answer>".utf8), close = Array("</answer>".utf8)
        guard let closeAt = lastIndex(ofAny: [close], in: b, before: b.count),
              let openAt = lastIndex(ofAny: [open], in: b, before: closeAt) else { return nil }
        let inner = Array(b[(openAt + open.count)..<closeAt])
        if let boxed = lastBoxed(inner) { return boxed }
        return AnswerSpan.reduce(String(decoding: inner, as: UTF8.self))
    }

    // MARK: - plain text

    /// "#### X", "the answer is X" / "final answer: X" (prose around one value dropped), else the last
    /// LaTeX math environment, else the last number in the response (`.4`, `1 000`, `50%` included).
    static func plainText(_ b: [UInt8]) -> String? {
        if let hashes = lastIndex(ofAny: [Array("####".utf8)], in: b, before: b.count) {
            let line = restOfLine(b, from: hashes + 4)
            if !line.isEmpty { return line }
        }
        let lower = b.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        if let value = afterFinalAnswerIs(b, lower) { return value }
        for phrase in ["answer is", "answer:"] {
            if let at = lastIndex(ofAny: [Array(phrase.utf8)], in: lower, before: lower.count) {
                let line = restOfLine(b, from: at + phrase.utf8.count)
                let reduced = AnswerSpan.reduce(line)
                if !reduced.isEmpty, reduced.utf8.count <= 80 { return reduced }
            }
        }
        // Math-Verify's unanchored pass: of the math environments, bare fractions and numbers, the one that ends
        // last in the text (`Final Answer: The largest $n$ is 34.` → 34, not `n`).
        let math = AnswerSpan.lastMathEnvironmentWithEnd(b)
        let number = AnswerSpan.lastNumberRange(b)
        if let latex = AnswerSpan.lastBareLatex(b), math == nil || !(math!.end > number!.1) { return latex }
        if let math, number == nil || math.end > number!.1 { return math.text }
        return lastNumber(b)
    }

    /// "Final answer … is X" (Math-Verify's anchored pattern: "final answer", up to 100 characters, " is"):
    /// the value right after " is", up to the end of its line, reduced as an answer span.
    static func afterFinalAnswerIs(_ b: [UInt8], _ lower: [UInt8]) -> String? {
        let anchor = Array("final answer".utf8)
        guard let at = lastIndex(ofAny: [anchor], in: lower, before: lower.count) else { return nil }
        let from = at + anchor.count
        let window = Array(lower[from..<min(lower.count, from + 104)])
        var k = 0
        // The first " is" followed by a value (a digit, `$`, `\`, `-`, `.`, `(`), as the pattern needs a number
        // or a math environment there: "… 3 hours ago. I hope it is correct." is not one.
        while let isAt = ByteText.index(of: Array(" is".utf8), in: window, from: k) {
            k = isAt + 3
            var v = from + k
            guard v < b.count, b[v] == UInt8(ascii: " ") || b[v] == UInt8(ascii: ":") else { continue }
            while v < b.count, b[v] == UInt8(ascii: " ") || b[v] == UInt8(ascii: ":") { v += 1 }
            guard v < b.count, (b[v] >= 48 && b[v] <= 57) || "$\\-.(".utf8.contains(b[v]) else { continue }
            if let math = mathEnvironment(startingAt: v, in: b) { return math }
            // Otherwise the sentence after " is" (`… is 12 apples. Then …` → 12 apples).
            var line = restOfLine(b, from: v)
            if let stop = line.range(of: ". ") { line = String(line[..<stop.lowerBound]) }
            let reduced = AnswerSpan.reduce(line)
            return reduced.isEmpty || reduced.utf8.count > 80 ? nil : reduced
        }
        return nil
    }

    /// The content of the `$…$`, `$$…$$`, `\\(…\\)` or `\\[…\\]` that opens at `at` (Math-Verify's "final answer
    /// is $X$" reads the environment right after the anchor, not a later one), or nil.
    static func mathEnvironment(startingAt at: Int, in b: [UInt8]) -> String? {
        let pairs: [(String, String)] = [("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")]
        for (open, close) in pairs {
            let o = Array(open.utf8)
            guard at + o.count <= b.count, Array(b[at..<(at + o.count)]) == o else { continue }
            let limit = min(b.count, at + o.count + maximumLineBytes)
            guard let c = ByteText.index(of: Array(close.utf8), in: Array(b[(at + o.count)..<limit]), from: 0) else { return nil }
            let inner = ByteText.trim(String(decoding: b[(at + o.count)..<(at + o.count + c)], as: UTF8.self))
            return inner.isEmpty ? nil : inner
        }
        return nil
    }

    /// A "final answer … is X" written after the last `\boxed`/`\fbox` (Math-Verify ranks both alike and takes
    /// the one that ends last: `… \boxed{255} … Final Answer: The final answer is $10,455$.` → `10,455`).
    static func finalAnswerAfterLastBox(_ b: [UInt8]) -> String? {
        guard let box = lastIndex(ofAny: [Array("\\boxed".utf8), Array("\\fbox".utf8)], in: b, before: b.count) else { return nil }
        let lower = b.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        guard let at = lastIndex(ofAny: [Array("final answer".utf8)], in: lower, before: lower.count), at > box else { return nil }
        return afterFinalAnswerIs(b, lower)
    }

    /// The longest answer line read after an anchor ("The answer is", "####", "final answer … is").
    static let maximumLineBytes = 2048

    /// The text after `from` up to the end of its line, trimmed, without a final period.
    /// At most `maximumLineBytes` are read: an answer line longer than that is runaway text.
    static func restOfLine(_ b: [UInt8], from: Int) -> String {
        var j = from
        let end = min(b.count, from + maximumLineBytes)
        while j < end, b[j] != UInt8(ascii: "\n") { j += 1 }
        var s = ByteText.trim(String(decoding: b[min(from, j)..<j], as: UTF8.self))
        while let last = s.last, last == "." || last == "*" { s.removeLast() }
        while s.hasPrefix("*") { s.removeFirst() }
        return ByteText.trim(s)
    }

    /// The content of the first `$…$` in a line, if any.
    static func firstInlineMath(_ s: String) -> String? {
        guard let a = s.firstIndex(of: "$") else { return nil }
        let rest = s[s.index(after: a)...]
        guard let z = rest.firstIndex(of: "$") else { return nil }
        let inner = ByteText.trim(rest[..<z])
        return inner.isEmpty ? nil : inner
    }

    /// The last number in the bytes: optional sign, digits with `,` or `1 000` groups, a decimal part
    /// (`.4` reads 0.4), `a/b`, and a following percent sign or word.
    static func lastNumber(_ b: [UInt8]) -> String? {
        AnswerSpan.lastNumberWithPercent(b)
    }

    // MARK: - helpers

    /// The start of the last occurrence (ending at or before `before`) of any needle.
    static func lastIndex(ofAny needles: [[UInt8]], in b: [UInt8], before: Int) -> Int? {
        var i = before - 1
        while i >= 0 {
            for n in needles where i + n.count <= before && b[i] == n[0] {
                var k = 1
                while k < n.count, b[i + k] == n[k] { k += 1 }
                if k == n.count { return i }
            }
            i -= 1
        }
        return nil
    }

    /// Removes surrounding `$…$`, `$$…$$`, `\(…\)`, `\[…\]` and whitespace.
    static func stripMathDelimiters(_ s: String) -> String {
        var t = ByteText.trim(s)
        for (open, close) in [("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")] {
            if t.hasPrefix(open), t.hasSuffix(close), t.count >= open.count + close.count {
                t = ByteText.trim(t.dropFirst(open.count).dropLast(close.count))
            }
        }
        return t
    }
}

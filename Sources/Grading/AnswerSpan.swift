// Reading an answer span the way Math-Verify does (its LaTeX + expression extraction): inside
// `<answer>…</answer>`, after "The answer is", and in unformatted text, take the last LaTeX math
// environment (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`) and otherwise the last complete expression;
// prose around a single value, units, currency and percent words are dropped
// ("She has 4 cents left." → 4, "John has $999.00 - $165.00 = $834.00 left." → 834.00).
// A span that is already an expression (no words outside LaTeX commands) is kept whole.
// Every scan is linear in the span's bytes.
import Foundation

/// Answer-span reduction used by `AnswerExtractor`.
public enum AnswerSpan {
    /// The phrases after which the rest of the line is the answer.
    static let answerPhrases = ["final answer is", "the answer is", "answer is", "final answer:", "answer:"]

    /// The answer inside a span of prose or math (an `<answer>` tag's content, a line after "The answer is").
    static func reduce(_ raw: String) -> String {
        var t = cleanEnds(beforeContinuation(raw))
        if let after = afterAnswerPhrase(t) { t = cleanEnds(after) }
        if let math = lastMathEnvironment(Array(t.utf8)) { return cleanEnds(math) }
        let words = proseWords(t)
        if words.isEmpty { return t }
        if let n = NumberWords.value(of: words), words.count == wordCount(t) { return String(n) }
        // Prose: keep what follows the last `=`, then the last number in it (with a % sign or word).
        var tail = t
        if let eq = tail.lastIndex(of: "=") { tail = String(tail[tail.index(after: eq)...]) }
        let bytes = Array(tail.utf8)
        if let n = lastNumberWithPercent(bytes) { return n }
        if let n = NumberWords.lastValue(in: tail) { return String(n) }
        return t
    }

    /// Markers of a new conversation turn: a model that keeps writing after its answer starts one.
    public static let turnMarkers = ["\nUser:", "\nHuman:", "\nAssistant:", "\nThe User:", "\nQuestion:", "<|im_start|>", "<|im_end|>"]

    /// The span up to the first new conversation turn (`<answer> 7 hours\n\nThe User: How many … 3 hours</answer>`
    /// → `7 hours`): what follows is the model continuing the dialogue, not its answer. A span that starts
    /// with a turn marker is kept whole.
    static func beforeContinuation(_ s: String) -> String {
        let b = Array(s.utf8)
        var cut = b.count
        for m in turnMarkers {
            if let at = ByteText.index(of: Array(m.utf8), in: b, from: 0), at < cut { cut = at }
        }
        let head = String(decoding: b[..<cut], as: UTF8.self)
        return ByteText.trim(head).isEmpty ? s : head
    }

    /// Trims whitespace, Markdown bold and a final period or exclamation mark.
    static func cleanEnds(_ s: String) -> String {
        var t = ByteText.trim(s)
        while t.hasPrefix("*") { t.removeFirst() }
        while let last = t.last, ".!*".contains(last) { t.removeLast() }
        if t.hasPrefix(":") { t.removeFirst() }
        return ByteText.trim(t)
    }

    /// The text after the last answer phrase, when one occurs (case-insensitive).
    static func afterAnswerPhrase(_ s: String) -> String? {
        let b = Array(s.utf8)
        let lower = b.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        for phrase in answerPhrases {
            if let at = AnswerExtractor.lastIndex(ofAny: [Array(phrase.utf8)], in: lower, before: lower.count) {
                let rest = String(decoding: b[(at + phrase.utf8.count)...], as: UTF8.self)
                if !ByteText.trim(rest).isEmpty { return rest }
            }
        }
        return nil
    }

    // MARK: - math environments

    /// The content of the last LaTeX math environment: `\[…\]`, `\(…\)`, `$$…$$` or `$…$`. A `$` right
    /// before a digit that does not close a pair with digits after it (`$999.00 - $165.00`) is currency.
    static func lastMathEnvironment(_ b: [UInt8]) -> String? { lastMathEnvironmentWithEnd(b)?.text }

    /// `lastMathEnvironment` with the index of its closing delimiter.
    static func lastMathEnvironmentWithEnd(_ b: [UInt8]) -> (end: Int, text: String)? {
        var best: (end: Int, text: String)? = nil
        func consider(_ open: [UInt8], _ close: [UInt8]) {
            guard let c = AnswerExtractor.lastIndex(ofAny: [close], in: b, before: b.count),
                  let o = AnswerExtractor.lastIndex(ofAny: [open], in: b, before: c) else { return }
            let inner = ByteText.trim(String(decoding: b[(o + open.count)..<c], as: UTF8.self))
            if !inner.isEmpty, best == nil || c > best!.end { best = (c, inner) }
        }
        consider(Array("\\[".utf8), Array("\\]".utf8))
        consider(Array("\\(".utf8), Array("\\)".utf8))
        if let d = lastDollarPair(b), best == nil || d.end > best!.end { best = d }
        return best
    }

    /// The last `$…$` or `$$…$$` pair, pairing dollars left to right and skipping currency dollars.
    static func lastDollarPair(_ b: [UInt8]) -> (end: Int, text: String)? {
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        let dollar = UInt8(ascii: "$")
        var opens: Int? = nil, openWidth = 1
        // The last few pairs (open, close, index after the close, content), for Math-Verify's joined lists.
        var recent: [(open: Int, close: Int, after: Int, text: String)] = []
        var i = 0
        while i < b.count {
            guard b[i] == dollar, i == 0 || b[i - 1] != UInt8(ascii: "\\") else { i += 1; continue }
            let width = i + 1 < b.count && b[i + 1] == dollar ? 2 : 1
            if let o = opens {
                // A closing `$` followed by a digit is the next amount's currency sign, not a close.
                let after = i + width
                if width == 1, after < b.count, isDigit(b[after]) {
                    opens = i; openWidth = 1; i += 1; continue
                }
                let inner = ByteText.trim(String(decoding: b[(o + openWidth)..<i], as: UTF8.self))
                if !inner.isEmpty {
                    recent.append((o, i, after, inner))
                    if recent.count > 6 { recent.removeFirst() }
                }
                opens = nil
                i += width
            } else {
                opens = i; openWidth = width
                i += width
            }
        }
        guard let last = recent.last else { return nil }
        // `$1$, $2$ and $3$`, `$21,16$ or $11$`: up to six environments joined by `,`, `and`, `or` are one list
        // answer, as Math-Verify's LaTeX pattern reads them.
        var items = [last.text], k = recent.count - 1
        while k > 0 {
            let gap = String(decoding: b[recent[k - 1].after..<recent[k].open], as: UTF8.self).lowercased().filter { $0 != " " }
            guard ["," , "and", "or", ",and", ",or"].contains(gap) else { break }
            items.insert(recent[k - 1].text, at: 0)
            k -= 1
        }
        return (last.close, items.joined(separator: ", "))
    }

    /// A bare `\frac{…}{…}` / `\dfrac` / `\tfrac` / `\sqrt{…}` written outside any math environment, when
    /// it holds the text's last number (`So the ratio is \frac{10}{9}` → `\frac{10}{9}`, not `9`).
    static func lastBareLatex(_ b: [UInt8]) -> String? {
        let names = ["\\dfrac", "\\tfrac", "\\frac", "\\sqrt"].map { Array($0.utf8) }
        guard let start = AnswerExtractor.lastIndex(ofAny: names, in: b, before: b.count),
              let (_, numberEnd) = lastNumberRange(b) else { return nil }
        var i = start + 1
        while i < b.count, (b[i] >= 97 && b[i] <= 122) { i += 1 }
        let groups = b[start + 1] == UInt8(ascii: "s") ? 1 : 2
        if groups == 1, i < b.count, b[i] == UInt8(ascii: "["), let close = b[i...].firstIndex(of: UInt8(ascii: "]")) { i = close + 1 }
        for _ in 0..<groups {
            guard i < b.count, b[i] == UInt8(ascii: "{"), let close = AnswerExtractor.matchingBrace(b, open: i) else { return nil }
            i = close + 1
        }
        guard i > numberEnd else { return nil }
        var from = start
        if from > 0, b[from - 1] == UInt8(ascii: "-") { from -= 1 }
        return String(decoding: b[from..<i], as: UTF8.self)
    }

    // MARK: - words and numbers

    /// Words of two or more letters that are not LaTeX commands nor inside `\text{}`-like groups'
    /// command names; single letters count as variables, not prose.
    static func proseWords(_ s: String) -> [String] {
        var words: [String] = []
        var current = "", command = false
        for ch in s {
            if ch.isLetter && ch.isASCII {
                current.append(ch)
            } else {
                if !command, current.count >= 2 { words.append(current.lowercased()) }
                current = ""
                command = ch == "\\"
                continue
            }
        }
        if !command, current.count >= 2 { words.append(current.lowercased()) }
        // Words inside `\text{…}`, `\mathrm{…}` stay words (units are dropped later by the verifier).
        return words.filter { !mathWords.contains($0) }
    }

    /// Letter runs that are mathematics, not prose.
    static let mathWords: Set<String> = ["sin", "cos", "tan", "log", "ln", "exp", "sqrt", "pi", "inf", "infty", "frac", "dfrac", "text", "mathrm", "boxed"]

    /// How many whitespace-separated tokens `s` has (to tell "five" from "five apples").
    static func wordCount(_ s: String) -> Int {
        s.split(whereSeparator: { $0 == " " || $0 == "-" }).count
    }

    /// The last number of `b` (see `lastNumber`), with a following `%`, `\%` or "percent" kept as `%`.
    static func lastNumberWithPercent(_ b: [UInt8]) -> String? {
        guard let (start, end) = lastNumberRange(b) else { return nil }
        var n = decimalComma(String(decoding: b[start...end], as: UTF8.self)).filter { $0 != "," && $0 != " " }
        if n.hasPrefix(".") { n = "0" + n } else if n.hasPrefix("-.") { n = "-0" + n.dropFirst() }
        var k = end + 1
        while k < b.count, b[k] == UInt8(ascii: " ") { k += 1 }
        let rest = String(decoding: b[k..<min(b.count, k + 8)], as: UTF8.self).lowercased()
        if rest.hasPrefix("%") || rest.hasPrefix("\\%") || rest.hasPrefix("percent") || rest.hasPrefix("pct") { n += "%" }
        return n
    }

    /// A whole answer that is one number grouped by single spaces into threes (`1 000`, `-12 345.5`) without
    /// its spaces, as Math-Verify's number pattern reads it; anything else unchanged.
    static func spaceGroupedNumber(_ s: String) -> String {
        let t = ByteText.trim(s)
        guard t.contains(" "), t.utf8.count <= 40, LatexTokenizer.isThousandsGrouped(t, separator: UInt8(ascii: " ")) else { return s }
        return t.filter { $0 != " " }
    }

    /// A number's comma read as Math-Verify reads it: thousands separators only when every group after the
    /// first (of 1–3 digits, not starting with 0) has exactly three digits (`7,425,000`, `1,000.5`);
    /// otherwise one comma followed by digits is a decimal point (`1000,99` = 1000.99, `2,74`, `0,111`).
    static func decimalComma(_ n: String) -> String {
        guard n.contains(","), !n.contains("/"), !LatexTokenizer.isThousandsGrouped(n) else { return n }
        let sign = n.hasPrefix("-") ? "-" : ""
        let body = sign.isEmpty ? Substring(n) : n.dropFirst()
        let intPart = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let groups = intPart.split(separator: ",", omittingEmptySubsequences: false)
        guard groups.count == 2, !body.contains("."), !groups[0].isEmpty, !groups[1].isEmpty else { return n }
        return sign + groups[0] + "." + groups[1]
    }

    /// The byte range of the last number: optional sign, digits grouped by `,` or by single spaces
    /// into threes (`1 000`), a decimal part (`.4` too), or `a/b`.
    /// Digits written right after a letter (`AZYUK2A`, `x2`, `H2O`) are part of a name, not a number, as
    /// Math-Verify's number pattern (which needs a space, `=` or a line start before it) reads them.
    static func lastNumberRange(_ b: [UInt8]) -> (Int, Int)? {
        var before = b.count
        while let r = lastNumberRange(b, before: before) {
            func isLetter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
            var k = r.0
            while k > 0, isLetter(b[k - 1]) { k -= 1 }
            // No letter before it, or a LaTeX command (`3\times10`): a number.
            if k == r.0 || (k > 0 && b[k - 1] == UInt8(ascii: "\\")) { return r }
            before = r.0
        }
        return nil
    }

    /// The last number whose digits end before `before` (see `lastNumberRange(_:)`).
    static func lastNumberRange(_ b: [UInt8], before: Int) -> (Int, Int)? {
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        var end = before - 1
        while end >= 0, !isDigit(b[end]) { end -= 1 }
        guard end >= 0 else { return nil }
        var start = end
        while start > 0 {
            let c = b[start - 1]
            if isDigit(c) { start -= 1; continue }
            if c == UInt8(ascii: ".") || c == UInt8(ascii: "/") || c == UInt8(ascii: ","),
               start >= 2, isDigit(b[start - 2]) { start -= 1; continue }
            // `1 000`: a space followed by exactly three digits that end the group.
            if c == UInt8(ascii: " "), start >= 2, isDigit(b[start - 2]),
               start + 3 <= b.count, b[start..<(start + 3)].allSatisfy(isDigit),
               start + 3 == b.count || !isDigit(b[start + 3]) {
                start -= 1; continue
            }
            break
        }
        if start > 0, b[start - 1] == UInt8(ascii: "."), start < 2 || !isDigit(b[start - 2]) { start -= 1 }
        if start > 0, b[start - 1] == UInt8(ascii: "-") { start -= 1 }
        return (start, end)
    }
}

/// English number words ("five", "twenty-one", "one hundred") as integers.
enum NumberWords {
    static let units: [String: Int] = [
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
        "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    ]
    static let tens: [String: Int] = [
        "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    ]

    /// The value of a whole phrase of number words (all of `words` must be number words), else nil.
    static func value(of words: [String]) -> Int? {
        guard !words.isEmpty, words.count <= 6 else { return nil }
        var total = 0, current = 0
        for w in words {
            if let u = units[w] { current += u }
            else if let t = tens[w] { current += t }
            else if w == "hundred" { current = max(current, 1) * 100 }
            else if w == "thousand" { total += max(current, 1) * 1000; current = 0 }
            else if w == "and" { continue }
            else { return nil }
        }
        return total + current
    }

    /// The value of the last run of number words in prose ("She has five left" → 5).
    static func lastValue(in s: String) -> Int? {
        let tokens = s.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
        var run: [String] = []
        var best: [String] = []
        for t in tokens {
            if units[t] != nil || tens[t] != nil || t == "hundred" || t == "thousand" || (t == "and" && !run.isEmpty) {
                run.append(t)
            } else {
                if !run.isEmpty { best = run }
                run = []
            }
        }
        if !run.isEmpty { best = run }
        while best.last == "and" { best.removeLast() }
        return value(of: best)
    }
}

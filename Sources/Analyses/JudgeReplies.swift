// Parsing of LLM-judge replies (paper appendix C–E). The paper's scripts (sail-sg/understand-r1-zero
// analysis/answering_ability.py and keyword_count.py) take `reply.startswith("0"/"1")` for answerability
// and `'2' in reply[-3:]` for self-reflection; we parse strictly, exactly as `answerability --help` and
// `reflection --help` say, and count what we cannot parse as "unparsed" instead of guessing (issue 22:
// a hostile reply such as `<img src=x onerror="alert(1)">`, `-1`, `-0` or `10` is unparsed). The
// paper's rules stay available for parity.

/// The answerability judge's verdict on one response.
public enum AnswerabilityVerdict: String, Sendable, Codable, Hashable, CaseIterable {
    /// 1: the output attempts to answer the question.
    case answers
    /// 0: the output does not (continues the prompt, writes new questions, off-topic).
    case continues
    /// The reply held no usable 0/1.
    case unparsed
}

/// The reflection judge's category (the paper's prompt, categories 0–3).
public enum ReflectionCategory: Int, Sendable, Codable, Hashable, CaseIterable {
    case offTopic = 0
    case noReflection = 1
    case reflection = 2
    case codeOnly = 3
}

/// Reads judge replies.
public enum JudgeReplyParser {
    /// The standalone integers of a text, in order: maximal digit runs not touching a letter and not part
    /// of a decimal or a thousands-separated number ("3.5", "1,000", "x2" and "2nd" are skipped). A run
    /// right after a minus sign ("-1", "−0") is negative (−1 for "-0"): never a valid category.
    static func standaloneIntegers(_ text: String) -> [Int] {
        let chars = Array(text)
        var out = [Int](), i = 0
        while i < chars.count {
            guard chars[i].isASCII, chars[i].isNumber else { i += 1; continue }
            var j = i
            while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
            let before: Character? = i > 0 ? chars[i - 1] : nil
            let after: Character? = j < chars.count ? chars[j] : nil
            let afterNext: Character? = j + 1 < chars.count ? chars[j + 1] : nil
            let beforePrev: Character? = i > 1 ? chars[i - 2] : nil
            let touchesLetter = (before?.isLetter ?? false) || (after?.isLetter ?? false)
            let decimalAfter = (after == "." || after == ",") && (afterNext?.isNumber ?? false)
            let decimalBefore = (before == "." || before == ",") && (beforePrev?.isNumber ?? false)
            if !touchesLetter, !decimalAfter, !decimalBefore, j - i <= 6, let v = Int(String(chars[i..<j])) {
                out.append(before == "-" || before == "\u{2212}" ? -max(v, 1) : v)
            }
            i = j
        }
        return out
    }

    /// Answerability, as `answerability --help` documents: after leading whitespace (and Markdown
    /// emphasis `*`, `_`, `` ` ``, as in "**1**"), the reply must start with the digit 0 or 1, not followed
    /// by another digit, a letter, or a decimal/thousands separator and digit ("10", "1.5", "1st", "0,5"
    /// are unparsed). Anything else — prose or HTML before the digit, "-1", "-0", "2" — is unparsed.
    public static func answerability(_ reply: String) -> AnswerabilityVerdict {
        let rest = reply.drop(while: { $0.isWhitespace || $0 == "*" || $0 == "_" || $0 == "`" })
        guard let first = rest.first, first == "0" || first == "1" else { return .unparsed }
        let after = rest.dropFirst()
        if let next = after.first {
            if next.isNumber || next.isLetter || next == "/" { return .unparsed }
            if next == "." || next == ",", after.dropFirst().first?.isNumber ?? false { return .unparsed }
        }
        return first == "0" ? .continues : .answers
    }

    /// The paper's rule: the reply starts with "0" or "1"; anything else is "other" (unparsed).
    public static func answerabilityPaperParity(_ reply: String) -> AnswerabilityVerdict {
        if reply.hasPrefix("0") { return .continues }
        if reply.hasPrefix("1") { return .answers }
        return .unparsed
    }

    /// Reflection, as `reflection --help` documents: the last "category N" the reply names (N one digit
    /// 0–3), else a standalone integer 0–3 that ends the reply (only whitespace and `.`, `*`, `)`, `]`
    /// after it: the prompt asks for the number at the end). Anything else — no number, a number not at
    /// the end, negative ("-1"), out of range ("5", "10") — is unparsed (nil).
    public static func reflection(_ reply: String) -> ReflectionCategory? {
        let lower = reply.lowercased()
        var named: Int?
        var from = lower.startIndex
        while let r = lower.range(of: "category", range: from..<lower.endIndex) {
            let rest = lower[r.upperBound...].drop(while: { $0 == " " || $0 == ":" || $0 == "*" || $0 == "#" })
            if let d = rest.first, d.isASCII, d.isNumber,
               rest.dropFirst().first.map({ !$0.isNumber && !$0.isLetter }) ?? true {
                named = Int(String(d))
            }
            from = r.upperBound
        }
        if let named { return ReflectionCategory(rawValue: named) }
        let trailing: Set<Character> = [".", "*", ")", "]"]
        let body = reply.reversed().drop(while: { $0.isWhitespace || trailing.contains($0) })
        let digits = body.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count <= 6, let value = Int(String(digits.reversed())) else { return nil }
        let before = body.dropFirst(digits.count)
        if let b = before.first {
            if b.isLetter || b == "-" || b == "\u{2212}" { return nil }
            if b == "." || b == ",", before.dropFirst().first?.isNumber ?? false { return nil }
        }
        return ReflectionCategory(rawValue: value)
    }

    /// The paper's rule: self-reflection iff "2" is among the reply's last three characters.
    public static func reflectionPaperParity(_ reply: String) -> Bool {
        reply.suffix(3).contains("2")
    }
}

// Parsing of LLM-judge replies (paper appendix C–E). The paper's scripts (sail-sg/understand-r1-zero
// analysis/answering_ability.py and keyword_count.py) take `reply.startswith("0"/"1")` for answerability
// and `'2' in reply[-3:]` for self-reflection; we parse more robustly and count what we cannot parse
// as "unparsed" instead of guessing. The paper's rules stay available for parity.

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
    /// of a decimal or a thousands-separated number ("3.5", "1,000", "x2" and "2nd" are skipped).
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
                out.append(v)
            }
            i = j
        }
        return out
    }

    /// Answerability: the first standalone integer of the reply, if it is 0 or 1 (markdown and prose around
    /// it are fine: "**1**: engages…", "Return 0 → off-topic"). Any other first number, or none, is unparsed.
    public static func answerability(_ reply: String) -> AnswerabilityVerdict {
        switch standaloneIntegers(reply).first {
        case 0: return .continues
        case 1: return .answers
        default: return .unparsed
        }
    }

    /// The paper's rule: the reply starts with "0" or "1"; anything else is "other" (unparsed).
    public static func answerabilityPaperParity(_ reply: String) -> AnswerabilityVerdict {
        if reply.hasPrefix("0") { return .continues }
        if reply.hasPrefix("1") { return .answers }
        return .unparsed
    }

    /// Reflection: the last "category N" the reply names, else its last standalone integer, if in 0...3.
    /// The prompt asks for the number at the end, after a brief explanation that may mention step numbers,
    /// so the last number wins; an explicit "category N" wins over both.
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
        guard let last = standaloneIntegers(reply).last else { return nil }
        return ReflectionCategory(rawValue: last)
    }

    /// The paper's rule: self-reflection iff "2" is among the reply's last three characters.
    public static func reflectionPaperParity(_ reply: String) -> Bool {
        reply.suffix(3).contains("2")
    }
}

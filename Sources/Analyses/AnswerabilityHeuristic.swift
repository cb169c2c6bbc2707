// The answerability heuristic used when no judge endpoint is given (paper §2.1 classifies with an
// LLM judge; this is our documented stand-in, rule by rule in docs/ANALYSES.md). It never looks at what the
// grader extracted (the plain-text fallback extracts a number from almost any text): it reads the response
// itself and applies the rules of `AnswerabilityRule` in order; the first that matches decides.
import Foundation

/// The rule that decided a heuristic verdict (stored per sample so a user can audit the detector).
public enum AnswerabilityRule: String, Codable, Sendable, CaseIterable {
    /// Nothing but whitespace.
    case empty
    /// A line opens a new dialogue turn or question (`User:`, `Assistant:`, `Human:`, `Question:` …).
    case newTurn
    /// A line asks a new question (ends with `?` and is not part of the question asked).
    case newQuestion
    /// Three or more lines open with multiple-choice labels (`A.`, `B)`, `(c)` …): the model writes the item's options.
    case writesOptions
    /// The response repeats the prompt's question text or the template's own instruction.
    case repeatsPrompt
    /// Cut at the token limit while working on the question (its numbers or words, and arithmetic), not looping.
    case truncatedWhileWorking
    /// Cut at the token limit without any answer attempt.
    case truncatedWithoutAnswer
    /// No answer attempt and nothing (no number, few words) shared with the question.
    case offTopic
    /// No answer attempt (no boxed/tagged answer, no final statement of a result).
    case noAnswerAttempt
    /// An answer attempt and none of the continuation signs above.
    case answerAttempt

    public var verdict: AnswerabilityVerdict { self == .answerAttempt || self == .truncatedWhileWorking ? .answers : .continues }
}

/// A heuristic verdict with the rule that made it.
public struct AnswerabilityJudgement: Codable, Sendable, Equatable {
    public var verdict: AnswerabilityVerdict
    public var rule: AnswerabilityRule
    public init(rule: AnswerabilityRule) { self.rule = rule; self.verdict = rule.verdict }
}

/// Classifies a response as answering the question or continuing the text, without a judge or the grader.
public enum AnswerabilityHeuristic {
    /// Line openings that start a new turn or a new question (the typical base-model continuation).
    static let newTurnMarkers = ["user:", "assistant:", "human:", "question:", "problem:", "q:", "### question",
                                 "### problem", "**question", "**problem", "### instruction", "instruction:",
                                 "<|im_start|>", "<|user|>", "<start_of_turn>", "exercise:", "new question"]
    /// Words that introduce a result in a final statement.
    static let resultCues = ["answer", "=", " is ", " are ", "total", "therefore", "thus", "so ", "result", "equals", "get "]
    /// Answer markers that count when a substantive answer follows them on the same line (see `hasAnswerMarker`).
    static let lineAnswerMarkers = ["answer is", "answer:", "#### "]
    /// Phrases of the templates' own instructions (prompts/r1.txt, prompts/qwen-math.txt): echoing them is repeating the prompt.
    static let templateEchoes = ["put your final answer within", "reasoning process here", "answer here", "is enclosed within",
                                 "thinks about the reasoning process"]
    /// Number words that make an answer substantive ("<answer> ninety-eight </answer>").
    static let numberWords: Set<String> = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                                           "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                                           "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
                                           "eighty", "ninety", "hundred", "thousand"]

    /// The verdict for one response to `question`; `truncated`: generation stopped at the token limit.
    public static func classify(response: String, question: String, truncated: Bool) -> AnswerabilityJudgement {
        let trimmed = response.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .init(rule: .empty) }
        let lower = trimmed.lowercased()
        let q = question.lowercased()
        if opensNewTurn(lower) { return .init(rule: .newTurn) }
        if asksNewQuestion(lower, question: q) { return .init(rule: .newQuestion) }
        if writesOptions(lower) { return .init(rule: .writesOptions) }
        let repeats = promptRepetitions(lower, question: q)
        if repeats >= 2 || templateEchoes.contains(where: { lower.contains($0) }) { return .init(rule: .repeatsPrompt) }
        if hasAnswerMarker(lower) || hasFinalNumericStatement(lower) { return .init(rule: .answerAttempt) }
        if repeats == 1 { return .init(rule: .repeatsPrompt) }
        if truncated {
            return .init(rule: !isRepetitive(lower) && showsWorking(lower, question: q) ? .truncatedWhileWorking : .truncatedWithoutAnswer)
        }
        if !sharesContent(lower, question: q) { return .init(rule: .offTopic) }
        return .init(rule: .noAnswerAttempt)
    }

    /// Whether an answer marker is followed by an answer: `\boxed{` with something inside, `<answer>` whose
    /// content (to `</answer>`, the next `<answer>`, or 80 characters) is substantive and not the template's
    /// "answer here", or "answer is" / "answer:" / "#### " with a substantive rest of the line.
    static func hasAnswerMarker(_ lower: String) -> Bool {
        for r in ranges(of: "\\boxed{", in: lower) where r.upperBound < lower.endIndex && lower[r.upperBound] != "}" { return true }
        for r in ranges(of: "<answer>", in: lower) {
            var seg = lower[r.upperBound...].prefix(80)
            if let close = seg.range(of: "</answer>") { seg = seg[..<close.lowerBound] }
            if let next = seg.range(of: "<answer>") { seg = seg[..<next.lowerBound] }
            if isSubstantive(seg), !seg.contains("answer here") { return true }
        }
        for marker in lineAnswerMarkers {
            for r in ranges(of: marker, in: lower) {
                let line = lower[r.upperBound...].prefix { $0 != "\n" }.prefix(80)
                if isSubstantive(line) { return true }
            }
        }
        return false
    }

    /// A digit, a backslash or dollar sign (LaTeX), or a number word.
    static func isSubstantive(_ s: Substring) -> Bool {
        if s.contains(where: { $0.isNumber || $0 == "\\" || $0 == "$" }) { return true }
        return s.split(whereSeparator: { !$0.isLetter }).contains { numberWords.contains(String($0)) }
    }

    static func ranges(of needle: String, in text: String) -> [Range<String.Index>] {
        var out = [Range<String.Index>](), from = text.startIndex
        while let r = text.range(of: needle, range: from..<text.endIndex) { out.append(r); from = r.upperBound }
        return out
    }

    /// Whether a line ends with `?` and (normalised, at least 12 characters) is not part of the question.
    static func asksNewQuestion(_ lower: String, question: String) -> Bool {
        let q = normalised(question)
        return lower.split(separator: "\n").contains { line in
            let l = line.trimmingCharacters(in: .whitespaces)
            guard l.hasSuffix("?") else { return false }
            let n = normalised(l)
            return n.count >= 12 && !q.contains(n)
        }
    }

    /// Whether three or more lines open with a multiple-choice label: `(a)`, `a)`, `a.` or `a:` for a–e,
    /// followed by a space or the end of the line.
    static func writesOptions(_ lower: String) -> Bool {
        let labels = Set("abcde")
        let count = lower.split(separator: "\n").filter { line in
            var l = Substring(line.trimmingCharacters(in: .whitespaces))
            if l.hasPrefix("(") { l = l.dropFirst(); guard let c = l.first, labels.contains(c), l.dropFirst().first == ")" else { return false } }
            else { guard let c = l.first, labels.contains(c), let p = l.dropFirst().first, ".):".contains(p) else { return false } }
            let rest = l.dropFirst(2)
            return rest.first.map { $0.isWhitespace } ?? true
        }.count
        return count >= 3
    }

    /// How many times the question's opening (first 60 letters/digits, questions of at least 20) occurs in the response.
    static func promptRepetitions(_ lower: String, question: String) -> Int {
        let q = normalised(question)
        guard q.count >= 20 else { return 0 }
        return ranges(of: String(q.prefix(60)), in: normalised(lower)).count
    }

    /// A loop: at least 8 non-empty lines, fewer than half of them distinct.
    static func isRepetitive(_ lower: String) -> Bool {
        let lines = lower.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.count >= 8 && Double(Set(lines).count) / Double(lines.count) < 0.5
    }

    /// Shares content with the question and does arithmetic: `=`, `\frac`, `\cdot`, `\times`, or digit-operator-digit.
    static func showsWorking(_ lower: String, question: String) -> Bool {
        guard sharesContent(lower, question: question) else { return false }
        if lower.contains("=") || ["\\frac", "\\cdot", "\\times"].contains(where: { lower.contains($0) }) { return true }
        let chars = Array(lower)
        for (i, c) in chars.enumerated() where "+-*/^×÷".contains(c) {
            var a = i - 1; while a >= 0, chars[a] == " " { a -= 1 }
            var b = i + 1; while b < chars.count, chars[b] == " " { b += 1 }
            if a >= 0, b < chars.count, chars[a].isNumber, chars[b].isNumber { return true }
        }
        return false
    }

    /// Whether any line (after leading whitespace and markdown emphasis) opens with a new-turn marker.
    static func opensNewTurn(_ lower: String) -> Bool {
        lower.split(separator: "\n").contains { line in
            let l = line.trimmingCharacters(in: .whitespaces)
            return newTurnMarkers.contains { l.hasPrefix($0) }
        }
    }

    /// Letters and digits only, single spaces.
    static func normalised(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber ? $0 : " " }).split(separator: " ").joined(separator: " ")
    }

    /// Whether the response shares a number with the question, or at least a fifth of its longer words.
    static func sharesContent(_ lower: String, question: String) -> Bool {
        let words = { (s: String) in Set(normalised(s).split(separator: " ").map(String.init)) }
        let q = words(question), r = words(lower)
        if !q.filter({ $0.first?.isNumber == true }).intersection(r).isEmpty { return true }
        let long = q.filter { $0.count >= 5 }
        guard !long.isEmpty else { return true }
        return Double(long.intersection(r).count) / Double(long.count) >= 0.2
    }

    /// Whether one of the last two non-empty lines states a number after a result cue ("= 12", "the answer is 5").
    static func hasFinalNumericStatement(_ lower: String) -> Bool {
        let pieces = lower.split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        for piece in pieces.suffix(2) {
            for cue in resultCues {
                guard let r = piece.range(of: cue) else { continue }
                if piece[r.upperBound...].contains(where: { $0.isASCII && $0.isNumber }) { return true }
            }
        }
        return false
    }
}

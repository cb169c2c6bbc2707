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
    /// The response repeats the prompt's question text.
    case repeatsPrompt
    /// Cut at the token limit without any answer attempt.
    case truncatedWithoutAnswer
    /// No answer attempt and nothing (no number, few words) shared with the question.
    case offTopic
    /// No answer attempt (no boxed/tagged answer, no final statement of a result).
    case noAnswerAttempt
    /// An answer attempt and none of the continuation signs above.
    case answerAttempt

    public var verdict: AnswerabilityVerdict { self == .answerAttempt ? .answers : .continues }
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
    /// Explicit answer markers anywhere in the response.
    static let answerMarkers = ["\\boxed{", "<answer>", "answer is", "answer:", "#### "]

    /// The verdict for one response to `question`; `truncated`: generation stopped at the token limit.
    public static func classify(response: String, question: String, truncated: Bool) -> AnswerabilityJudgement {
        let trimmed = response.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .init(rule: .empty) }
        let lower = trimmed.lowercased()
        if opensNewTurn(lower) { return .init(rule: .newTurn) }
        if repeatsPrompt(lower, question: question.lowercased()) { return .init(rule: .repeatsPrompt) }
        let attempt = answerMarkers.contains { lower.contains($0) } || hasFinalNumericStatement(lower)
        if attempt { return .init(rule: .answerAttempt) }
        if truncated { return .init(rule: .truncatedWithoutAnswer) }
        if !sharesContent(lower, question: question.lowercased()) { return .init(rule: .offTopic) }
        return .init(rule: .noAnswerAttempt)
    }

    /// Whether any line (after leading whitespace and markdown emphasis) opens with a new-turn marker.
    static func opensNewTurn(_ lower: String) -> Bool {
        lower.split(separator: "\n").contains { line in
            let l = line.trimmingCharacters(in: .whitespaces)
            return newTurnMarkers.contains { l.hasPrefix($0) }
        }
    }

    /// Whether the response contains the question's opening (its first 60 letters/digits, or all of a shorter one).
    static func repeatsPrompt(_ lower: String, question: String) -> Bool {
        let q = normalised(question)
        guard q.count >= 20 else { return false }
        return normalised(lower).contains(String(q.prefix(60)))
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

// Grading's public vocabulary: extraction modes, grade statuses and the module's one error enum.
// The three-way status follows Liu et al. 2025 (§2.2), which counts unformatted responses
// ("no answer") apart from wrong ones.
import Foundation

/// Where the final answer is looked for in a response.
public enum ExtractionMode: String, Sendable, Codable, CaseIterable {
    /// The last `\boxed{…}` / `\fbox{…}` (the Qwen-Math and "boxed" templates).
    case boxed
    /// The content of the last `<answer>…</answer>` (the R1 template).
    case answerTag = "answer-tag"
    /// `\boxed` first, then `<answer>`, then (if enabled) the plain-text fallback.
    case auto
}

/// The outcome of grading one response.
public enum GradeStatus: String, Sendable, Codable {
    /// An answer was extracted and equals (one of) the gold answer(s).
    case correct
    /// An answer was extracted but matches no gold answer.
    case incorrect
    /// Nothing could be extracted: the response is unformatted (or pathological).
    case noAnswer = "no-answer"
}

/// One graded response: what was extracted and how it compared with the gold answers.
public struct GradeResult: Sendable, Codable, Hashable {
    /// The extracted final answer, or nil when none was found.
    public var extracted: String?
    /// Correct, incorrect or no answer.
    public var status: GradeStatus
    /// True only for `.correct`.
    public var correct: Bool { status == .correct }

    /// Creates a result from its parts.
    public init(extracted: String?, status: GradeStatus) {
        self.extracted = extracted
        self.status = status
    }
}

/// Errors raised by Grading's batch helpers (the verifier itself never throws: bad input grades as
/// no-answer or incorrect).
public enum GradingError: Error, Sendable, Equatable, LocalizedError {
    /// A JSONL line is not a JSON object.
    case notJSONObject(line: Int)
    /// A JSONL line lacks a field it needs (or it has the wrong type).
    case missingField(line: Int, field: String)
    /// A template's `extraction` value is none of `boxed`, `answer-tag`, `none`.
    case unknownExtraction(String)

    public var errorDescription: String? {
        switch self {
        case .notJSONObject(let line):
            return "line \(line): not a JSON object; each line must be one object such as {\"response\": \"…\", \"answer\": \"42\"}"
        case .missingField(let line, let field):
            return "line \(line): missing or non-string field '\(field)'; give 'response' (string) and 'answer' (string) or 'answers' (list of strings)"
        case .unknownExtraction(let value):
            return "unknown answer extraction '\(value)'; a template's extraction must be boxed, answer-tag or none"
        }
    }
}

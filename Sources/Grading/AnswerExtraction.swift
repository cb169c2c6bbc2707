// A template's answer format, the one vocabulary the prompt templates, the run store, the audit's
// grading, the training reward and the exported reward.py share. It lives in Grading (below Prompts
// and RunStore) so that a stored template's format is read as this type, never as free text that a
// typo could silently turn into another format.

/// How the final answer is read from a response made with a template.
public enum AnswerExtraction: String, Sendable, Codable, Hashable, CaseIterable {
    /// The last `\boxed{…}` (Qwen-Math template, no template).
    case boxed
    /// The text inside `<answer>…</answer>` (R1 template; the closing tag may be cut by the stop string).
    case answerTag = "answer-tag"
    /// No answer format (a template that only asks, or a judge prompt that parses its own replies):
    /// answers are read as plain text.
    case none

    /// The extractor mode of the format itself; nil for `none`.
    public var ownMode: ExtractionMode? {
        switch self {
        case .boxed: return .boxed
        case .answerTag: return .answerTag
        case .none: return nil
        }
    }

    /// Reads a format from its written name (`boxed`, `answer-tag`, `none`); anything else throws
    /// `GradingError.unknownExtraction`, naming the value.
    public static func parse(_ text: String) throws(GradingError) -> AnswerExtraction {
        guard let e = AnswerExtraction(rawValue: text) else { throw .unknownExtraction(text) }
        return e
    }
}

// The one error type of the Analyses module (docs/ARCHITECTURE-GUIDE style rule 5): every case
// names the argument, file or key involved and says what to do.
import Foundation

/// Everything that can go wrong while computing or orchestrating an audit analysis.
public enum AnalysesError: Error, Sendable, Equatable, LocalizedError {
    /// An argument is out of range (`name` = the argument, `value` = what was given).
    case invalidArgument(name: String, value: String, expected: String)
    /// A keyword file could not be read or holds no keywords.
    case keywordFile(path: String, reason: String)
    /// A benchmark set named in a suite has no JSONL file in the datasets folder.
    case datasetMissing(set: String, path: String)
    /// An analysis was given no questions.
    case noQuestions(source: String)
    /// A stored metrics payload could not be decoded.
    case storedResult(key: String, reason: String)
    /// The judge backend's stream ended without a reply for one item.
    case judgeIncomplete(kind: String, index: Int, judge: String)
    /// The backend's stream ended without a completion for one request of an analysis.
    case backendIncomplete(analysis: String, index: Int, model: String)
    /// Stored samples name a template whose prompt (and so its answer format) the store does not hold.
    case templateNotStored(template: String)

    public var errorDescription: String? {
        switch self {
        case let .invalidArgument(name, value, expected):
            return "invalid \(name) '\(value)': expected \(expected)."
        case let .keywordFile(path, reason):
            return "keyword file \(path): \(reason). Give one keyword per line (lines starting with # are comments)."
        case let .datasetMissing(set, path):
            return "benchmark set '\(set)' not found at \(path). Point --datasets at a folder holding \(set).jsonl."
        case let .noQuestions(source):
            return "no questions in \(source). Check the file (and --input-key/--answer-key) or raise --limit."
        case let .storedResult(key, reason):
            return "stored result '\(key)' could not be decoded (\(reason)). Re-run the analysis with a new --run name."
        case let .judgeIncomplete(kind, index, judge):
            return "judge \(judge) returned no \(kind) reply for item \(index). Check the judge endpoint, then rerun (replies so far are cached)."
        case let .backendIncomplete(analysis, index, model):
            return "\(model) returned no completion for \(analysis) request \(index). Check the backend (endpoint reachable, model loaded), then rerun."
        case let .templateNotStored(template):
            return "the run's samples of template '\(template.prefix(60))' have no stored prompt, so their answer format is unknown; the store was written by another tool or edited. Sample into a new --run."
        }
    }
}

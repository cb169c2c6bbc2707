// The Reports module's one error type (docs/ARCHITECTURE.md style rule 5, after mlx-swift-lm's
// `ModelFactoryError`): each case names the file, template or metric key and says what to do.
import Foundation

/// Everything that can go wrong while building or rendering a report.
public enum ReportError: Error, Sendable, Equatable, LocalizedError {
    /// A Mustache template in `reports/` failed to parse.
    case templateParse(file: String, message: String)
    /// A template file exists but could not be read.
    case templateUnreadable(file: String, reason: String)
    /// A stored metric's JSON could not be decoded into the type the report expects.
    case metricDecoding(key: String, expected: String, reason: String)
    /// The run store could not be read.
    case storeUnreadable(path: String, reason: String)
    /// Writing an output file failed.
    case writeFailed(path: String, reason: String)
    /// A chart was given inconsistent data (for example a heat map whose rows differ in length).
    case invalidChart(title: String, reason: String)

    /// A message that names the file or key and what to do about it.
    public var errorDescription: String? {
        switch self {
        case let .templateParse(file, message):
            return "template \(file) does not parse: \(message). Fix the Mustache syntax, or delete the file to fall back to the built-in template."
        case let .templateUnreadable(file, reason):
            return "cannot read template \(file): \(reason). Check its permissions, or delete it to use the built-in template."
        case let .metricDecoding(key, expected, reason):
            return "stored metric '\(key)' is not a valid \(expected): \(reason). Re-run the analysis that writes it, or upgrade r1audit if the run was made by a newer version."
        case let .storeUnreadable(path, reason):
            return "cannot read run store \(path): \(reason). Check the run name and --runs-dir."
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason). Check that the folder exists and is writable."
        case let .invalidChart(title, reason):
            return "chart '\(title)' has invalid data: \(reason)."
        }
    }
}

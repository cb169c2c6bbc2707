// Errors of the Engine module; each names the request or file and says what to do.
import Foundation

/// Everything that can go wrong generating with the local engine.
public enum EngineError: Error, Sendable, Equatable, LocalizedError {
    /// The prompt of request `index` encodes to no tokens and the model has no BOS token to start from.
    case emptyPrompt(index: Int)
    /// The prompt of request `index` is longer than the model's context.
    case promptTooLong(index: Int, tokens: Int, limit: Int)
    /// A sampling parameter is out of range.
    case invalidParameter(index: Int, name: String, value: String)
    /// The model file could not be turned into a backend.
    case loadFailed(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .emptyPrompt(index):
            return "request \(index): the prompt is empty and the model has no BOS token; give a non-empty prompt"
        case let .promptTooLong(index, tokens, limit):
            return "request \(index): the prompt has \(tokens) tokens but the model's context is \(limit); shorten it"
        case let .invalidParameter(index, name, value):
            return "request \(index): \(name) = \(value) is out of range (temperature ≥ 0, 0 < top_p ≤ 1, top_k ≥ 0, max_tokens ≥ 0)"
        case let .loadFailed(path, reason):
            return "\(path): cannot load the model (\(reason))"
        }
    }
}

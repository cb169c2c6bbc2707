// Errors of the Models module (mlx-swift-lm `ModelFactoryError` style): each names the file, key or
// tensor and says what to do.
import Foundation
import Checkpoints

/// Everything that can go wrong building a decoder from a checkpoint.
public enum ModelError: Error, Sendable, Equatable, LocalizedError {
    /// The checkpoint's architecture is not llama, qwen2 or gemma3.
    case unsupportedArchitecture(file: String, architecture: String)
    /// A configuration key is absent or unusable.
    case invalidConfiguration(file: String, key: String, reason: String)
    /// A weight the decoder needs is missing (`file` empty until a loader names the checkpoint).
    case missingTensor(name: String, file: String = "")
    /// A weight has the wrong shape (`file` empty until a loader names the checkpoint).
    case shapeMismatch(tensor: String, expected: [Int], got: [Int], file: String = "")
    /// A token id outside the vocabulary was fed to the model.
    case tokenOutOfRange(token: Int, vocabularySize: Int)
    /// The path is neither a GGUF file nor a folder with config.json.
    case unrecognisedCheckpoint(path: String)

    public var errorDescription: String? {
        switch self {
        case let .unsupportedArchitecture(file, architecture):
            return "\(q(file, 300)): architecture '\(q(architecture))' is not supported; use a llama, qwen2 or gemma3 checkpoint"
        case let .invalidConfiguration(file, key, reason):
            return "\(q(file, 300)): configuration key '\(q(key))': \(q(reason, 300)); fix or re-export the checkpoint's config"
        case let .missingTensor(name, file):
            return "\(q(file.isEmpty ? "checkpoint" : file, 300)): weight '\(q(name))' is missing; the file may be truncated or of another architecture"
        case let .shapeMismatch(tensor, expected, got, file):
            return "\(q(file.isEmpty ? "checkpoint" : file, 300)): weight '\(q(tensor))' has shape \(got) but the configuration implies \(expected); the config and weights disagree"
        case let .tokenOutOfRange(token, vocabularySize):
            return "token id \(token) is outside the vocabulary (size \(vocabularySize)); the tokenizer does not belong to this model"
        case let .unrecognisedCheckpoint(path):
            return "\(q(path, 300)): not a .gguf file or a folder with config.json and *.safetensors; pass one of those with --model"
        }
    }

    /// This error with the checkpoint `file` named where it was left empty (weights are checked by the
    /// decoders, which do not know the file; the loaders call this).
    public func naming(file: String) -> ModelError {
        switch self {
        case let .missingTensor(name, f) where f.isEmpty: return .missingTensor(name: name, file: file)
        case let .shapeMismatch(t, e, g, f) where f.isEmpty: return .shapeMismatch(tensor: t, expected: e, got: g, file: file)
        case let .invalidConfiguration(f, key, reason) where f == "configuration" || f == "config.json":
            return .invalidConfiguration(file: file, key: key, reason: reason)
        default: return self
        }
    }

    /// Runs `body`, naming `file` in the `ModelError` it throws.
    public static func naming<T>(file: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ModelError { throw e.naming(file: file) }
    }

    private func q(_ text: String, _ limit: Int = UntrustedText.defaultLimit) -> String {
        UntrustedText.excerpt(text, limit: limit)
    }
}

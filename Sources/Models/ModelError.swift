// Errors of the Models module (mlx-swift-lm `ModelFactoryError` style): each names the file, key or
// tensor and says what to do.
import Foundation

/// Everything that can go wrong building a decoder from a checkpoint.
public enum ModelError: Error, Sendable, Equatable, LocalizedError {
    /// The checkpoint's architecture is not llama, qwen2 or gemma3.
    case unsupportedArchitecture(file: String, architecture: String)
    /// A configuration key is absent or unusable.
    case invalidConfiguration(file: String, key: String, reason: String)
    /// A weight the decoder needs is missing.
    case missingTensor(name: String)
    /// A weight has the wrong shape.
    case shapeMismatch(tensor: String, expected: [Int], got: [Int])
    /// A token id outside the vocabulary was fed to the model.
    case tokenOutOfRange(token: Int, vocabularySize: Int)
    /// The path is neither a GGUF file nor a folder with config.json.
    case unrecognisedCheckpoint(path: String)

    public var errorDescription: String? {
        switch self {
        case let .unsupportedArchitecture(file, architecture):
            return "\(file): architecture '\(architecture)' is not supported; use a llama, qwen2 or gemma3 checkpoint"
        case let .invalidConfiguration(file, key, reason):
            return "\(file): configuration key '\(key)': \(reason); fix or re-export the checkpoint's config"
        case let .missingTensor(name):
            return "weight '\(name)' is missing from the checkpoint; it may be truncated or of another architecture"
        case let .shapeMismatch(tensor, expected, got):
            return "weight '\(tensor)' has shape \(got) but the configuration implies \(expected); the config and weights disagree"
        case let .tokenOutOfRange(token, vocabularySize):
            return "token id \(token) is outside the vocabulary (size \(vocabularySize)); the tokenizer does not belong to this model"
        case let .unrecognisedCheckpoint(path):
            return "\(path): not a .gguf file or a folder with config.json and *.safetensors; pass one of those with --model"
        }
    }
}

// Errors of the Checkpoints module. Follows llama.cpp ggml/src/gguf.cpp: every length is checked against
// the bytes left before anything is allocated, and a bad file is reported with the key, tensor and offset.
import Foundation

/// Everything that can go wrong reading or writing GGUF, safetensors and Hugging Face checkpoint folders.
public enum CheckpointError: Error, Sendable, Equatable, LocalizedError {
    /// The file or folder does not exist.
    case fileNotFound(path: String)
    /// The file exists but could not be opened or mapped.
    case cannotOpen(path: String, reason: String)
    /// The file ends before `what` (at byte `offset`, `needed` bytes, `available` left).
    case truncated(file: String, what: String, offset: Int, needed: Int, available: Int)
    /// The first four bytes are not the GGUF magic.
    case badMagic(file: String, found: UInt32)
    /// A GGUF version this reader does not understand (v2 and v3 are supported).
    case unsupportedVersion(file: String, version: UInt32)
    /// A metadata value or header field is malformed.
    case invalidMetadata(file: String, key: String, reason: String)
    /// A tensor uses a GGML type this reader cannot dequantise.
    case unsupportedTensorType(file: String, tensor: String, type: UInt32)
    /// No tensor of that name in the file.
    case tensorNotFound(file: String, tensor: String)
    /// A tensor's shape, offset or size is inconsistent with the file.
    case invalidTensor(file: String, tensor: String, reason: String)
    /// A metadata key needed here is absent.
    case missingKey(file: String, key: String)
    /// A value cannot be quantised to `type` (e.g. a row length not a multiple of the block size).
    case cannotQuantize(type: String, count: Int, reason: String)
    /// Writing a checkpoint failed.
    case writeFailed(path: String, reason: String)

    /// A message naming the file and key, and what to do.
    public var errorDescription: String? {
        switch self {
        case let .fileNotFound(path):
            return "\(q(path, 300)): no such file; check the path (models are cached by scripts/fetch-models in ~/.cache/r1audit/models)"
        case let .cannotOpen(path, reason):
            return "\(q(path, 300)): cannot open (\(q(reason, 300))); check permissions and that it is a regular file"
        case let .truncated(file, what, offset, needed, available):
            return "\(q(file, 300)): truncated while reading \(q(what, 300)) at byte \(offset): needs \(needed) bytes, \(available) left; the file is incomplete, download it again"
        case let .badMagic(file, found):
            return "\(q(file, 300)): not a GGUF file (magic 0x\(String(found, radix: 16)), expected 0x46554747 'GGUF')"
        case let .unsupportedVersion(file, version):
            return "\(q(file, 300)): GGUF version \(version) is not supported (only v2 and v3); re-convert with a recent llama.cpp"
        case let .invalidMetadata(file, key, reason):
            return "\(q(file, 300)): metadata '\(q(key))' is invalid: \(q(reason, 300)); the file is corrupt or from an incompatible writer"
        case let .unsupportedTensorType(file, tensor, type):
            return "\(q(file, 300)): tensor '\(q(tensor))' has GGML type \(type), which is not supported (supported: F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K…Q6_K); re-quantise the model"
        case let .tensorNotFound(file, tensor):
            return "\(q(file, 300)): no tensor named '\(q(tensor))'; list the tensors to see the naming this file uses"
        case let .invalidTensor(file, tensor, reason):
            return "\(q(file, 300)): tensor '\(q(tensor))' is invalid: \(q(reason, 300)); the file is corrupt"
        case let .missingKey(file, key):
            return "\(q(file, 300)): required key '\(q(key))' is missing"
        case let .cannotQuantize(type, count, reason):
            return "cannot quantise \(count) values to \(type): \(q(reason, 300))"
        case let .writeFailed(path, reason):
            return "\(q(path, 300)): write failed (\(q(reason, 300))); check the folder exists and is writable"
        }
    }

    /// Untrusted text (names, keys, values, paths) escaped and bounded for the message.
    private func q(_ text: String, _ limit: Int = UntrustedText.defaultLimit) -> String {
        UntrustedText.excerpt(text, limit: limit)
    }
}

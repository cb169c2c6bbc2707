// The Tokenizer protocol shared by the engine, the CLI and tests, and the module's error enum.
// Behaviour follows llama.cpp src/llama-vocab.cpp (llama_tokenize with parse_special=true,
// token_to_piece) and Hugging Face tokenizers' byte-level BPE.
import Checkpoints
import Foundation

/// Text ↔ token ids for one model.
public protocol Tokenizer: Sendable {
    /// Number of token ids (the embedding rows).
    var vocabularySize: Int { get }
    /// Beginning-of-sequence token, if the vocabulary has one.
    var bosTokenID: Int? { get }
    /// Tokens that end generation: EOS plus end-of-turn tokens such as `<|im_end|>`.
    var eosTokenIDs: Set<Int> { get }
    /// Whether `encode(_:addSpecialTokens: true)` prepends BOS (`tokenizer.ggml.add_bos_token` / tokenizer_config).
    var addsBOS: Bool { get }
    /// Token ids of `text`. Special tokens written in the text (`<|im_start|>` …) are recognised,
    /// as llama.cpp's `parse_special=true`; `addSpecialTokens` adds BOS when the model asks for it.
    func encode(_ text: String, addSpecialTokens: Bool) -> [Int]
    /// The text of `ids` (bytes concatenated, invalid UTF-8 replaced by U+FFFD). Special tokens are rendered as their text.
    func decode(_ ids: [Int]) -> String
    /// Raw bytes of one token (for streaming decode and stop strings); empty for an unknown id.
    func tokenBytes(_ id: Int) -> [UInt8]
    /// The vocabulary entry as stored (e.g. `Ġthe`), for log-prob display.
    func tokenString(_ id: Int) -> String
    /// The model's chat prompt: ChatML (`<|im_start|>role\ncontent<|im_end|>\n`) for SmolLM2/Qwen2, a plain fallback otherwise.
    func applyChatTemplate(_ messages: [(role: String, content: String)], addGenerationPrompt: Bool) -> String
}

/// Errors of the Tokenizers module.
public enum TokenizerError: Error, Sendable, Equatable, LocalizedError {
    /// A required key (GGUF metadata or tokenizer.json field) is missing or has the wrong type.
    case missingKey(file: String, key: String)
    /// The tokenizer model type is not supported (only byte-level BPE, `gpt2`).
    case unsupportedModel(file: String, model: String)
    /// The vocabulary or merges are inconsistent.
    case invalidVocabulary(file: String, reason: String)
    /// A file could not be read or parsed.
    case unreadable(path: String, reason: String)
    /// A tokenizer could not be written as Hugging Face files (`TokenizerExport`).
    case notExportable(file: String, reason: String)

    /// A message naming the file and key, and what to do.
    public var errorDescription: String? {
        switch self {
        case let .missingKey(file, key):
            return "\(UntrustedText.excerpt(file, limit: 300)): tokenizer key '\(UntrustedText.excerpt(key))' is missing or has the wrong type; the model file is incomplete"
        case let .unsupportedModel(file, model):
            return "\(UntrustedText.excerpt(file, limit: 300)): tokenizer model '\(UntrustedText.excerpt(model))' is not supported (only byte-level BPE 'gpt2'); use a llama/qwen2/smollm GGUF"
        case let .invalidVocabulary(file, reason):
            return "\(UntrustedText.excerpt(file, limit: 300)): invalid tokenizer vocabulary: \(UntrustedText.excerpt(reason, limit: 300))"
        case let .unreadable(path, reason):
            return "\(UntrustedText.excerpt(path, limit: 300)): cannot read tokenizer (\(UntrustedText.excerpt(reason, limit: 300))); check that tokenizer.json exists and is valid JSON"
        case let .notExportable(file, reason):
            return "\(UntrustedText.excerpt(file, limit: 300)): the tokenizer cannot be exported as Hugging Face files "
                + "(tokenizer.json, tokenizer_config.json) (\(UntrustedText.excerpt(reason, limit: 300))); only byte-level BPE "
                + "GGUFs can be; copy the tokenizer files from the model's Hugging Face repository instead"
        }
    }
}

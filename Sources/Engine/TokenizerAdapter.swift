// The engine's view of a `Tokenizers.Tokenizer`: prompts (raw text or chat through the model's
// template, BOS as the vocabulary asks, like llama.cpp's server) to ids, ids to bytes, and the
// end-of-generation set.
import Inference
import Tokenizers

/// What the generation loop needs from a tokenizer.
struct TokenizerAdapter: Sendable {
    let tokenizer: any Tokenizer

    init(_ tokenizer: any Tokenizer) { self.tokenizer = tokenizer }

    /// Prompt ids: `.text` encoded as is, `.chat` rendered by the chat template (with the assistant
    /// header) first; special tokens in the text are recognised.
    func encode(_ prompt: PromptInput) throws -> [Int] {
        switch prompt {
        case let .text(s):
            return tokenizer.encode(s, addSpecialTokens: true)
        case let .chat(messages):
            let text = tokenizer.applyChatTemplate(messages.map { (role: $0.role, content: $0.content) }, addGenerationPrompt: true)
            return tokenizer.encode(text, addSpecialTokens: true)
        case let .tokens(ids):
            return ids
        }
    }

    func bytes(_ id: Int) -> [UInt8] { tokenizer.tokenBytes(id) }
    var eos: Set<Int> { tokenizer.eosTokenIDs }
    var bos: Int? { tokenizer.bosTokenID }
}

extension LocalBackend {
    /// The model's context (`max_position_embeddings`): prompt + completion tokens per sequence.
    public var contextLength: Int? { configuration.maxPositionEmbeddings }

    /// The prompt's token count as `complete` would tokenize it.
    /// - Throws: `EngineError.invalidParameter` for a token id outside the vocabulary.
    public func promptTokenCount(_ prompt: PromptInput) throws -> Int? {
        let ids = try TokenizerAdapter(tokenizer).encode(prompt)
        if let bad = ids.first(where: { !(0..<configuration.vocabSize).contains($0) }) {
            throw EngineError.invalidParameter(index: 0, name: "prompt", value: "token id \(bad) outside 0..<\(configuration.vocabSize)")
        }
        return ids.count
    }

    /// Token ids of `text` with this model's tokenizer (BOS added when `addSpecialTokens` and the vocabulary asks).
    public func encode(_ text: String, addSpecialTokens: Bool) throws -> [Int] {
        tokenizer.encode(text, addSpecialTokens: addSpecialTokens)
    }

    /// Whether the vocabulary prepends BOS to encoded text.
    public var addsBOS: Bool { tokenizer.addsBOS }

    /// The BOS token id, if any.
    public var bosTokenID: Int? { tokenizer.bosTokenID ?? configuration.bosTokenID }
}

// The JSON the client sends and reads, following OpenAI's legacy `/v1/completions` and
// `/v1/chat/completions` reference, with the extensions vLLM and llama.cpp's server accept
// (`top_k`, `seed`). Log-probs are read in both shapes servers use: the legacy
// `{tokens, token_logprobs}` and the chat-style `{content: [{token, logprob}]}` that
// llama.cpp's server also returns for completions.
import Foundation
import Inference

/// The body of a `/v1/completions` or `/v1/chat/completions` request.
struct WireRequest: Encodable {
    var model: String
    var prompt: WirePrompt?
    var messages: [ChatMessage]?
    var n: Int?
    var temperature: Double
    var top_p: Double
    var top_k: Int?
    var max_tokens: Int
    var stop: [String]?
    var seed: UInt64?
    /// An integer (top alternatives) for completions; a Bool for chat.
    var logprobs: LogprobsFlag?
    var stream: Bool = false

    /// A completions prompt: text, or token ids (OpenAI accepts a list of integers).
    enum WirePrompt: Encodable {
        case text(String), tokens([Int])
        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self { case .text(let s): try c.encode(s); case .tokens(let ids): try c.encode(ids) }
        }
    }

    enum LogprobsFlag: Encodable {
        case count(Int), flag(Bool)
        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self { case .count(let n): try c.encode(n); case .flag(let b): try c.encode(b) }
        }
    }

    init(model: String, request: CompletionRequest, n: Int? = nil) {
        let p = request.parameters
        self.model = model
        switch request.prompt {
        case .text(let text): prompt = .text(text); logprobs = p.logprobs ? .count(1) : nil
        case .tokens(let ids): prompt = .tokens(ids); logprobs = p.logprobs ? .count(1) : nil
        case .chat(let msgs): messages = msgs; logprobs = p.logprobs ? .flag(true) : nil
        }
        self.n = n
        temperature = p.temperature; top_p = p.topP; top_k = p.topK > 0 ? p.topK : nil
        max_tokens = p.maxTokens; stop = p.stop.isEmpty ? nil : p.stop; seed = p.seed
    }

    /// The route under the base URL.
    var route: String { messages == nil ? "completions" : "chat/completions" }
}

/// The parts of a completions or chat response the client uses; every field optional so the
/// decoder reports what is missing itself.
struct WireResponse: Decodable {
    struct Choice: Decodable {
        var index: Int?
        var text: String?
        var message: Message?
        var finish_reason: String?
        var logprobs: Logprobs?
    }
    struct Message: Decodable { var role: String?; var content: String? }
    struct Logprobs: Decodable {
        // Legacy completions shape.
        var tokens: [String]?
        var token_logprobs: [Double?]?
        // Chat shape (also llama.cpp's completions).
        var content: [Entry]?
        struct Entry: Decodable { var id: Int?; var token: String?; var logprob: Double? }
    }
    struct Usage: Decodable { var prompt_tokens: Int?; var completion_tokens: Int? }
    var choices: [Choice]?
    var usage: Usage?
}

extension WireResponse.Logprobs {
    /// The generated tokens' log-probabilities, in order; nil when the shape is unknown.
    var tokenLogprobs: [TokenLogprob]? {
        if let content {
            return content.map { TokenLogprob(token: $0.token ?? "", tokenID: $0.id, logprob: $0.logprob ?? -.infinity) }
        }
        if let tokens, let values = token_logprobs {
            return zip(tokens, values).map { TokenLogprob(token: $0, logprob: $1 ?? -.infinity) }
        }
        return nil
    }
}

extension WireResponse.Choice {
    /// The generated text of either shape.
    var generatedText: String? { text ?? message?.content }

    /// OpenAI's `length` means the token budget ran out; every other reason (`stop`, `eos`,
    /// vLLM's `abort`, none) is treated as a normal end.
    var finishReason: FinishReason { finish_reason == "length" ? .length : .stop }
}

// Request bodies the server accepts and responses it writes, following OpenAI's API reference
// for the legacy `POST /v1/completions` (prompt string or list, n, logprobs as an integer) and
// `POST /v1/chat/completions` (messages, logprobs as a Bool), plus the `top_k` and `seed`
// extensions vLLM and llama.cpp's server accept. Unknown fields are ignored, as vLLM does.
import Foundation
import Inference

/// A field OpenAI allows as one string or a list of strings (`prompt`, `stop`).
struct StringOrList: Decodable {
    var values: [String]
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let one = try? c.decode(String.self) { values = [one] } else { values = try c.decode([String].self) }
    }
}

/// `logprobs`: an integer (completions), a Bool (chat), or null.
struct LogprobsField: Decodable {
    var enabled: Bool
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { enabled = false } else if let b = try? c.decode(Bool.self) { enabled = b } else {
            enabled = try c.decode(Int.self) >= 0
        }
    }
}

/// Chat message content: a string or a list of `{type: "text", text}` parts.
struct MessageContent: Decodable {
    var text: String
    struct Part: Decodable { var type: String; var text: String? }
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { text = s } else {
            text = try c.decode([Part].self).compactMap { $0.type == "text" ? $0.text : nil }.joined()
        }
    }
}

/// The body of `POST /v1/completions` or `POST /v1/chat/completions`.
struct GenerationBody: Decodable {
    struct Message: Decodable { var role: String; var content: MessageContent }
    var model: String?
    var prompt: StringOrList?
    var messages: [Message]?
    var n: Int?
    var temperature: Double?
    var top_p: Double?
    var top_k: Int?
    var max_tokens: Int?
    var max_completion_tokens: Int?
    var stop: StringOrList?
    var seed: UInt64?
    var logprobs: LogprobsField?
    var stream: Bool?
    var echo: Bool?
}

/// Limits on one request, so a client cannot ask for unbounded work.
enum RequestLimits {
    static let maxN = 128
    static let maxPrompts = 1024
    static let maxChoices = 4096
    static let maxTokens = 1 << 20
    static let maxBodyBytes = 32 << 20
}

extension GenerationBody {
    /// The sampling parameters of choice `i` (seed + i, as the issue asks for `n` fan-out).
    /// `defaultMaxTokens` is OpenAI's default for the route (16 for completions).
    func parameters(defaultMaxTokens: Int, baseSeed: UInt64, choice i: Int) -> SamplingParameters {
        SamplingParameters(temperature: temperature ?? 1, topP: top_p ?? 1, topK: top_k ?? 0,
                           maxTokens: max_completion_tokens ?? max_tokens ?? defaultMaxTokens,
                           stop: stop?.values ?? [], seed: baseSeed &+ UInt64(i),
                           logprobs: logprobs?.enabled ?? false)
    }

    /// Checks ranges; the error names the field.
    func validate(chat: Bool) throws(ServerError) {
        func bad(_ param: String, _ message: String) -> ServerError { .invalidRequest(message: message, param: param) }
        if stream == true { throw bad("stream", "streaming is not supported by r1audit serve; send stream: false") }
        if echo == true { throw bad("echo", "echo is not supported by r1audit serve") }
        if chat {
            guard let messages, !messages.isEmpty else { throw bad("messages", "give a non-empty list of {role, content} messages") }
        } else {
            guard let prompt, !prompt.values.isEmpty else { throw bad("prompt", "give a prompt string or a non-empty list of strings") }
            if prompt.values.count > RequestLimits.maxPrompts { throw bad("prompt", "at most \(RequestLimits.maxPrompts) prompts per request") }
        }
        let n = self.n ?? 1
        if !(1...RequestLimits.maxN).contains(n) { throw bad("n", "got \(n); use 1...\(RequestLimits.maxN)") }
        if n * (prompt?.values.count ?? 1) > RequestLimits.maxChoices {
            throw bad("n", "n × prompts is over \(RequestLimits.maxChoices) choices; split the request")
        }
        if let t = temperature, !(t >= 0 && t <= 100) { throw bad("temperature", "got \(t); use 0 (greedy) or more") }
        if let p = top_p, !(p > 0 && p <= 1) { throw bad("top_p", "got \(p); use a value in (0, 1]") }
        if let k = top_k, k < 0 && k != -1 { throw bad("top_k", "got \(k); use 0 or -1 (off) or a positive count") }
        if let m = max_completion_tokens ?? max_tokens, !(1...RequestLimits.maxTokens).contains(m) {
            throw bad("max_tokens", "got \(m); use 1...\(RequestLimits.maxTokens)")
        }
    }
}

/// One choice of a completions or chat response.
struct ChoiceOut: Encodable {
    var index: Int
    var text: String?
    var message: ChatMessage?
    var logprobs: LogprobsOut?
    var finishReason: String

    enum CodingKeys: String, CodingKey { case index, text, message, logprobs, finish_reason }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encodeIfPresent(text, forKey: .text)
        try c.encodeIfPresent(message, forKey: .message)
        if let logprobs { try c.encode(logprobs, forKey: .logprobs) } else { try c.encodeNil(forKey: .logprobs) }
        try c.encode(finishReason, forKey: .finish_reason)
    }
}

/// Log-probabilities in the legacy completions shape, or the chat shape.
enum LogprobsOut: Encodable {
    case legacy([TokenLogprob])
    case chat([TokenLogprob])

    struct ChatEntry: Encodable { var id: Int?; var token: String; var logprob: Double; var top_logprobs: [String] = [] }
    struct Legacy: Encodable { var tokens: [String]; var token_logprobs: [Double]; var text_offset: [Int] }
    struct Chat: Encodable { var content: [ChatEntry] }

    func encode(to encoder: Encoder) throws {
        switch self {
        case .legacy(let items):
            var offsets: [Int] = [], at = 0
            for item in items { offsets.append(at); at += item.token.count }
            try Legacy(tokens: items.map(\.token), token_logprobs: items.map(\.logprob), text_offset: offsets).encode(to: encoder)
        case .chat(let items):
            try Chat(content: items.map { ChatEntry(id: $0.tokenID, token: $0.token, logprob: $0.logprob) }).encode(to: encoder)
        }
    }
}

/// A completions or chat response.
struct GenerationResponse: Encodable {
    struct Usage: Encodable { var prompt_tokens: Int; var completion_tokens: Int; var total_tokens: Int }
    var id: String
    var object: String
    var created: Int
    var model: String
    var choices: [ChoiceOut]
    var usage: Usage
}

/// `GET /v1/models`.
struct ModelList: Encodable {
    struct Model: Encodable { var id: String; var object = "model"; var created: Int; var owned_by = "r1audit" }
    var object = "list"
    var data: [Model]
}

/// OpenAI's error body.
struct ErrorBody: Encodable {
    struct Detail: Encodable {
        var message: String; var type: String; var param: String?; var code: String?
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(message, forKey: .message); try c.encode(type, forKey: .type)
            if let param { try c.encode(param, forKey: .param) } else { try c.encodeNil(forKey: .param) }
            if let code { try c.encode(code, forKey: .code) } else { try c.encodeNil(forKey: .code) }
        }
        enum CodingKeys: String, CodingKey { case message, type, param, code }
    }
    var error: Detail
}

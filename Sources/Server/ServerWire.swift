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

/// A completions `prompt`: a string, a list of strings, a list of token ids, or a list of such lists.
struct PromptField: Decodable {
    var values: [PromptInput]
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let one = try? c.decode(String.self) { values = [.text(one)] }
        else if let many = try? c.decode([String].self) { values = many.map { .text($0) } }
        else if let ids = try? c.decode([Int].self) { values = ids.isEmpty ? [] : [.tokens(ids)] }
        else if let lists = try? c.decode([[Int]].self) { values = lists.map { .tokens($0) } }
        else {
            throw DecodingError.typeMismatch(PromptField.self, .init(codingPath: decoder.codingPath, debugDescription:
                "prompt must be a string, a list of strings, a list of token ids or a list of token-id lists"))
        }
    }
}

/// `logprobs`: an integer (completions: how many alternatives), a Bool (chat), or null.
struct LogprobsField: Decodable {
    var enabled: Bool
    /// The integer given (completions' top-N), nil for a Bool.
    var count: Int?
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { enabled = false } else if let b = try? c.decode(Bool.self) { enabled = b } else {
            let n = try c.decode(Int.self)
            enabled = n >= 0; count = n
        }
    }
}

/// A JSON value whose content is only checked for presence (fields this server refuses).
struct AnyJSON: Decodable {
    var isNullOrEmpty: Bool
    var number: Double?
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { isNullOrEmpty = true }
        else if let d = try? c.decode(Double.self) { number = d; isNullOrEmpty = false }
        else if let s = try? c.decode(String.self) { isNullOrEmpty = s.isEmpty }
        else if let a = try? c.decode([AnyJSON].self) { isNullOrEmpty = a.isEmpty }
        else if let o = try? c.decode([String: AnyJSON].self) { isNullOrEmpty = o.isEmpty }
        else { isNullOrEmpty = false }
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
    var prompt: PromptField?
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
    /// Chat: alternatives per token (with `logprobs: true`).
    var top_logprobs: Int?
    // Fields read only to refuse them with a clear 400 (see `validate`).
    var suffix: AnyJSON?
    var best_of: Int?
    var logit_bias: AnyJSON?
    var presence_penalty: AnyJSON?
    var frequency_penalty: AnyJSON?
    var tools: AnyJSON?
    var functions: AnyJSON?
    var response_format: AnyJSON?
}

/// Limits on one request, so a client cannot ask for unbounded work.
enum RequestLimits {
    static let maxN = 128
    static let maxPrompts = 1024
    static let maxChoices = 4096
    static let maxTokens = 1 << 20
    static let maxBodyBytes = 32 << 20
    /// OpenAI's limit for chat `top_logprobs` (completions allow 5; 20 is accepted on both).
    static let maxTopLogprobs = 20
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

    /// Alternatives per token asked for: completions' integer `logprobs`, chat's `top_logprobs`.
    func topLogprobs(chat: Bool) -> Int {
        chat ? (logprobs?.enabled == true ? top_logprobs ?? 0 : 0) : max(0, logprobs?.count ?? 0)
    }

    /// Checks ranges; the error names the field.
    func validate(chat: Bool) throws(ServerError) {
        func bad(_ param: String, _ message: String) -> ServerError { .invalidRequest(message: message, param: param) }
        func unsupported(_ param: String, _ what: String) -> ServerError {
            .invalidRequest(message: "\(what) is not supported by r1audit serve; leave it out", param: param)
        }
        if echo == true { throw unsupported("echo", "echo (returning the prompt and its logprobs)") }
        if let suffix, !suffix.isNullOrEmpty { throw unsupported("suffix", "suffix (insertion)") }
        if let best_of, best_of > 1 { throw unsupported("best_of", "best_of > 1") }
        if let logit_bias, !logit_bias.isNullOrEmpty { throw unsupported("logit_bias", "logit_bias") }
        if let p = presence_penalty, !p.isNullOrEmpty, p.number != 0 { throw unsupported("presence_penalty", "a non-zero presence_penalty") }
        if let p = frequency_penalty, !p.isNullOrEmpty, p.number != 0 { throw unsupported("frequency_penalty", "a non-zero frequency_penalty") }
        if let tools, !tools.isNullOrEmpty { throw unsupported("tools", "tool calling") }
        if let functions, !functions.isNullOrEmpty { throw unsupported("functions", "function calling") }
        if let response_format, !response_format.isNullOrEmpty { throw unsupported("response_format", "response_format") }
        if !chat, let t = top_logprobs, t > 0 { throw bad("top_logprobs", "completions take an integer logprobs (e.g. logprobs: 2); top_logprobs is for chat") }
        if !(0...RequestLimits.maxTopLogprobs).contains(chat ? top_logprobs ?? 0 : logprobs?.count ?? 0) {
            throw bad(chat ? "top_logprobs" : "logprobs", "use 0...\(RequestLimits.maxTopLogprobs) alternatives per token")
        }
        if chat, (top_logprobs ?? 0) > 0, logprobs?.enabled != true { throw bad("top_logprobs", "top_logprobs needs logprobs: true") }

        if chat {
            guard let messages, !messages.isEmpty else { throw bad("messages", "give a non-empty list of {role, content} messages") }
        } else {
            guard let prompt, !prompt.values.isEmpty else {
                throw bad("prompt", "give a prompt string, a non-empty list of strings, or a list of token ids")
            }
            if prompt.values.contains(where: { $0 == .tokens([]) }) { throw bad("prompt", "a token-id prompt must not be empty") }
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

    struct TopEntry: Encodable { var token: String; var logprob: Double; var bytes: [UInt8] }
    /// OpenAI's entry plus the token `id` (an extension vLLM's clients ignore; r1audit's endpoint client reads it).
    struct ChatEntry: Encodable { var id: Int?; var token: String; var logprob: Double; var bytes: [UInt8]; var top_logprobs: [TopEntry] }
    struct Legacy: Encodable {
        var tokens: [String]; var token_logprobs: [Double]; var top_logprobs: [[String: Double]]?; var text_offset: [Int]
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(tokens, forKey: .tokens); try c.encode(token_logprobs, forKey: .token_logprobs)
            if let top_logprobs { try c.encode(top_logprobs, forKey: .top_logprobs) } else { try c.encodeNil(forKey: .top_logprobs) }
            try c.encode(text_offset, forKey: .text_offset)
        }
        enum CodingKeys: String, CodingKey { case tokens, token_logprobs, top_logprobs, text_offset }
    }
    struct Chat: Encodable { var content: [ChatEntry] }

    /// The legacy shape starting at text offset `offset` (streamed chunks continue the offsets).
    static func legacyShape(_ items: [TokenLogprob], offset: Int) -> Legacy {
        var offsets: [Int] = [], at = offset
        for item in items { offsets.append(at); at += item.token.utf8.count }
        let hasTop = items.contains { $0.top != nil }
        let top: [[String: Double]]? = hasTop ? items.map { item in
            Dictionary((item.top ?? []).map { ($0.token, $0.logprob) }, uniquingKeysWith: { a, _ in a })
        } : nil
        return Legacy(tokens: items.map(\.token), token_logprobs: items.map(\.logprob), top_logprobs: top, text_offset: offsets)
    }

    static func chatEntries(_ items: [TokenLogprob]) -> [ChatEntry] {
        items.map { item in
            ChatEntry(id: item.tokenID, token: item.token, logprob: item.logprob, bytes: Array(item.token.utf8),
                      top_logprobs: (item.top ?? []).map { TopEntry(token: $0.token, logprob: $0.logprob, bytes: Array($0.token.utf8)) })
        }
    }

    func encode(to encoder: Encoder) throws {
        switch self {
        case .legacy(let items): try Self.legacyShape(items, offset: 0).encode(to: encoder)
        case .chat(let items): try Chat(content: Self.chatEntries(items)).encode(to: encoder)
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

// The one generation interface that every analysis, the server and the RL stage talk to.
// Implemented by the local engine (Engine.LocalBackend) and the OpenAI-compatible client
// (Endpoint.EndpointBackend); analyses import only this module, so they run on either.

/// A role-tagged chat message, as in OpenAI's `/v1/chat/completions`.
public struct ChatMessage: Sendable, Codable, Hashable {
    /// "system", "user" or "assistant".
    public var role: String
    public var content: String
    public init(role: String, content: String) { self.role = role; self.content = content }
}

/// What the model is asked: a raw prompt (what base models need, `/v1/completions`)
/// or a chat conversation (judges, `/v1/chat/completions`).
public enum PromptInput: Sendable, Hashable, Codable {
    case text(String)
    case chat([ChatMessage])
    /// A prompt already tokenized with the model's tokenizer (OpenAI's list-of-integers prompt); only
    /// backends that know the tokenizer accept it (the local engine).
    case tokens([Int])
}

/// One sample to draw: a prompt and the sampling parameters (with its own seed).
/// Callers expand k samples into k requests, each with a seed from `SeedDerivation`,
/// so no backend ever sends k identical requests with one fixed seed.
public struct CompletionRequest: Sendable, Hashable {
    public var prompt: PromptInput
    public var parameters: SamplingParameters
    /// Cancellation, token streaming and top-N alternatives (the server's hooks); not part of equality.
    public var control: RequestControl?
    public init(prompt: PromptInput, parameters: SamplingParameters, control: RequestControl? = nil) {
        self.prompt = prompt; self.parameters = parameters; self.control = control
    }
    public static func == (a: Self, b: Self) -> Bool { a.prompt == b.prompt && a.parameters == b.parameters }
    public func hash(into hasher: inout Hasher) { hasher.combine(prompt); hasher.combine(parameters) }
}

/// Why generation ended. `stop`: EOS or a stop string; `length`: the max-token budget
/// was reached (a truncated response).
public enum FinishReason: String, Sendable, Codable, Hashable {
    case stop
    case length
}

/// The log-probability of one generated token under the sampling model (before temperature).
public struct TokenLogprob: Sendable, Codable, Hashable {
    public var token: String
    public var tokenID: Int?
    public var logprob: Double
    /// The most likely tokens at this position, most likely first (when `RequestControl.topLogprobs` > 0).
    public var top: [TokenLogprob]?
    public init(token: String, tokenID: Int? = nil, logprob: Double, top: [TokenLogprob]? = nil) {
        self.token = token; self.tokenID = tokenID; self.logprob = logprob; self.top = top
    }
}

/// One generated response.
public struct Completion: Sendable, Codable, Hashable {
    /// Generated text, with the stop string (if any) removed, as OpenAI servers do.
    public var text: String
    public var promptTokens: Int
    public var completionTokens: Int
    public var finishReason: FinishReason
    /// Present when `SamplingParameters.logprobs` was set.
    public var logprobs: [TokenLogprob]?
    /// Token ids of prompt and completion, when the backend knows them (the local engine does).
    public var promptTokenIDs: [Int]?
    public var completionTokenIDs: [Int]?
    /// Wall-clock seconds from request to last token.
    public var latency: Double

    public init(text: String, promptTokens: Int, completionTokens: Int, finishReason: FinishReason,
                logprobs: [TokenLogprob]? = nil, promptTokenIDs: [Int]? = nil,
                completionTokenIDs: [Int]? = nil, latency: Double = 0) {
        self.text = text; self.promptTokens = promptTokens; self.completionTokens = completionTokens
        self.finishReason = finishReason; self.logprobs = logprobs; self.promptTokenIDs = promptTokenIDs
        self.completionTokenIDs = completionTokenIDs; self.latency = latency
    }
}

/// A completion tagged with the index of its request in the submitted batch.
public struct IndexedCompletion: Sendable {
    public var index: Int
    public var completion: Completion
    public init(index: Int, completion: Completion) { self.index = index; self.completion = completion }
}

/// A text generator: the local engine or an OpenAI-compatible endpoint.
public protocol Backend: Sendable {
    /// The model name recorded with every sample and shown in reports.
    var modelName: String { get }
    /// Draws one completion per request. Results arrive as each request finishes (any order),
    /// so callers can store them at once and a killed run loses only what was in flight.
    /// The stream ends with an error if a request fails for good; cancelling the consuming
    /// task cancels the work.
    func complete(_ requests: [CompletionRequest]) -> AsyncThrowingStream<IndexedCompletion, Error>
    /// The most tokens (prompt + completion) a sequence may have, when known (the local model's context).
    var contextLength: Int? { get }
    /// The prompt's length in tokens, when the backend can tokenize (nil otherwise).
    func promptTokenCount(_ prompt: PromptInput) throws -> Int?
}

extension Backend {
    public var contextLength: Int? { nil }
    public func promptTokenCount(_ prompt: PromptInput) throws -> Int? { nil }
}

extension Backend {
    /// Convenience: all completions in request order.
    public func completeAll(_ requests: [CompletionRequest]) async throws -> [Completion] {
        var out = [Completion?](repeating: nil, count: requests.count)
        for try await item in complete(requests) where out.indices.contains(item.index) {
            out[item.index] = item.completion
        }
        // A stream that ends early (the consuming task was cancelled) leaves gaps: report it, never crash.
        try Task.checkCancellation()
        var completions: [Completion] = []
        completions.reserveCapacity(out.count)
        for (i, c) in out.enumerated() {
            guard let c else { throw IncompleteBatchError(missingIndex: i) }
            completions.append(c)
        }
        return completions
    }
}

/// A backend's stream ended without a completion for every request.
public struct IncompleteBatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first request index that got no completion.
    public var missingIndex: Int
    public var description: String { "the backend returned no completion for request \(missingIndex)" }
}

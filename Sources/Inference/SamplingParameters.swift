// Sampling parameters shared by every backend; names follow OpenAI's completions API.

/// How to sample one response.
public struct SamplingParameters: Sendable, Codable, Hashable {
    /// 0 means greedy.
    public var temperature: Double
    public var topP: Double
    /// 0 means off.
    public var topK: Int
    public var maxTokens: Int
    /// Generation stops before any of these strings; the string is not part of the text.
    public var stop: [String]
    /// The seed of this one sample (see `SeedDerivation`); nil lets the backend choose.
    public var seed: UInt64?
    /// Return per-token log-probabilities of the generated tokens.
    public var logprobs: Bool

    public init(temperature: Double = 1.0, topP: Double = 1.0, topK: Int = 0, maxTokens: Int = 256,
                stop: [String] = [], seed: UInt64? = nil, logprobs: Bool = false) {
        self.temperature = temperature; self.topP = topP; self.topK = topK; self.maxTokens = maxTokens
        self.stop = stop; self.seed = seed; self.logprobs = logprobs
    }
}

// Rewards of the RL loop: the protocol, the outcome vocabulary and a closure-based reward for token-level
// tasks; the math verifier reward is in VerifierReward.swift.

/// How one response was graded.
public enum RewardStatus: String, Sendable, Codable, Hashable {
    case correct, incorrect
    /// No final answer could be extracted (counted apart, as the paper does).
    case noAnswer = "no-answer"
    /// The grader itself failed (counted in the step metrics; reward 0).
    case graderFailure = "grader-failure"
}

/// The reward of one response and why.
public struct RewardOutcome: Sendable, Codable, Hashable {
    /// The reward.
    public var reward: Double
    /// The status.
    public var status: RewardStatus
    /// Bundles a reward.
    public init(reward: Double, status: RewardStatus) { self.reward = reward; self.status = status }
}

/// Scores responses.
public protocol RewardFunction: Sendable {
    /// The reward of `response` to `prompt`.
    func score(prompt: TrainingPrompt, response: SampledResponse) -> RewardOutcome
}

/// A reward from a closure (token-level tasks, tests).
public struct ClosureReward: RewardFunction {
    let body: @Sendable (TrainingPrompt, SampledResponse) -> RewardOutcome
    /// Wraps `body`.
    public init(_ body: @escaping @Sendable (TrainingPrompt, SampledResponse) -> RewardOutcome) { self.body = body }
    public func score(prompt: TrainingPrompt, response: SampledResponse) -> RewardOutcome { body(prompt, response) }
}

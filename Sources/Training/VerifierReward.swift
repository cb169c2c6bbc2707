// The RL reward of the math tasks: 1 for a verified-correct answer, 0 otherwise (the paper's
// rule-based reward, §3, with no format reward), graded under Grading's `ExtractionPolicy` — the same
// policy type the audit grades with and the exported reward.py embeds, so the three agree.

import Grading

/// 1/0 from the math verifier against the prompt's gold answers.
public struct VerifierReward: RewardFunction {
    /// Where answers are read and when the plain-text fallback may give credit.
    public let policy: ExtractionPolicy
    /// Wraps a policy (e.g. `ExtractionPolicy.forTemplate(extraction: .boxed, paperParity: true, plainTextFallback: false)`).
    public init(policy: ExtractionPolicy) { self.policy = policy }

    public func score(prompt: TrainingPrompt, response: SampledResponse) -> RewardOutcome {
        let g = policy.grade(response: response.text, golds: prompt.golds, truncated: response.truncated)
        switch g.status {
        case .correct: return RewardOutcome(reward: 1, status: .correct)
        case .incorrect: return RewardOutcome(reward: 0, status: .incorrect)
        case .noAnswer: return RewardOutcome(reward: 0, status: .noAnswer)
        }
    }
}

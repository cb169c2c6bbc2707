// The RL reward of the math tasks: 1 for a verified-correct answer, 0 otherwise (the paper's
// rule-based reward, §3, with no format reward), from Grading's `AnswerVerifier`.

import Grading

/// 1/0 from the math verifier against the prompt's gold answers.
public struct VerifierReward: RewardFunction {
    /// The verifier.
    public let verifier: AnswerVerifier
    /// Wraps a verifier (e.g. `AnswerVerifier.paperParity(mode: .boxed)`).
    public init(verifier: AnswerVerifier) { self.verifier = verifier }

    public func score(prompt: TrainingPrompt, response: SampledResponse) -> RewardOutcome {
        let g = verifier.grade(response: response.text, golds: prompt.golds)
        switch g.status {
        case .correct: return RewardOutcome(reward: 1, status: .correct)
        case .incorrect: return RewardOutcome(reward: 0, status: .incorrect)
        case .noAnswer: return RewardOutcome(reward: 0, status: .noAnswer)
        }
    }
}

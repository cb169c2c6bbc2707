// The training reward grades under the same ExtractionPolicy as the audit: the paper's rule by
// default (the template's format only), the fallback only when asked, no fallback credit for a
// response cut at the token limit.
import Grading
import Testing
@testable import Training

@Suite struct VerifierRewardTests {
    static func reward(_ extraction: String, fallback: Bool) throws -> VerifierReward {
        VerifierReward(policy: ExtractionPolicy.forTemplate(extraction: try AnswerExtraction.parse(extraction), paperParity: !fallback,
                                                                plainTextFallback: fallback))
    }
    static func response(_ text: String, truncated: Bool = false) -> SampledResponse {
        SampledResponse(promptTokens: [1], completionTokens: [2], text: text, truncated: truncated)
    }
    static let prompt = TrainingPrompt(id: "q", text: "2+2?", golds: ["4"])

    @Test(arguments: [
        // (extraction, fallback, response, truncated, reward)
        ("answer-tag", false, "<think>2+2</think> <answer>4</answer>", false, 1.0),
        ("answer-tag", false, "<think>2+2</think> <answer>She has 4 apples.</answer>", false, 1.0),
        ("answer-tag", false, "The answer is 4.", false, 0.0),
        ("boxed", false, "so \\boxed{4}", false, 1.0),
        ("boxed", false, "<answer>4</answer>", false, 0.0),
        ("boxed", true, "The answer is 4.", false, 1.0),
        ("boxed", true, "Step 1: we get 4 and then", true, 0.0),
        ("boxed", true, "so \\boxed{4}", true, 1.0),
        ("none", false, "The answer is 4.", false, 1.0),
        ("none", false, "We add 2 and 2 to get 4, then", true, 0.0),
    ])
    func rewardFollowsThePolicy(_ extraction: String, _ fallback: Bool, _ text: String, _ truncated: Bool,
                                _ expected: Double) throws {
        let r = try Self.reward(extraction, fallback: fallback)
        #expect(Double(r.score(prompt: Self.prompt, response: Self.response(text, truncated: truncated)).reward) == expected)
    }
}

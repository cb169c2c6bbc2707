// On the real SmolLM2-135M (gated on the cached GGUF): the trainer's fp32 decoder, loaded through
// Models.loadFloatWeights, must assign the engine's greedy tokens the same log-probs the engine reports,
// so rollout log-probs and learner log-probs agree (the PPO ratio starts at 1).

import Engine
import Foundation
import Inference
import Models
import Testing
@testable import Training

enum RealModels {
    static let smolLM2 = FileManager.default.homeDirectoryForCurrentUser
        .appendingPathComponent(".cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    static var hasSmolLM2: Bool { FileManager.default.fileExists(atPath: smolLM2) }
}

@Suite(.enabled(if: RealModels.hasSmolLM2, "needs scripts/fetch-models"))
struct RealModelTests {
    @Test func trainerLogProbsMatchTheEngine() async throws {
        let policy = try PolicyModel.load(path: RealModels.smolLM2)
        #expect(policy.configuration.numHiddenLayers == 30 && policy.configuration.tieWordEmbeddings)
        let backend = try LocalBackend.load(path: RealModels.smolLM2, threads: 2, weightFormat: .fp32)
        let c = try await backend.completeAll([CompletionRequest(
            prompt: .text("The capital of France is"),
            parameters: SamplingParameters(temperature: 0, maxTokens: 8, seed: 1, logprobs: true))])[0]
        let prompt = try #require(c.promptTokenIDs), completion = try #require(c.completionTokenIDs)
        let engine = try #require(c.logprobs).map(\.logprob)
        let mine = try policy.forward([ScoredSequence(tokens: prompt + completion, scoredFrom: prompt.count)],
                                      workspace: DecoderWorkspace()).logProbs[0]
        #expect(mine.count == engine.count)
        for (a, b) in zip(mine, engine) { #expect(abs(a - b) < 2e-3, "trainer \(a) vs engine \(b)") }
    }
}

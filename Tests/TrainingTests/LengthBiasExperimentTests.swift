// The length-bias experiment at toy scale (scripts/experiment-length-bias --synthetic): a tiny random
// decoder learns a prompt → first-token mapping (reward 1 when the response starts with the right token)
// under `grpo` and `dr-grpo` with the same seed and budget; the mean length of incorrect responses is
// recorded per step. With R1AUDIT_LENGTH_BIAS_CSV set, the series are written there for the script.
// The assertions check only that both runs learn and stay within budget: the observation itself is
// reported in docs/EXPERIMENTS.md, whichever way it goes. It runs only when R1AUDIT_LENGTH_BIAS_STEPS is
// set (a minute or more); TrainerTests covers learning in CI.

import Foundation
import Inference
import Models
import Testing
@testable import Training

@Suite(.enabled(if: ProcessInfo.processInfo.environment["R1AUDIT_LENGTH_BIAS_STEPS"] != nil, "set R1AUDIT_LENGTH_BIAS_STEPS"))
struct LengthBiasExperimentTests {
    static let config = DecoderConfiguration(modelType: "llama", hiddenSize: 24, intermediateSize: 48,
                                             numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2, vocabSize: 24,
                                             tieWordEmbeddings: true, eosTokenIDs: [1])
    static let budget = 16
    static let prompts = (0..<8).map { i in
        TrainingPrompt(id: "q\(i)", text: "", tokens: [2, 10 + i], golds: [String(3 + (i * 5) % 7)])
    }
    static let reward = ClosureReward { p, r in
        r.completionTokens.first.map(String.init) == p.golds.first
            ? RewardOutcome(reward: 1, status: .correct) : RewardOutcome(reward: 0, status: .incorrect)
    }

    static func run(_ preset: ObjectivePreset, steps: Int) async throws -> [StepMetrics] {
        let cfg = TrainerConfiguration(
            steps: steps, promptsPerStep: 4, groupSize: 8,
            sampling: SamplingParameters(temperature: 1, maxTokens: budget),
            learner: LearnerConfiguration(objective: PolicyObjective(preset: preset, maxNewTokens: budget), microBatchSize: 32),
            optimizer: AdamWConfiguration(learningRate: 3e-3, maxGradNorm: 1), seed: 2025)
        let model = try PolicyModel.random(configuration: config, seed: 9, scale: 0.1)
        return try await Trainer(configuration: cfg, prompts: prompts, sampler: PolicySampler(), reward: reward)
            .run(model: model).metrics
    }

    @Test func grpoAndDrGRPOOnTheSameSeed() async throws {
        let steps = Int(ProcessInfo.processInfo.environment["R1AUDIT_LENGTH_BIAS_STEPS"] ?? "") ?? 30
        let grpo = try await Self.run(.grpo, steps: steps)
        let dr = try await Self.run(.drGRPO, steps: steps)
        for m in grpo + dr {
            #expect(m.meanLength <= Double(Self.budget) && m.meanLength >= 1)
        }
        let early = { (ms: [StepMetrics]) in ms.prefix(5).map(\.reward).reduce(0, +) / 5 }
        let late = { (ms: [StepMetrics]) in ms.suffix(5).map(\.reward).reduce(0, +) / 5 }
        #expect(late(grpo) > early(grpo) && late(dr) > early(dr), "both objectives should learn the mapping")
        if let path = ProcessInfo.processInfo.environment["R1AUDIT_LENGTH_BIAS_CSV"] {
            var csv = "step,objective,reward,mean_length_incorrect,mean_length_correct,truncated_share\n"
            for (name, ms) in [("grpo", grpo), ("dr-grpo", dr)] {
                for m in ms {
                    csv += "\(m.step),\(name),\(m.reward),\(m.meanLengthIncorrect.map { "\($0)" } ?? ""),"
                    csv += "\(m.meanLengthCorrect.map { "\($0)" } ?? ""),\(m.truncatedShare)\n"
                }
            }
            try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        }
    }
}

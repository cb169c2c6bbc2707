// The RL loop end to end on a tiny random decoder and a trivial token task (reward 1 when the response
// starts with token 5; chance is 1/16): the reward must rise within a bounded number of steps at a fixed
// seed, and a run stopped and resumed from its checkpoint must end bit-identical to an uninterrupted one.

import Foundation
import Inference
import Models
import Testing
@testable import Training

@Suite struct TrainerTests {
    static let config = DecoderConfiguration(modelType: "llama", hiddenSize: 16, intermediateSize: 32,
                                             numHiddenLayers: 1, numAttentionHeads: 2, numKeyValueHeads: 1, vocabSize: 16,
                                             tieWordEmbeddings: true, eosTokenIDs: [1])
    static let prompts = (0..<4).map { TrainingPrompt(id: "p\($0)", text: "", tokens: [2, 6 + $0], golds: ["5"]) }
    static let reward = ClosureReward { _, r in
        r.completionTokens.first == 5 ? RewardOutcome(reward: 1, status: .correct) : RewardOutcome(reward: 0, status: .incorrect)
    }

    static func trainer(_ preset: ObjectivePreset, steps: Int, dir: URL? = nil, precision: LearnerPrecision = .fp32) throws -> Trainer {
        let cfg = TrainerConfiguration(
            steps: steps, promptsPerStep: 2, groupSize: 8,
            sampling: SamplingParameters(temperature: 1, maxTokens: 3),
            learner: LearnerConfiguration(objective: PolicyObjective(preset: preset, maxNewTokens: 3), microBatchSize: 8,
                                          precision: precision),
            optimizer: AdamWConfiguration(learningRate: 3e-2, maxGradNorm: 1), seed: 42, evalEvery: 0, checkpointEvery: 2)
        return try Trainer(configuration: cfg, prompts: prompts, evalPrompts: prompts, sampler: PolicySampler(), reward: reward,
                           checkpoints: dir.map { CheckpointStore(directory: $0) })
    }

    @Test(arguments: [ObjectivePreset.drGRPO, .grpo], LearnerPrecision.allCases)
    func rewardRisesOnATrivialTask(preset: ObjectivePreset, precision: LearnerPrecision) async throws {
        let model = try PolicyModel.random(configuration: Self.config, seed: 1, scale: 0.1)
        let summary = try await Self.trainer(preset, steps: 25, precision: precision).run(model: model)
        let first = summary.metrics.prefix(5).map(\.reward).reduce(0, +) / 5
        let last = summary.metrics.suffix(5).map(\.reward).reduce(0, +) / 5
        #expect(first < 0.3, "the random model already solves the task (\(first)); the test would be vacuous")
        #expect(last > first + 0.4, "reward went from \(first) to \(last) in 25 steps")
        #expect(summary.metrics.allSatisfy { $0.gradNorm.isFinite && $0.entropy > 0 })
    }

    @Test func resumeContinuesExactly() async throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-train-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let model = try PolicyModel.random(configuration: Self.config, seed: 3, scale: 0.1)
        let straight = try await Self.trainer(.drGRPO, steps: 4, dir: tmp.appendingPathComponent("a")).run(model: model)
        _ = try await Self.trainer(.drGRPO, steps: 2, dir: tmp.appendingPathComponent("b")).run(model: model)
        let resumed = try await Self.trainer(.drGRPO, steps: 4, dir: tmp.appendingPathComponent("b")).run(model: model, resume: true)
        #expect(resumed.startStep == 2 && resumed.finalStep == 4)
        #expect(resumed.metrics.map(\.reward) == Array(straight.metrics.suffix(2)).map(\.reward))
        var a = model, b = model, o1 = AdamW(configuration: .init(), parameters: model.parameters), o2 = o1
        _ = try CheckpointStore(directory: tmp.appendingPathComponent("a")).restore(model: &a, optimizer: &o1)
        _ = try CheckpointStore(directory: tmp.appendingPathComponent("b")).restore(model: &b, optimizer: &o2)
        #expect(a.parameters.values == b.parameters.values)
        #expect(o1.m == o2.m && o1.v == o2.v && o1.step == o2.step && o1.step == 4)
        #expect(a.parameters.values != model.parameters.values)
        // The checkpoint is an HF folder.
        let folder = tmp.appendingPathComponent("a/step-000004")
        for f in ["model.safetensors", "config.json", "optimizer.safetensors", "trainer_state.json"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(f).path), "\(f) missing")
        }
        let cfg = try JSONDecoder().decode(DecoderConfiguration.self, from: Data(contentsOf: folder.appendingPathComponent("config.json")))
        #expect(cfg == Self.config)
    }

    @Test func dataOrderCoversEveryPromptEachEpoch() throws {
        let t = try Self.trainer(.drGRPO, steps: 4)
        let epoch = (0..<2).flatMap { t.promptIndices(step: $0) }
        #expect(Set(epoch) == Set(0..<4))
        #expect(t.promptIndices(step: 3) == t.promptIndices(step: 3))
    }

    @Test func invalidSettingsAreRejected() {
        #expect(throws: TrainingError.self) {
            _ = try Trainer(configuration: TrainerConfiguration(
                steps: 1, promptsPerStep: 1, groupSize: 1, sampling: SamplingParameters(maxTokens: 4),
                learner: LearnerConfiguration(objective: PolicyObjective(preset: .drGRPO, maxNewTokens: 4)),
                optimizer: AdamWConfiguration(), seed: 1), prompts: Self.prompts, sampler: PolicySampler(), reward: Self.reward)
        }
    }
}

@Suite struct ResumeRefusalTests {
    @Test func reusingACheckpointFolderWithoutResumeIsRefused() async throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-refuse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let model = try PolicyModel.random(configuration: TrainerTests.config, seed: 3, scale: 0.1)
        _ = try await TrainerTests.trainer(.drGRPO, steps: 2, dir: tmp).run(model: model)
        let before = try Data(contentsOf: tmp.appendingPathComponent("step-000002/model.safetensors"))
        await #expect(throws: TrainingError.runExists(path: tmp.path, found: "checkpoint step-000002")) {
            _ = try await TrainerTests.trainer(.drGRPO, steps: 4, dir: tmp).run(model: model)
        }
        // Nothing was overwritten, and --resume still continues.
        #expect(try Data(contentsOf: tmp.appendingPathComponent("step-000002/model.safetensors")) == before)
        let resumed = try await TrainerTests.trainer(.drGRPO, steps: 4, dir: tmp).run(model: model, resume: true)
        #expect(resumed.startStep == 2 && resumed.finalStep == 4)
    }

    @Test func theMessageSaysWhatToDo() {
        let text = TrainingError.runExists(path: "runs/x", found: "checkpoint step-000002").localizedDescription
        #expect(text.contains("runs/x") && text.contains("--resume") && text.contains("step-000002"))
    }
}

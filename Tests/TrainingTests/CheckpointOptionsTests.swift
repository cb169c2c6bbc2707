// Checkpoint formats: fp32 and bf16 weights load back (bf16 within its rounding), optimiser state is
// optional and --resume refuses a checkpoint without it, and trainer_state.json has Hugging Face
// Trainer's keys with one log_history entry per step (also across a resume).

import Foundation
import Checkpoints
import Inference
import Testing
@testable import Training

@Suite struct CheckpointOptionsTests {
    static func tmp() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-ckpt-\(UUID().uuidString)")
    }

    static func trainer(steps: Int, dir: URL, format: CheckpointFormat?) throws -> Trainer {
        let cfg = TrainerConfiguration(
            steps: steps, promptsPerStep: 2, groupSize: 4,
            sampling: SamplingParameters(temperature: 1, maxTokens: 3),
            learner: LearnerConfiguration(objective: PolicyObjective(preset: .drGRPO, maxNewTokens: 3), microBatchSize: 8),
            optimizer: AdamWConfiguration(learningRate: 3e-2, maxGradNorm: 1), seed: 7, checkpointEvery: 1,
            checkpointFormat: format)
        return try Trainer(configuration: cfg, prompts: TrainerTests.prompts, sampler: PolicySampler(), reward: TrainerTests.reward,
                           checkpoints: CheckpointStore(directory: dir))
    }

    /// The bf16 value torch's `.to(torch.bfloat16)` gives (round to nearest even), back in fp32.
    static func bf16(_ x: Float) -> Float { Float(bitPattern: UInt32(SafetensorsWriter.bf16Bits(x)) << 16) }

    @Test(arguments: CheckpointFormat.WeightsDType.allCases)
    func weightsRoundTripInEitherDType(dtype: CheckpointFormat.WeightsDType) throws {
        let dir = Self.tmp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try PolicyModel.random(configuration: TrainerTests.config, seed: 5, scale: 0.1)
        let optimizer = AdamW(configuration: .init(), parameters: model.parameters)
        let url = try CheckpointStore(directory: dir).save(model: model, optimizer: optimizer,
                                                            state: TrainerState(step: 1, optimizerStep: 0, seed: 0, settings: "x"),
                                                            format: CheckpointFormat(weights: dtype))
        let file = try SafetensorsFile(url: url.appendingPathComponent("model.safetensors"))
        for slot in model.parameters.slots {
            #expect(file.entries[slot.name]?.dtype == dtype.safetensorsName)
            let stored = try file.tensor(slot.name).storage
            let original = Array(model.parameters.values[slot.offset..<(slot.offset + slot.count)])
            #expect(stored == (dtype == .fp32 ? original : original.map(Self.bf16)), "\(slot.name)")
        }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: url.appendingPathComponent("model.safetensors").path)[.size] as? Int)
        let count = model.parameters.values.count
        #expect(dtype == .fp32 ? size >= 4 * count : (size >= 2 * count && size < 4 * count), "\(size) bytes for \(count) \(dtype) weights")
        let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url.appendingPathComponent("config.json"))) as? [String: Any])
        #expect(config["torch_dtype"] as? String == dtype.torchDType)
        // The engine's loader reads the folder back to the same weights.
        var loaded = try PolicyModel.random(configuration: TrainerTests.config, seed: 9, scale: 0.1)
        var o = optimizer
        _ = try CheckpointStore(directory: dir).restore(model: &loaded, optimizer: &o)
        #expect(loaded.parameters.values == (dtype == .fp32 ? model.parameters.values : model.parameters.values.map(Self.bf16)))
    }

    @Test(arguments: [(Float(1.0), Float(1.0)), (1.00390625, 1.0), (1.01171875, 1.015625), (0.1, 0.10009765625),
                      (Float.greatestFiniteMagnitude, Float.infinity)])
    func bf16RoundsToNearestEven(x: Float, expected: Float) {
        #expect(Self.bf16(x) == expected)
    }

    @Test func resumeRefusesACheckpointWithoutOptimizerState() async throws {
        let dir = Self.tmp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try PolicyModel.random(configuration: TrainerTests.config, seed: 3, scale: 0.1)
        let format = CheckpointFormat(weights: .fp32, saveOptimizer: false)
        _ = try await Self.trainer(steps: 2, dir: dir, format: format).run(model: model)
        let last = try #require(CheckpointStore(directory: dir).latest())
        #expect(!FileManager.default.fileExists(atPath: last.appendingPathComponent("optimizer.safetensors").path))
        #expect(FileManager.default.fileExists(atPath: last.appendingPathComponent("model.safetensors").path))
        await #expect(throws: TrainingError.noOptimizerState(checkpoint: last.path)) {
            _ = try await Self.trainer(steps: 3, dir: dir, format: format).run(model: model, resume: true)
        }
        let message = TrainingError.noOptimizerState(checkpoint: last.path).localizedDescription
        #expect(message.contains("--model \(last.path)") && message.contains("--save-optimizer"))
    }

    @Test func trainerStateHasHuggingFaceTrainersShapeAcrossAResume() async throws {
        let dir = Self.tmp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try PolicyModel.random(configuration: TrainerTests.config, seed: 4, scale: 0.1)
        _ = try await Self.trainer(steps: 2, dir: dir, format: nil).run(model: model)
        let resumed = try await Self.trainer(steps: 3, dir: dir, format: nil).run(model: model, resume: true)
        let url = try #require(CheckpointStore(directory: dir).latest())
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url.appendingPathComponent("trainer_state.json"))) as? [String: Any])
        // Exactly the fields of transformers' TrainerState dataclass (load_from_json passes them as keywords).
        let hfKeys: Set<String> = ["epoch", "global_step", "max_steps", "logging_steps", "eval_steps", "save_steps", "train_batch_size",
                                   "num_train_epochs", "num_input_tokens_seen", "total_flos", "log_history", "best_metric",
                                   "best_global_step", "best_model_checkpoint", "is_local_process_zero", "is_world_process_zero",
                                   "is_hyper_param_search", "trial_name", "trial_params", "stateful_callbacks"]
        #expect(Set(json.keys) == hfKeys)
        #expect(json["global_step"] as? Int == 3 && json["max_steps"] as? Int == 3)
        #expect(json["epoch"] as? Double == 1.5)              // 3 steps × 2 prompts over 4 prompts
        #expect(json["train_batch_size"] as? Int == 8)
        for key in ["best_metric", "best_global_step", "best_model_checkpoint"] { #expect(json[key] is NSNull, "\(key)") }
        let log = try #require(json["log_history"] as? [[String: Any]])
        #expect(log.compactMap { $0["step"] as? Int } == [1, 2, 3])
        for entry in log {
            for key in ["loss", "reward", "learning_rate", "epoch"] { #expect((entry[key] as? Double) != nil, "\(key)") }
        }
        // The resumed step's entry is the metrics it reported.
        #expect(log.last?["reward"] as? Double == resumed.metrics.last?.reward)
        #expect(log.last?["learning_rate"] as? Double == resumed.metrics.last?.learningRate)
        // The loop state --resume reads lives beside it.
        let state = try CheckpointStore.loopState(at: url)
        #expect(state.step == 3 && state.format == CheckpointFormat())
    }

    @Test func checkpointsFromBeforeTheFormatStillResume() async throws {
        let dir = Self.tmp()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try PolicyModel.random(configuration: TrainerTests.config, seed: 6, scale: 0.1)
        _ = try await Self.trainer(steps: 1, dir: dir, format: nil).run(model: model)
        // Rewrite the checkpoint as older versions did: the loop state in trainer_state.json, no r1audit_state.json.
        let url = try #require(CheckpointStore(directory: dir).latest())
        var state = try CheckpointStore.loopState(at: url)
        state.format = nil
        try JSONEncoder().encode(state).write(to: url.appendingPathComponent("trainer_state.json"))
        try FileManager.default.removeItem(at: url.appendingPathComponent(CheckpointStore.stateFile))
        let resumed = try await Self.trainer(steps: 2, dir: dir, format: nil).run(model: model, resume: true)
        #expect(resumed.startStep == 1 && resumed.finalStep == 2)
    }
}

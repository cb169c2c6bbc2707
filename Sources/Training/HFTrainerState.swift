// What a checkpoint holds beside the weights, in the shapes other tools read:
//   trainer_state.json   Hugging Face Trainer's TrainerState (transformers/trainer_callback.py): the keys
//                        TrainerState.load_from_json passes to the dataclass, nothing else (an unknown key
//                        would make `TrainerState(**json)` fail), log_history one entry per RL step with
//                        loss, reward and learning_rate, the best_* fields null (no best-model tracking);
//   r1audit_state.json   the loop state --resume needs (`TrainerState` below: step, AdamW step, seed, the
//                        settings fingerprint) and how the checkpoint was written (weights dtype, optimiser).
// Checkpoints from before r1audit_state.json kept the loop state in trainer_state.json; restore reads both.

import Foundation

/// How checkpoints are written (`r1audit train --save-dtype`, `--save-optimizer`).
public struct CheckpointFormat: Sendable, Codable, Hashable {
    /// The weights' safetensors dtype.
    public enum WeightsDType: String, Sendable, Codable, Hashable, CaseIterable {
        /// IEEE fp32 (safetensors `F32`): exact, what --resume continues bit-exactly from.
        case fp32
        /// bfloat16 (safetensors `BF16`, round to nearest even): half the size, what HF models ship in.
        case bf16

        /// The safetensors dtype name.
        public var safetensorsName: String { self == .fp32 ? "F32" : "BF16" }
        /// config.json's torch_dtype.
        public var torchDType: String { self == .fp32 ? "float32" : "bfloat16" }
    }

    /// The weights' dtype.
    public var weights: WeightsDType
    /// Whether the AdamW moments are written (optimizer.safetensors, ~8 bytes per parameter); --resume
    /// refuses a checkpoint without them.
    public var saveOptimizer: Bool

    /// fp32 weights with optimiser state: what --resume needs to continue bit-exactly (the default).
    public init(weights: WeightsDType = .fp32, saveOptimizer: Bool = true) {
        self.weights = weights; self.saveOptimizer = saveOptimizer
    }
}

/// The loop state saved beside the weights (r1audit_state.json).
public struct TrainerState: Sendable, Codable, Hashable {
    /// RL steps completed.
    public var step: Int
    /// AdamW steps taken.
    public var optimizerStep: Int
    /// The run's seed (data order and sampling seeds derive from it and the step).
    public var seed: UInt64
    /// Fingerprint of the settings that must not change on resume.
    public var settings: String
    /// How the checkpoint was written (nil in checkpoints from before the choice: fp32 with optimiser).
    public var format: CheckpointFormat?

    /// The loop state after `step` steps.
    public init(step: Int, optimizerStep: Int, seed: UInt64, settings: String, format: CheckpointFormat? = nil) {
        self.step = step; self.optimizerStep = optimizerStep; self.seed = seed; self.settings = settings; self.format = format
    }
}

/// One log_history entry of Hugging Face's trainer_state.json: the step's metrics under Trainer/TRL names.
public struct HFLogEntry: Sendable, Codable, Hashable {
    public var step: Int
    public var epoch: Double
    public var loss: Double
    public var reward: Double
    public var learning_rate: Double
    public var grad_norm: Double
    public var kl: Double
    public var entropy: Double
    public var clip_ratio: Double
    public var accuracy: Double
    public var completion_length: Double
    public var completion_length_correct: Double?
    public var completion_length_incorrect: Double?
    public var truncated_ratio: Double
    public var zero_std_ratio: Double
    public var eval_accuracy: Double?

    /// The entry of one step's metrics; `epoch` is the step's fraction of passes over the training prompts.
    public init(_ m: StepMetrics, epoch: Double) {
        step = m.step; self.epoch = epoch; loss = m.loss; reward = m.reward; learning_rate = m.learningRate
        grad_norm = m.gradNorm; kl = m.kl; entropy = m.entropy; clip_ratio = m.clipFraction; accuracy = m.accuracy
        completion_length = m.meanLength; completion_length_correct = m.meanLengthCorrect
        completion_length_incorrect = m.meanLengthIncorrect; truncated_ratio = m.truncatedShare
        zero_std_ratio = m.zeroVarianceGroupShare; eval_accuracy = m.evalAccuracy
    }
}

/// Hugging Face Trainer's trainer_state.json (every field of transformers' TrainerState dataclass).
public struct HFTrainerState: Sendable, Codable, Hashable {
    public var epoch: Double
    public var global_step: Int
    public var max_steps: Int
    public var logging_steps: Int
    public var eval_steps: Int
    public var save_steps: Int
    public var train_batch_size: Int
    public var num_train_epochs: Int
    public var num_input_tokens_seen: Int
    public var total_flos: Double
    public var log_history: [HFLogEntry]
    public var best_metric: Double?
    public var best_global_step: Int?
    public var best_model_checkpoint: String?
    public var is_local_process_zero: Bool
    public var is_world_process_zero: Bool
    public var is_hyper_param_search: Bool
    public var trial_name: String?
    public var trial_params: [String: String]?
    public var stateful_callbacks: [String: String]

    /// The state after `globalStep` of `maxSteps` steps of `batchSize` responses over `promptCount`
    /// prompts taken `promptsPerStep` at a time; `log` holds every step's entry so far.
    public init(globalStep: Int, maxSteps: Int, promptsPerStep: Int, promptCount: Int, batchSize: Int,
                evalSteps: Int, saveSteps: Int, log: [HFLogEntry]) {
        epoch = Self.epoch(step: globalStep, promptsPerStep: promptsPerStep, promptCount: promptCount)
        global_step = globalStep; max_steps = maxSteps; logging_steps = 1
        eval_steps = evalSteps; save_steps = saveSteps; train_batch_size = batchSize
        num_train_epochs = Int((Self.epoch(step: maxSteps, promptsPerStep: promptsPerStep, promptCount: promptCount)).rounded(.up))
        num_input_tokens_seen = 0; total_flos = 0; log_history = log
        best_metric = nil; best_global_step = nil; best_model_checkpoint = nil
        is_local_process_zero = true; is_world_process_zero = true; is_hyper_param_search = false
        trial_name = nil; trial_params = nil; stateful_callbacks = [:]
    }

    /// Passes over the training prompts after `step` steps.
    public static func epoch(step: Int, promptsPerStep: Int, promptCount: Int) -> Double {
        Double(step * promptsPerStep) / Double(max(promptCount, 1))
    }

    /// The JSON as transformers writes it (indent 2, sorted keys); nil optionals are written as null.
    public func json() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try enc.encode(self)
        // Synthesised Codable omits nil optionals; HF's dataclass has them, written as null.
        guard var dict = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return data }
        for key in ["best_metric", "best_global_step", "best_model_checkpoint", "trial_name", "trial_params"] where dict[key] == nil {
            dict[key] = NSNull()
        }
        return try JSONSerialization.data(withJSONObject: dict, options: [.prettyPrinted, .sortedKeys])
    }
}

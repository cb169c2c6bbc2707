// `r1audit train`: RL-tune a local model with Dr. GRPO (or GRPO, RLOO) on the CPU (issue 6, paper §3).
// Thin: options, validate(), one `TrainingSession.run`, render. Metrics go to the run store as train/NAME.
import ArgumentParser
import Foundation
import Inference
import Training

extension TrainingError: BadInputError {
    /// Options, batches and configurations are input; I/O and non-finite losses are runtime failures.
    public var isBadInput: Bool {
        switch self {
        case .invalidOption, .unsupportedConfiguration, .missingTensor, .shapeMismatch, .corruptState, .runExists: return true
        case .invalidBatch, .io, .nonFinite: return false
        }
    }
}

/// `r1audit train --model PATH --dataset FILE --objective dr-grpo …`
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "RL-tune a local model with Dr. GRPO (or GRPO / RLOO) on the CPU, with checkpoints and resume.",
        discussion: """
        Each step takes --prompts-per-step questions from --dataset (rendered with --template), samples \
        --group-size responses per question from the current model, rewards 1 for a verified-correct answer \
        and 0 otherwise, and takes a PPO-clipped policy-gradient step.

        --objective dr-grpo (default): advantage r − mean, token sums divided by --max-new-tokens (unbiased).
        --objective grpo: advantage (r − mean)/(std + ε), each response divided by its own length (length-biased).
        The two fixes are independent: --std-normalization and --loss-aggregation override the preset.

        Truncated responses (no EOS within --max-new-tokens) get reward 0 and stay in the loss unless \
        --mask-truncated drops them. Every step prints one line (reward, accuracy, mean length of correct \
        and incorrect responses, truncated share, zero-variance groups, clip fraction, entropy, gradient \
        norm, grader failures, rollout and learner tokens/s) and stores it in runs/RUN/run.sqlite. \
        Checkpoints are Hugging Face folders in runs/RUN/checkpoints/step-N (weights, config.json and tokenizer \
        files, also when training from a GGUF; AdamW moments beside them); rerun with --resume to continue. \
        --gradient-checkpointing recomputes each layer's activations in backward: about L times less \
        activation memory for one more forward, with bit-identical gradients.

        Example: r1audit train --model ~/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf \
        --dataset ../shared/datasets/gsm8k.jsonl --template qwen-math --steps 20 --run smol-drgrpo
        """)

    @Option(help: "Local model: a GGUF file or a Hugging Face folder.")
    var model: String = "\(FileManager.default.homeDirectoryForCurrentUser.path)/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    @Option(help: "Training questions: JSONL with problem and answer fields.")
    var dataset: String
    @Option(help: "Held-out questions for greedy evaluation (default: none).")
    var evalDataset: String?
    @Option(help: "Use only the first N training questions.")
    var limit: Int?
    @Option(help: "Evaluate on the first N held-out questions.")
    var evalLimit: Int = 50
    @Option(help: "Prompt template: qwen-math, r1, none, or a file.")
    var template: String = "qwen-math"
    @Option(help: "dr-grpo, grpo or rloo.")
    var objective: String = "dr-grpo"
    @Option(help: "Override the preset's std normalisation of advantages: on or off.")
    var stdNormalization: String?
    @Option(help: "Override the preset's loss aggregation: token-mean, seq-mean-token-mean, seq-mean-token-sum, seq-mean-token-sum-norm.")
    var lossAggregation: String?
    @Option(help: "ε added to the group std (oat 1e-8, TRL 1e-4, verl 1e-6).")
    var epsilon: Double = 1e-6
    @Option(help: "Responses per question (G).")
    var groupSize: Int = 8
    @Option(help: "Questions per step.")
    var promptsPerStep: Int = 4
    @Option(help: "RL steps.")
    var steps: Int = 20
    @Option(help: "Generation budget per response, also Dr. GRPO's normalising constant.")
    var maxNewTokens: Int = 256
    @Option(help: "Rollout temperature.")
    var temperature: Double = 1.0
    @Option(help: "Rollout top-p.")
    var topP: Double = 1.0
    @Option(help: "PPO clip ε (ratio clipped to [1−ε, 1+ε]).")
    var clip: Double = 0.2
    @Option(help: "Upper clip ε (DAPO clip-higher); default --clip.")
    var clipHigh: Double?
    @Option(help: "KL coefficient β against the initial model (0: no reference model).")
    var kl: Double = 0
    @Option(help: "PPO epochs over each rollout batch.")
    var ppoEpochs: Int = 1
    @Option(help: "Optimiser steps per epoch (mini-batches).")
    var miniBatches: Int = 1
    @Option(help: "Sequences per forward/backward (memory only; results do not change).")
    var microBatch: Int = 8
    @Flag(help: "Also accept a plain-text final answer (\"The answer is 15\") when no \\boxed{} / <answer> is found (off: the paper's grader).")
    var plainTextFallback = false
    @Flag(help: "Drop truncated responses from the loss instead of keeping them with reward 0.")
    var maskTruncated = false
    @Flag(help: "Recompute layer activations in backward instead of keeping them all (less memory, ~1 more forward; same gradients).")
    var gradientCheckpointing = false
    @Option(help: "AdamW learning rate.")
    var learningRate: Double = 1e-6
    @Option(help: "AdamW weight decay (not applied to norms and biases).")
    var weightDecay: Double = 0
    @Option(help: "Clip the global gradient norm to this (0: off).")
    var maxGradNorm: Double = 1
    @Option(help: "Linear learning-rate warm-up steps (0: constant).")
    var warmupSteps: Int = 0
    @Option(help: "Seed of data order, sampling and shuffles.")
    var seed: UInt64 = 0
    @Option(help: "Greedy evaluation every N steps (0: never).")
    var evalEvery: Int = 0
    @Option(help: "Checkpoint every N steps (always at the end); 1 means a killed run loses at most the step in flight.")
    var checkpointEvery: Int = 1
    @Option(help: "Keep only the newest N checkpoints (0: keep all; each holds the weights and AdamW moments, ~12 bytes per parameter).")
    var keepCheckpoints: Int = 2
    @Flag(help: "Continue from the run's last checkpoint (weights, optimiser, step; data order and seeds follow).")
    var resume = false
    @Option(help: "CPU threads.")
    var threads: Int = 2
    @OptionGroup var runOptions: RunOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard ObjectivePreset(rawValue: objective) != nil else {
            throw ValidationError("--objective must be one of \(ObjectivePreset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let s = stdNormalization, !["on", "off"].contains(s) { throw ValidationError("--std-normalization must be on or off") }
        if let a = lossAggregation, LossAggregation(rawValue: a) == nil {
            throw ValidationError("--loss-aggregation must be one of \(LossAggregation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if groupSize < 2 { throw ValidationError("--group-size must be at least 2") }
        if evalEvery > 0 && evalDataset == nil {
            throw ValidationError("--eval-every needs --eval-dataset (the held-out questions to evaluate on)")
        }
        if evalEvery < 0 || checkpointEvery < 0 { throw ValidationError("--eval-every and --checkpoint-every must be 0 or positive") }
        if keepCheckpoints < 0 { throw ValidationError("--keep-checkpoints must be 0 (keep all) or positive") }
        if steps < 1 || promptsPerStep < 1 || maxNewTokens < 1 || ppoEpochs < 1 || miniBatches < 1 || microBatch < 1 {
            throw ValidationError("--steps, --prompts-per-step, --max-new-tokens, --ppo-epochs, --mini-batches and --micro-batch must be positive")
        }
        if learningRate <= 0 || clip <= 0 || temperature <= 0 { throw ValidationError("--learning-rate, --clip and --temperature must be positive") }
    }

    func trainerConfiguration(stop: [String]) -> TrainerConfiguration {
        var obj = PolicyObjective(preset: ObjectivePreset(rawValue: objective) ?? .drGRPO, maxNewTokens: maxNewTokens, epsilon: epsilon)
        if let s = stdNormalization { obj.scaleByStd = s == "on" }
        if let a = lossAggregation.flatMap(LossAggregation.init(rawValue:)) { obj.aggregation = a }
        obj.clipLow = clip; obj.clipHigh = clipHigh ?? clip; obj.klCoefficient = kl
        return TrainerConfiguration(
            steps: steps, promptsPerStep: promptsPerStep, groupSize: groupSize,
            sampling: SamplingParameters(temperature: temperature, topP: topP, maxTokens: maxNewTokens, stop: stop),
            learner: LearnerConfiguration(objective: obj, ppoEpochs: ppoEpochs, miniBatches: miniBatches,
                                          microBatchSize: microBatch, maskTruncated: maskTruncated,
                                          gradientCheckpointing: gradientCheckpointing),
            optimizer: AdamWConfiguration(learningRate: learningRate, weightDecay: weightDecay, maxGradNorm: maxGradNorm,
                                          schedule: warmupSteps > 0 ? .warmup(steps: warmupSteps) : .constant),
            seed: seed, evalEvery: evalEvery, checkpointEvery: checkpointEvery)
    }

    func run() async throws {
        setBLASThreads(threads)
        let cfg = trainerConfiguration(stop: try TrainingSession.stopStrings(template: template))
        let setup = TrainingSetup(model: model, dataset: dataset, evalDataset: evalDataset, limit: limit, evalLimit: evalLimit,
                                  template: template, plainTextFallback: plainTextFallback, threads: threads,
                                  runDirectory: runOptions.runDirectory, keepCheckpoints: keepCheckpoints)
        let quiet = output.json
        let summary = try await TrainingSession.run(setup, configuration: cfg, resume: resume, warning: { w in
            if !quiet { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
        }, onStep: { m in
            if !quiet { FileHandle.standardError.write(Data("step \(m.step)/\(cfg.steps) \(m.summary)\n".utf8)) }
        })
        try output.emit(summary) {
            let last = summary.metrics.last.map { $0.summary } ?? "no steps run (already at step \(summary.finalStep))"
            return "trained steps \(summary.startStep + 1)–\(summary.finalStep): \(last)\ncheckpoint: \(summary.lastCheckpoint ?? "none")"
        }
    }
}

// `r1audit train`: RL-tune a local model with Dr. GRPO (or GRPO, RLOO) on the CPU (issue 6, paper §3).
// Thin: options, validate(), one `TrainingSession.run`, render. Metrics go to the run store as train/NAME.
import Analyses
import ArgumentParser
import Datasets
import Foundation
import Inference
import Training
import TrainingRuns

extension TrainingError: BadInputError {
    /// Options, batches and configurations are input; I/O and non-finite losses are runtime failures.
    public var isBadInput: Bool {
        switch self {
        case .invalidOption, .unsupportedConfiguration, .missingTensor, .shapeMismatch, .corruptState, .runExists, .noOptimizerState: return true
        case .invalidBatch, .io, .nonFinite: return false
        }
    }
}

/// `--precision fp32|bf16` (train and bench train).
extension LearnerPrecision: ExpressibleByArgument {}

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
        files, also when training from a GGUF; AdamW moments beside them unless --no-save-optimizer; \
        Hugging Face Trainer's trainer_state.json with every step's loss, reward and learning rate); rerun with \
        --resume to continue (refused for a checkpoint saved without optimizer state: start a new run from it \
        with --model DIR). --save-dtype bf16 halves the weights (a resume continues from the rounded weights). \
        --gradient-checkpointing recomputes each layer's activations in backward: about L times less \
        activation memory for one more forward, with bit-identical gradients.

        --from-audit RUN takes the audit run's chosen template, its grader (as --reward) and the exploration \
        temperature with the best pass@k, trains on the audit's questions and drops those with no correct \
        sample (zero reward signal) and, unless --keep-solved, those always correct; --template, \
        --temperature, --reward and --dataset still override. The choices are printed and stored in the \
        training run as train.from_audit.

        Example: r1audit train --model ~/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf \
        --dataset ../shared/datasets/gsm8k.jsonl --template qwen-math --steps 20 --run smol-drgrpo
        Example: r1audit audit --run smol-audit && r1audit train --from-audit smol-audit --run smol-rl
        """)

    @Option(help: "Local model: a GGUF file or a Hugging Face folder.")
    var model: String = "\(FileManager.default.homeDirectoryForCurrentUser.path)/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    @Option(help: ArgumentHelp("Training questions: `builtin`, a JSONL file, or a suite name (default: builtin, or the audit's questions with --from-audit).",
                               valueName: "FILE|builtin|NAME"))
    var dataset: String?
    @Option(help: ArgumentHelp("Held-out questions for greedy evaluation (default: none).", valueName: "FILE|builtin|NAME"))
    var evalDataset: String?
    @OptionGroup var datasetKeys: TrainingDatasetKeys
    @Option(help: ArgumentHelp("Take template, reward, temperature and the training questions from this audit run.", valueName: "RUN"))
    var fromAudit: String?
    @Flag(help: "With --from-audit: keep questions the audit always solved (no gradient at G ≤ k; dropped by default).")
    var keepSolved = false
    @Option(help: "Use only the first N training questions.")
    var limit: Int?
    @Option(help: "Evaluate on the first N held-out questions.")
    var evalLimit: Int = 50
    @Option(help: "Prompt template: qwen-math, r1, none, or a file (default: qwen-math, or the audit's).")
    var template: String?
    @Option(help: "The reward's extraction: paper (template format only), auto (boxed or answer tag) or fallback (also plain text); default: paper, or the audit's grader.")
    var reward: RewardChoice?
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
    @Option(help: "Rollout temperature (default: 1.0, or the audit's best).")
    var temperature: Double?
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
    @Flag(help: "Also accept a plain-text final answer (\"The answer is 15\") when no \\boxed{} / <answer> is found (as --reward fallback).")
    var plainTextFallback = false
    @Flag(help: "Drop truncated responses from the loss instead of keeping them with reward 0.")
    var maskTruncated = false
    @Flag(help: "Recompute layer activations in backward instead of keeping them all (less memory, ~1 more forward; same gradients).")
    var gradientCheckpointing = false
    @Option(help: "Learner precision: fp32, or bf16 (bf16 weights/activations into the Linear products, fp32 accumulation, fp32 master weights and AdamW). Default: bf16 where the CPU has avx512_bf16, else fp32.")
    var precision: LearnerPrecision?
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
    @Flag(inversion: .prefixedNo, help: "Save the AdamW moments in each checkpoint (needed by --resume; ~8 bytes per parameter).")
    var saveOptimizer = true
    @Option(help: "Checkpoint weights dtype: fp32 (exact, resumes bit-exactly) or bf16 (half the size).")
    var saveDtype: CheckpointFormat.WeightsDType = .fp32
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
        if fromAudit == nil && keepSolved { throw ValidationError("--keep-solved needs --from-audit RUN (the audit's pass rates select the questions)") }
        if plainTextFallback && reward != nil && reward != .fallback {
            throw ValidationError("--plain-text-fallback contradicts --reward \(reward?.rawValue ?? ""); give one of them")
        }
        if let t = temperature, t <= 0 { throw ValidationError("--temperature must be positive") }
        if learningRate <= 0 || clip <= 0 { throw ValidationError("--learning-rate and --clip must be positive") }
    }

    func trainerConfiguration(stop: [String], temperature: Double = 1.0) -> TrainerConfiguration {
        var obj = PolicyObjective(preset: ObjectivePreset(rawValue: objective) ?? .drGRPO, maxNewTokens: maxNewTokens, epsilon: epsilon)
        if let s = stdNormalization { obj.scaleByStd = s == "on" }
        if let a = lossAggregation.flatMap(LossAggregation.init(rawValue:)) { obj.aggregation = a }
        obj.clipLow = clip; obj.clipHigh = clipHigh ?? clip; obj.klCoefficient = kl
        return TrainerConfiguration(
            steps: steps, promptsPerStep: promptsPerStep, groupSize: groupSize,
            sampling: SamplingParameters(temperature: temperature, topP: topP, maxTokens: maxNewTokens, stop: stop),
            learner: LearnerConfiguration(objective: obj, ppoEpochs: ppoEpochs, miniBatches: miniBatches,
                                          microBatchSize: microBatch, maskTruncated: maskTruncated,
                                          gradientCheckpointing: gradientCheckpointing,
                                          precision: precision ?? .forThisCPU),
            optimizer: AdamWConfiguration(learningRate: learningRate, weightDecay: weightDecay, maxGradNorm: maxGradNorm,
                                          schedule: warmupSteps > 0 ? .warmup(steps: warmupSteps) : .constant),
            seed: seed, evalEvery: evalEvery, checkpointEvery: checkpointEvery,
            checkpointFormat: CheckpointFormat(weights: saveDtype, saveOptimizer: saveOptimizer))
    }

    /// The settings a run uses after --from-audit and the explicit overrides.
    struct Resolved {
        var template: String, temperature: Double, reward: RewardChoice
        var questions: [Question], datasetLabel: String, choices: FromAuditChoices?
    }

    func resolve(warn: (String) -> Void) throws -> Resolved {
        let given = try dataset.map { try datasetKeys.load($0, limit: limit, seed: seed, warn: warn) }
        guard let run = fromAudit else {
            let set = try given ?? datasetKeys.load("builtin", limit: limit, seed: seed, warn: warn)
            let r = reward ?? (plainTextFallback ? .fallback : .paper)
            return Resolved(template: template ?? "qwen-math", temperature: temperature ?? 1.0, reward: r,
                            questions: set.questions, datasetLabel: set.source, choices: nil)
        }
        let plan = try FromAudit.plan(run: run, runsDir: runOptions.runsDir)
        var (questions, selection) = FromAudit.questions(plan, dataset: given?.questions, keepSolved: keepSolved)
        if given == nil, let limit { questions = Array(questions.prefix(limit)) }
        var overridden: [String] = []
        if template != nil { overridden.append("--template") }
        if temperature != nil { overridden.append("--temperature") }
        if reward != nil || plainTextFallback { overridden.append("--reward") }
        if dataset != nil { overridden.append("--dataset") }
        let r = reward ?? (plainTextFallback ? .fallback : RewardChoice(plan.grader))
        let choices = FromAuditChoices(auditRun: run, template: template ?? plan.template, temperature: temperature ?? plan.temperature,
                                       reward: r.rawValue, k: plan.k, keepSolved: keepSolved, overridden: overridden, selection: selection)
        guard !questions.isEmpty else {
            throw CLIError.badInput("--from-audit \(run): no question has both correct and incorrect samples in the audit "
                                    + "(\(selection.droppedUnsolved.count) never solved, \(selection.droppedSolved.count) always solved); "
                                    + "add --keep-solved, audit more questions, or train on --dataset without --from-audit")
        }
        return Resolved(template: choices.template, temperature: choices.temperature, reward: r, questions: questions,
                        datasetLabel: given?.source ?? "audit:\(run)", choices: choices)
    }

    func run() async throws {
        let quiet = output.json
        let warn: @Sendable (String) -> Void = { w in FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
        let r = try resolve(warn: warn)
        if let c = r.choices { FileHandle.standardError.write(Data((c.text + "\n").utf8)) }
        let cfg = trainerConfiguration(stop: try TrainingSession.stopStrings(template: r.template), temperature: r.temperature)
        FileHandle.standardError.write(Data("learner precision: \(cfg.learner.precision.rawValue)\(LearnerPrecision.describe(cfg.learner.precision, chosen: precision == nil))\n".utf8))
        var setup = TrainingSetup(model: model, dataset: r.datasetLabel, evalDataset: evalDataset, limit: limit, evalLimit: evalLimit,
                                  template: r.template, plainTextFallback: r.reward.grader.plainTextFallback, threads: threads,
                                  runDirectory: runOptions.runDirectory, keepCheckpoints: keepCheckpoints)
        setup.questions = r.questions
        setup.evalQuestions = try evalDataset.map { try datasetKeys.load($0, limit: evalLimit, seed: seed, warn: warn).questions }
        setup.paperParity = r.reward.grader.paperParity
        setup.provenance = try r.choices?.record()
        let renderer = ProgressRenderer()
        defer { renderer.finish() }
        let summary = try await TrainingSession.run(setup, configuration: cfg, resume: resume, warning: { w in
            if !quiet { warn(w) }
        }, progress: renderer.handler, onStep: { m in
            if !quiet { FileHandle.standardError.write(Data("step \(m.step)/\(cfg.steps) \(m.summary)\n".utf8)) }
        })
        renderer.finish()
        try output.emit(summary) {
            let last = summary.metrics.last.map { $0.summary } ?? "no steps run (already at step \(summary.finalStep))"
            return "trained steps \(summary.startStep + 1)–\(summary.finalStep): \(last)\ncheckpoint: \(summary.lastCheckpoint ?? "none")"
        }
    }
}

extension CheckpointFormat.WeightsDType: ExpressibleByArgument {}

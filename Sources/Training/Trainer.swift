// The R1-Zero-like RL loop (Liu et al. 2025 §3; oat's PPO actor/learner loop collapsed into one
// process): each step takes P prompts in a seeded order, samples G responses per prompt from the
// current policy, rewards them 1/0, and runs `PolicyUpdate`. It logs what the paper plots and no
// framework logs (mean length of correct vs incorrect responses), evaluates greedily every
// `evalEvery` steps, and checkpoints so `--resume` loses at most the step in flight: data order and
// sampling seeds are pure functions of (seed, step), so only weights, moments and the step are saved.

import Foundation
import Inference

/// Everything that defines a training run.
public struct TrainerConfiguration: Sendable, Codable, Hashable {
    /// Number of steps.
    public var steps: Int
    /// Prompts per RL step (P); the rollout batch is P·G responses.
    public var promptsPerStep: Int
    /// Responses per prompt (G).
    public var groupSize: Int
    /// Rollout sampling (temperature, top-p, `maxTokens` = the generation budget, stop strings).
    public var sampling: SamplingParameters
    /// The learner.
    public var learner: LearnerConfiguration
    /// The optimizer.
    public var optimizer: AdamWConfiguration
    /// The run seed.
    public var seed: UInt64
    /// Greedy evaluation on the held-out prompts every this many steps (0 = never).
    public var evalEvery: Int
    /// Checkpoint every this many steps (0 = only at the end).
    public var checkpointEvery: Int
    /// How checkpoints are written (nil: fp32 weights with optimiser state). Not part of the resume
    /// fingerprint: a resumed run may save differently.
    public var checkpointFormat: CheckpointFormat?

    /// A run configuration.
    public init(steps: Int, promptsPerStep: Int, groupSize: Int, sampling: SamplingParameters,
                learner: LearnerConfiguration, optimizer: AdamWConfiguration, seed: UInt64,
                evalEvery: Int = 0, checkpointEvery: Int = 0, checkpointFormat: CheckpointFormat? = nil) {
        self.steps = steps; self.promptsPerStep = promptsPerStep; self.groupSize = groupSize
        self.sampling = sampling; self.learner = learner; self.optimizer = optimizer; self.seed = seed
        self.evalEvery = evalEvery; self.checkpointEvery = checkpointEvery; self.checkpointFormat = checkpointFormat
    }

    /// Checks the values a run cannot start with.
    public func validate() throws {
        func bad(_ n: String, _ v: Any, _ r: String) -> TrainingError { .invalidOption(name: n, value: "\(v)", reason: r) }
        if steps < 1 { throw bad("steps", steps, "must be at least 1") }
        if promptsPerStep < 1 { throw bad("prompts-per-step", promptsPerStep, "must be at least 1") }
        if groupSize < 2 { throw bad("group-size", groupSize, "needs at least 2 responses per prompt for a group baseline") }
        if sampling.maxTokens < 1 { throw bad("max-new-tokens", sampling.maxTokens, "must be at least 1") }
        if learner.objective.clipLow <= 0 || learner.objective.clipHigh <= 0 { throw bad("clip", learner.objective.clipLow, "must be positive") }
        if optimizer.learningRate <= 0 { throw bad("learning-rate", optimizer.learningRate, "must be positive") }
    }

    /// The settings a resumed run must share with the original (everything but steps/eval/checkpoint cadence
    /// and gradient checkpointing).
    var fingerprint: String {
        var c = self
        c.steps = 0; c.evalEvery = 0; c.checkpointEvery = 0; c.checkpointFormat = nil   // nil is not encoded: old fingerprints hold
        c.learner.gradientCheckpointing = false                  // memory only: a resume may switch it
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        return String(SeedDerivation.fnv1a((try? enc.encode(c)).map { String(decoding: $0, as: UTF8.self) } ?? ""), radix: 16)
    }
}

/// The metrics of one RL step (all stored in the run's metrics table as `train/NAME`).
public struct StepMetrics: Sendable, Codable, Hashable {
    /// The step.
    public var step: Int
    /// The reward.
    public var reward: Double
    /// Share of responses graded correct.
    public var accuracy: Double
    /// Mean completion length (tokens) of correct and of incorrect responses (nil when there are none).
    public var meanLengthCorrect: Double?
    /// The mean length incorrect.
    public var meanLengthIncorrect: Double?
    /// The mean length.
    public var meanLength: Double
    /// The truncated share.
    public var truncatedShare: Double
    /// The no answer share.
    public var noAnswerShare: Double
    /// The zero variance group share.
    public var zeroVarianceGroupShare: Double
    /// The clip fraction.
    public var clipFraction: Double
    /// The entropy.
    public var entropy: Double
    /// The grad norm.
    public var gradNorm: Double
    /// Loss value.
    public var loss: Double
    /// Mean k3 KL to the reference.
    public var kl: Double
    /// The grader failures.
    public var graderFailures: Int
    /// The rollout tokens per second.
    public var rolloutTokensPerSecond: Double
    /// The learner tokens per second.
    public var learnerTokensPerSecond: Double
    /// The learning rate.
    public var learningRate: Double
    /// `progress` with phases renamed "step N/T PHASE" (nil stays nil).
    static func stepProgress(_ progress: ProgressHandler?, step: Int, steps: Int) -> ProgressHandler? {
        guard let progress else { return nil }
        let prefix = "step \(step)/\(steps) "
        return { u in progress(ProgressUpdate(phase: prefix + u.phase, completed: u.completed, total: u.total, detail: u.detail)) }
    }

    /// Greedy accuracy on the held-out prompts, on evaluation steps.
    public var evalAccuracy: Double?

    /// (name, value) pairs for the run store; absent values are skipped.
    public var namedValues: [(String, Double)] {
        var out: [(String, Double)] = [
            ("reward", reward), ("accuracy", accuracy), ("mean_length", meanLength),
            ("truncated_share", truncatedShare), ("no_answer_share", noAnswerShare),
            ("zero_variance_group_share", zeroVarianceGroupShare), ("clip_fraction", clipFraction),
            ("entropy", entropy), ("grad_norm", gradNorm), ("loss", loss), ("kl", kl),
            ("grader_failures", Double(graderFailures)), ("rollout_tokens_per_second", rolloutTokensPerSecond),
            ("learner_tokens_per_second", learnerTokensPerSecond), ("learning_rate", learningRate),
        ]
        if let v = meanLengthCorrect { out.append(("mean_length_correct", v)) }
        if let v = meanLengthIncorrect { out.append(("mean_length_incorrect", v)) }
        if let v = evalAccuracy { out.append(("eval_accuracy", v)) }
        return out
    }

    /// The one-line progress text.
    public var summary: String {
        func f(_ x: Double?, _ d: Int = 2) -> String { x.map { String(format: "%.\(d)f", $0) } ?? "–" }
        var s = "reward \(f(reward)) acc \(f(accuracy)) len✓ \(f(meanLengthCorrect, 0)) len✗ \(f(meanLengthIncorrect, 0))"
        s += " trunc \(f(truncatedShare)) flat \(f(zeroVarianceGroupShare)) clip \(f(clipFraction, 3)) ent \(f(entropy))"
        s += " |g| \(f(gradNorm)) fail \(graderFailures) roll \(f(rolloutTokensPerSecond, 0)) tok/s learn \(f(learnerTokensPerSecond, 0)) tok/s"
        if let e = evalAccuracy { s += " eval \(f(e))" }
        return s
    }
}

/// What a finished (or cancelled) run did.
public struct TrainingSummary: Sendable, Codable, Hashable {
    /// The start step.
    public var startStep: Int
    /// The final step.
    public var finalStep: Int
    /// The metrics.
    public var metrics: [StepMetrics]
    /// The last checkpoint written, if any.
    public var lastCheckpoint: String?
}

/// The RL loop.
public struct Trainer: Sendable {
    /// The configuration.
    public let configuration: TrainerConfiguration
    /// The prompts.
    public let prompts: [TrainingPrompt]
    /// The eval prompts.
    public let evalPrompts: [TrainingPrompt]
    /// The sampler.
    public let sampler: any RolloutSampler
    /// The reward.
    public let reward: any RewardFunction
    /// The checkpoints.
    public let checkpoints: CheckpointStore?

    /// A loop over `prompts` (training) and `evalPrompts` (held out).
    public init(configuration: TrainerConfiguration, prompts: [TrainingPrompt], evalPrompts: [TrainingPrompt] = [],
                sampler: any RolloutSampler, reward: any RewardFunction, checkpoints: CheckpointStore? = nil) throws {
        try configuration.validate()
        guard !prompts.isEmpty else { throw TrainingError.invalidBatch("the training set has no prompts") }
        self.configuration = configuration; self.prompts = prompts; self.evalPrompts = evalPrompts
        self.sampler = sampler; self.reward = reward; self.checkpoints = checkpoints
    }

    /// Prompt indices of `step` (0-based): consecutive slices of per-epoch seeded permutations.
    public func promptIndices(step: Int) -> [Int] {
        let n = prompts.count, p = configuration.promptsPerStep
        return (0..<p).map { j in
            let i = step * p + j, epoch = i / n
            var order = Array(0..<n)
            var rng = SplitMix64(seed: configuration.seed ^ SeedDerivation.fnv1a("epoch-\(epoch)"))
            order.shuffle(using: &rng)
            return order[i % n]
        }
    }

    /// Runs (or resumes) training from `model`, reporting each step. `onStep` runs after every step
    /// (the CLI stores the metrics there). Cancellation stops between tokens or micro-batches.
    public func run(model initial: PolicyModel, resume: Bool = false, progress: ProgressHandler? = nil,
                    onStep: @Sendable (StepMetrics) async throws -> Void = { _ in },
                    onRollouts: @Sendable ([RolloutText]) async throws -> Void = { _ in }) async throws -> TrainingSummary {
        let cfg = configuration
        var model = initial
        var optimizer = AdamW(configuration: cfg.optimizer, parameters: model.parameters)
        var start = 0
        if !resume, let store = checkpoints, let last = store.latest() {
            throw TrainingError.runExists(path: store.directory.path, found: "checkpoint \(last.lastPathComponent)")
        }
        if resume, let store = checkpoints, let state = try store.restore(model: &model, optimizer: &optimizer) {
            guard state.settings == cfg.fingerprint, state.seed == cfg.seed else {
                throw TrainingError.corruptState(path: store.directory.path,
                                                 reason: "the checkpoint was made with different training settings")
            }
            start = state.step
        }
        // HF trainer_state.json's log_history: the resumed checkpoint's entries, then one per step run here.
        var history = resume ? (checkpoints?.latest().map(CheckpointStore.logHistory) ?? []).filter { $0.step <= start } : []
        let reference: PolicyModel? = cfg.learner.objective.klCoefficient != 0 ? initial : nil
        let learner = PolicyUpdate(configuration: cfg.learner)
        let workspace = DecoderWorkspace(gradientCheckpointing: cfg.learner.gradientCheckpointing, precision: cfg.learner.precision)
        var summary = TrainingSummary(startStep: start, finalStep: start, metrics: [], lastCheckpoint: nil)
        for step in start..<cfg.steps {
            if Task.isCancelled { throw CancellationError() }
            // 1. Rollouts from the current policy.
            let idx = promptIndices(step: step)
            let batch = idx.map { prompts[$0] }
            let seeds = batch.map { p in (0..<cfg.groupSize).map { g in
                SeedDerivation.seed(runSeed: cfg.seed, questionID: p.id, template: "train-step-\(step)",
                                    temperature: cfg.sampling.temperature, sampleIndex: g)
            } }
            // Within-step progress: "step N/T rollouts|scoring|backward" (the CLI draws a bar per phase).
            let stepProgress = Self.stepProgress(progress, step: step + 1, steps: cfg.steps)
            let t0 = Date()
            let responses = try await sampler.sample(batch, seeds: seeds, model: model, parameters: cfg.sampling,
                                                     progress: stepProgress)
            let rolloutSeconds = Date().timeIntervalSince(t0)
            // 2. Rewards.
            var rollouts: [Rollout] = [], outcomes: [RewardOutcome] = [], texts: [RolloutText] = []
            let responseCount = responses.reduce(0) { $0 + $1.count }
            for (g, (prompt, group)) in zip(batch, responses).enumerated() {
                stepProgress?(ProgressUpdate(phase: "scoring", completed: rollouts.count, total: responseCount))
                for (i, r) in group.enumerated() {
                    let o = reward.score(prompt: prompt, response: r)
                    outcomes.append(o)
                    rollouts.append(Rollout(group: g, promptTokens: r.promptTokens, completionTokens: r.completionTokens,
                                            reward: o.reward, truncated: r.truncated))
                    texts.append(RolloutText(step: step + 1, group: g, index: i,
                                             prompt: prompt, response: r.text, outcome: o,
                                             completionTokens: r.completionTokens.count, truncated: r.truncated))
                }
            }
            // 3. Policy update.
            stepProgress?(ProgressUpdate(phase: "scoring", completed: rollouts.count, total: responseCount))
            var rng = SplitMix64(seed: cfg.seed ^ SeedDerivation.fnv1a("learner-\(step)"))
            let stats = try learner.update(model: &model, optimizer: &optimizer, rollouts: rollouts, reference: reference,
                                           rng: &rng, workspace: workspace, progress: stepProgress)
            var metrics = Self.metrics(step: step + 1, rollouts: rollouts, outcomes: outcomes, stats: stats,
                                       rolloutSeconds: rolloutSeconds,
                                       learningRate: cfg.optimizer.learningRate * cfg.optimizer.schedule.factor(step: max(optimizer.step, 1)))
            // 4. Evaluation and checkpoint.
            if cfg.evalEvery > 0, !evalPrompts.isEmpty, (step + 1) % cfg.evalEvery == 0 || step + 1 == cfg.steps {
                metrics.evalAccuracy = try await evaluate(model: model)
            }
            history.append(HFLogEntry(metrics, epoch: HFTrainerState.epoch(step: step + 1, promptsPerStep: cfg.promptsPerStep,
                                                                           promptCount: prompts.count)))
            if let store = checkpoints, (cfg.checkpointEvery > 0 && (step + 1) % cfg.checkpointEvery == 0) || step + 1 == cfg.steps {
                let state = TrainerState(step: step + 1, optimizerStep: optimizer.step, seed: cfg.seed, settings: cfg.fingerprint)
                let hf = HFTrainerState(globalStep: step + 1, maxSteps: cfg.steps, promptsPerStep: cfg.promptsPerStep,
                                        promptCount: prompts.count, batchSize: cfg.promptsPerStep * cfg.groupSize,
                                        evalSteps: cfg.evalEvery, saveSteps: max(cfg.checkpointEvery, 1), log: history)
                summary.lastCheckpoint = try store.save(model: model, optimizer: optimizer, state: state,
                                                        format: cfg.checkpointFormat ?? CheckpointFormat(), hfState: hf).path
            }
            summary.metrics.append(metrics); summary.finalStep = step + 1
            progress?(ProgressUpdate(phase: "training", completed: step + 1, total: cfg.steps, detail: metrics.summary))
            try await onRollouts(texts)
            try await onStep(metrics)
        }
        return summary
    }

    /// `progress` with phases renamed "step N/T PHASE" (nil stays nil).
    static func stepProgress(_ progress: ProgressHandler?, step: Int, steps: Int) -> ProgressHandler? {
        guard let progress else { return nil }
        let prefix = "step \(step)/\(steps) "
        return { u in progress(ProgressUpdate(phase: prefix + u.phase, completed: u.completed, total: u.total, detail: u.detail)) }
    }

    /// Greedy accuracy on the held-out prompts (one sample each, temperature 0).
    public func evaluate(model: PolicyModel) async throws -> Double {
        var params = configuration.sampling
        params.temperature = 0
        let seeds = evalPrompts.map { _ in [UInt64(0)] }
        let out = try await sampler.sample(evalPrompts, seeds: seeds, model: model, parameters: params)
        let correct = zip(evalPrompts, out).filter { p, rs in rs.first.map { reward.score(prompt: p, response: $0).status == .correct } ?? false }
        return evalPrompts.isEmpty ? 0 : Double(correct.count) / Double(evalPrompts.count)
    }

    static func metrics(step: Int, rollouts: [Rollout], outcomes: [RewardOutcome], stats: LearnerStatistics,
                        rolloutSeconds: Double, learningRate: Double) -> StepMetrics {
        let n = Double(max(rollouts.count, 1))
        func mean(_ xs: [Double]) -> Double? { xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count) }
        let lengths = rollouts.map { Double($0.completionTokens.count) }
        let correct = outcomes.map { $0.status == .correct }
        let generated = rollouts.reduce(0) { $0 + $1.completionTokens.count }
        return StepMetrics(
            step: step, reward: rollouts.reduce(0) { $0 + $1.reward } / n,
            accuracy: Double(correct.filter { $0 }.count) / n,
            meanLengthCorrect: mean(zip(lengths, correct).filter { $0.1 }.map(\.0)),
            meanLengthIncorrect: mean(zip(lengths, correct).filter { !$0.1 }.map(\.0)),
            meanLength: mean(lengths) ?? 0,
            truncatedShare: Double(rollouts.filter(\.truncated).count) / n,
            noAnswerShare: Double(outcomes.filter { $0.status == .noAnswer }.count) / n,
            zeroVarianceGroupShare: stats.zeroVarianceGroups, clipFraction: stats.clipFraction,
            entropy: stats.entropy, gradNorm: stats.gradNorm, loss: stats.loss, kl: stats.kl,
            graderFailures: outcomes.filter { $0.status == .graderFailure }.count,
            rolloutTokensPerSecond: rolloutSeconds > 0 ? Double(generated) / rolloutSeconds : 0,
            learnerTokensPerSecond: stats.seconds > 0 ? Double(stats.tokens) / stats.seconds : 0,
            learningRate: learningRate, evalAccuracy: nil)
    }
}

/// One rollout's text and reward, for the run store's rollout table (the report's rollout browser).
public struct RolloutText: Sendable, Hashable {
    /// The step that sampled it (1-based, as `StepMetrics.step`).
    public var step: Int
    /// The prompt's group within the step, and the response's index within its group.
    public var group: Int, index: Int
    /// The prompt, the response text and its reward.
    public var prompt: TrainingPrompt, response: String, outcome: RewardOutcome
    /// Generated tokens, and whether the budget cut it.
    public var completionTokens: Int, truncated: Bool
}

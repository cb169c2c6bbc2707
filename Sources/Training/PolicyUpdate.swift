// The learner half of one RL step (oat's PPOLearner.learning_step / verl's update_policy): group
// advantages, old log-probs recomputed by the learner (as verl's `recompute_old_log_prob`, so sampler
// numerics never leak into the ratio), then PPO epochs over shuffled mini-batches, each optimiser step
// accumulating micro-batch gradients whose normalisers are those of the whole mini-batch.

import Foundation
import Inference

/// One sampled response with its reward, as the learner needs it.
public struct Rollout: Sendable, Codable, Hashable {
    /// Index of the prompt group (responses to one prompt share it).
    public var group: Int
    /// The prompt tokens.
    public var promptTokens: [Int]
    /// The completion tokens.
    public var completionTokens: [Int]
    /// 1 for a verified-correct answer, 0 otherwise.
    public var reward: Double
    /// No EOS within the budget.
    public var truncated: Bool

    /// Bundles one response.
    public init(group: Int, promptTokens: [Int], completionTokens: [Int], reward: Double, truncated: Bool) {
        self.group = group; self.promptTokens = promptTokens; self.completionTokens = completionTokens
        self.reward = reward; self.truncated = truncated
    }
}

/// How the learner consumes one batch of rollouts.
public struct LearnerConfiguration: Sendable, Codable, Hashable {
    /// The objective.
    public var objective: PolicyObjective
    /// Passes over the rollout batch (PPO epochs; 1 = on-policy, as the paper).
    public var ppoEpochs: Int
    /// Optimiser steps per epoch; the batch is split into this many shuffled mini-batches.
    public var miniBatches: Int
    /// Sequences per forward/backward (memory bound only: results do not depend on it).
    public var microBatchSize: Int
    /// Drop truncated responses from the loss instead of keeping them with reward 0 (DAPO's overlong filter).
    public var maskTruncated: Bool
    /// Recompute layer activations in backward (memory only: gradients are bit-identical).
    public var gradientCheckpointing: Bool
    /// fp32, or bf16 operands with fp32 accumulation in the Linear products (`LearnerPrecision`).
    public var precision: LearnerPrecision

    /// Defaults: one epoch, one mini-batch, micro-batches of 8 sequences, truncated responses kept, fp32.
    public init(objective: PolicyObjective, ppoEpochs: Int = 1, miniBatches: Int = 1, microBatchSize: Int = 8,
                maskTruncated: Bool = false, gradientCheckpointing: Bool = false, precision: LearnerPrecision = .fp32) {
        self.objective = objective; self.ppoEpochs = ppoEpochs; self.miniBatches = miniBatches
        self.microBatchSize = microBatchSize; self.maskTruncated = maskTruncated
        self.gradientCheckpointing = gradientCheckpointing; self.precision = precision
    }

    private enum CodingKeys: String, CodingKey {
        case objective, ppoEpochs, miniBatches, microBatchSize, maskTruncated, gradientCheckpointing, precision
    }

    /// Reads a configuration; one written before `precision` existed is fp32.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(objective: try c.decode(PolicyObjective.self, forKey: .objective), ppoEpochs: try c.decode(Int.self, forKey: .ppoEpochs),
                  miniBatches: try c.decode(Int.self, forKey: .miniBatches), microBatchSize: try c.decode(Int.self, forKey: .microBatchSize),
                  maskTruncated: try c.decode(Bool.self, forKey: .maskTruncated),
                  gradientCheckpointing: try c.decode(Bool.self, forKey: .gradientCheckpointing),
                  precision: try c.decodeIfPresent(LearnerPrecision.self, forKey: .precision) ?? .fp32)
    }

    /// Writes `precision` only when it is not fp32, so fp32 runs keep the settings fingerprint (and resume)
    /// they had before the option existed.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(objective, forKey: .objective); try c.encode(ppoEpochs, forKey: .ppoEpochs)
        try c.encode(miniBatches, forKey: .miniBatches); try c.encode(microBatchSize, forKey: .microBatchSize)
        try c.encode(maskTruncated, forKey: .maskTruncated); try c.encode(gradientCheckpointing, forKey: .gradientCheckpointing)
        if precision != .fp32 { try c.encode(precision, forKey: .precision) }
    }
}

/// What one learner pass did.
public struct LearnerStatistics: Sendable, Codable, Hashable {
    /// Loss value.
    public var loss: Double = 0
    /// Share of counted tokens on PPO's clipped branch.
    public var clipFraction: Double = 0
    /// Mean policy entropy (nats) over counted tokens at the first pass.
    public var entropy: Double = 0
    /// Global gradient norm before clipping (mean over optimiser steps).
    public var gradNorm: Double = 0
    /// Mean k3 KL to the reference (0 without one).
    public var kl: Double = 0
    /// Share of groups whose rewards are all equal (no learning signal).
    public var zeroVarianceGroups: Double = 0
    /// Tokens processed by forward+backward (all epochs) and the seconds taken.
    public var tokens: Int = 0
    /// The seconds.
    public var seconds: Double = 0
    /// The optimizer steps.
    public var optimizerSteps: Int = 0
}

/// One PPO-style policy update over a batch of rollouts.
public struct PolicyUpdate {
    /// The configuration.
    public var configuration: LearnerConfiguration

    /// A learner with this configuration.
    public init(configuration: LearnerConfiguration) { self.configuration = configuration }

    /// Per-rollout advantages computed within each group.
    public func advantages(_ rollouts: [Rollout]) -> (values: [Double], zeroVarianceShare: Double) {
        var byGroup: [Int: [Int]] = [:]
        for (i, r) in rollouts.enumerated() { byGroup[r.group, default: []].append(i) }
        var adv = [Double](repeating: 0, count: rollouts.count), flat = 0
        for (_, idx) in byGroup {
            let rewards = idx.map { rollouts[$0].reward }
            if Set(rewards).count <= 1 { flat += 1 }
            for (i, a) in zip(idx, configuration.objective.advantages(rewards: rewards)) { adv[i] = a }
        }
        return (adv, byGroup.isEmpty ? 0 : Double(flat) / Double(byGroup.count))
    }

    /// Accumulates the gradient of one mini-batch into `gradients`, micro-batch by micro-batch, and
    /// returns the loss and statistics. Weights come from the whole mini-batch, so the result does not
    /// depend on `microBatchSize`.
    /// With `oldFromForward`, π_old's log-probs are taken from this forward (on-policy, no scoring pass).
    public func accumulate(model: PolicyModel, sequences: [ScoredSequence], terms: [ResponseTerms],
                           reference: [[Double]]? = nil, oldFromForward: Bool = false, workspace: DecoderWorkspace,
                           gradients: inout ParameterSet,
                           onMicroBatch: () -> Void = {}) throws -> (result: ObjectiveResult, entropySum: Double) {
        let lengths = terms.map { $0.mask.filter { $0 }.count }
        let weights = configuration.objective.tokenWeights(lengths: lengths)
        var total = ObjectiveResult(loss: 0, gradients: [], clippedTokens: 0, tokens: 0, klSum: 0)
        var entropySum = 0.0
        let step = max(1, configuration.microBatchSize)
        for start in stride(from: 0, to: sequences.count, by: step) {
            if Task.isCancelled { throw CancellationError() }
            let r = start..<min(start + step, sequences.count)
            let out = try model.forward(Array(sequences[r]), workspace: workspace)
            var micro: [ResponseTerms] = []
            for (k, i) in r.enumerated() {
                var t = terms[i]
                t.logProbs = out.logProbs[k]
                if oldFromForward { t.oldLogProbs = out.logProbs[k] }
                if let reference { t.referenceLogProbs = reference[i] }
                micro.append(t)
                for (e, m) in zip(out.entropies[k], t.mask) where m { entropySum += e }
            }
            let res = try configuration.objective.evaluate(micro, weights: Array(weights[r]))
            try model.backward(dLogProbs: res.gradients, workspace: workspace, gradients: &gradients)
            total.loss += res.loss; total.tokens += res.tokens
            total.clippedTokens += res.clippedTokens; total.klSum += res.klSum
            onMicroBatch()
        }
        return (total, entropySum)
    }

    /// Log-probs of every rollout's completion under `model` (no gradient): the old policy of PPO,
    /// or the reference policy for the KL term.
    public func scoreRollouts(_ rollouts: [Rollout], model: PolicyModel, workspace: DecoderWorkspace) throws -> [[Double]] {
        var out: [[Double]] = []
        let step = max(1, configuration.microBatchSize)
        for start in stride(from: 0, to: rollouts.count, by: step) {
            if Task.isCancelled { throw CancellationError() }
            let seqs = rollouts[start..<min(start + step, rollouts.count)].map(Self.sequence)
            out += try model.forward(seqs, workspace: workspace).logProbs
        }
        return out
    }

    static func sequence(_ r: Rollout) -> ScoredSequence {
        ScoredSequence(tokens: r.promptTokens + r.completionTokens, scoredFrom: r.promptTokens.count)
    }

    /// Runs the PPO epochs over `rollouts`, updating `model` and `optimizer`. Rollouts with an empty
    /// completion are skipped (nothing to score).
    public func update(model: inout PolicyModel, optimizer: inout AdamW, rollouts all: [Rollout],
                       reference: PolicyModel? = nil, rng: inout SplitMix64,
                       workspace: DecoderWorkspace = DecoderWorkspace(),
                       progress: ProgressHandler? = nil) throws -> LearnerStatistics {
        let start = Date()
        var stats = LearnerStatistics()
        let (advAll, zeroShare) = advantages(all)
        stats.zeroVarianceGroups = zeroShare
        let keep = all.indices.filter { !all[$0].completionTokens.isEmpty && !all[$0].promptTokens.isEmpty }
        let rollouts = keep.map { all[$0] }, adv = keep.map { advAll[$0] }
        guard !rollouts.isEmpty else { stats.seconds = Date().timeIntervalSince(start); return stats }
        let parts = max(1, min(configuration.miniBatches, rollouts.count))
        // On-policy with a single optimiser step (one epoch, one mini-batch: the paper's setting), π_old is
        // the current policy and the update's own forward yields its log-probs bit for bit (same
        // micro-batches in the same order), so the separate scoring forward is skipped (~25% of the learner).
        let onPolicy = configuration.ppoEpochs == 1 && parts == 1
        let old: [[Double]]? = try onPolicy ? nil : scoreRollouts(rollouts, model: model, workspace: workspace)
        let ref = try reference.map { try scoreRollouts(rollouts, model: $0, workspace: workspace) }
        let terms = rollouts.indices.map { i in
            let lp = old?[i] ?? [Double](repeating: 0, count: rollouts[i].completionTokens.count)
            return ResponseTerms(logProbs: lp, oldLogProbs: lp,
                                 mask: [Bool](repeating: !(configuration.maskTruncated && rollouts[i].truncated), count: lp.count),
                                 advantage: adv[i])
        }
        var grads = ParameterSet(zerosLike: model.parameters)
        // Backward progress: one event per micro-batch over every epoch and mini-batch.
        let micro = max(1, configuration.microBatchSize), epochs = max(1, configuration.ppoEpochs)
        let perEpoch = (0..<parts).reduce(0) { n, p in
            let size = (p + 1) * rollouts.count / parts - p * rollouts.count / parts
            return n + (size + micro - 1) / micro
        }
        var microDone = 0
        progress?(ProgressUpdate(phase: "backward", completed: 0, total: epochs * perEpoch))
        var counted = 0, clipped = 0, entropy = 0.0, entropyTokens = 0
        for epoch in 0..<max(1, configuration.ppoEpochs) {
            var order = Array(rollouts.indices)
            if parts > 1 || configuration.ppoEpochs > 1 { order.shuffle(using: &rng) }
            for p in 0..<parts {
                let idx = Array(order[(p * order.count / parts)..<((p + 1) * order.count / parts)])
                guard !idx.isEmpty else { continue }
                grads.zero()
                let (res, ent) = try accumulate(model: model, sequences: idx.map { Self.sequence(rollouts[$0]) },
                                                terms: idx.map { terms[$0] }, reference: ref.map { r in idx.map { r[$0] } },
                                                oldFromForward: onPolicy, workspace: workspace, gradients: &grads,
                                                onMicroBatch: {
                    microDone += 1
                    progress?(ProgressUpdate(phase: "backward", completed: microDone, total: epochs * perEpoch))
                })
                guard res.loss.isFinite else { throw TrainingError.nonFinite(step: optimizer.step + 1, what: "loss") }
                let norm = AdamW.clipGlobalNorm(&grads, maxNorm: optimizer.configuration.maxGradNorm)
                guard norm.isFinite else { throw TrainingError.nonFinite(step: optimizer.step + 1, what: "gradient norm") }
                optimizer.update(&model.parameters, gradients: grads)
                stats.loss += res.loss; stats.gradNorm += norm; stats.optimizerSteps += 1
                counted += res.tokens; clipped += res.clippedTokens; stats.kl += res.klSum
                if epoch == 0 { entropy += ent; entropyTokens += res.tokens }
                stats.tokens += idx.reduce(0) { $0 + rollouts[$1].promptTokens.count + rollouts[$1].completionTokens.count }
            }
        }
        if stats.optimizerSteps > 0 {
            stats.loss /= Double(stats.optimizerSteps); stats.gradNorm /= Double(stats.optimizerSteps)
        }
        stats.clipFraction = counted > 0 ? Double(clipped) / Double(counted) : 0
        stats.kl = counted > 0 ? stats.kl / Double(counted) : 0
        stats.entropy = entropyTokens > 0 ? entropy / Double(entropyTokens) : 0
        stats.seconds = Date().timeIntervalSince(start)
        return stats
    }
}

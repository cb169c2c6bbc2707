// Policy-gradient objectives of R1-Zero-like RL: GRPO (DeepSeekMath, Shao et al. 2024), Dr. GRPO
// (Liu et al. 2025, "Understanding R1-Zero-Like Training", §3.2 and eq. 3) and RLOO (Ahmadian et al.
// 2024), written as oat does (oat/algorithms/ppo.py: `critic_type=drgrpo`, `remove_std_bias`,
// `remove_len_bias`): the two fixes of the paper are independent switches, so each bias can be ablated alone.
//
// Loss aggregation and verl's `loss_agg_mode` (verl/trainer/ppo/core_algos.py `agg_loss`):
//   .tokenMean             = "token-mean"              Σ_i Σ_t s_it / Σ_i |o_i|    (TRL "bnpo"/DAPO)
//   .sequenceMeanTokenMean = "seq-mean-token-mean"     (1/N) Σ_i (1/|o_i|) Σ_t s_it (GRPO; length-biased)
//   .sequenceMeanTokenSum  = "seq-mean-token-sum"      (1/N) Σ_i Σ_t s_it
//   .constant              = "seq-mean-token-sum-norm" (1/N) Σ_i Σ_t s_it / C, C = generation budget
//                            (Dr. GRPO; oat divides by generate_max_length then averages; verl's mode sums
//                            instead of averaging over N, which only rescales the loss by N).
// Every normaliser (N, Σ|o_i|, C) is the one of the whole optimiser mini-batch, never of a micro-batch,
// so gradient accumulation gives the same loss and gradient (verl divided by micro-batch statistics
// until v0.4, which re-introduced a length bias).

import Foundation

/// Errors of the Training module. Each message names the offending item and what to do.
public enum TrainingError: Error, Sendable, Equatable, LocalizedError {
    /// A batch was malformed (mismatched array lengths, empty group…).
    case invalidBatch(String)
    /// A model/parameter did not match the expected shape.
    case shapeMismatch(tensor: String, expected: [Int], got: [Int])
    /// A tensor the decoder needs is absent from the weights.
    case missingTensor(String)
    /// The model configuration is not supported by the trainer.
    case unsupportedConfiguration(String)
    /// A file could not be read or written.
    case io(path: String, reason: String)
    /// A checkpoint or training-state file is malformed.
    case corruptState(path: String, reason: String)
    /// An option value is invalid.
    case invalidOption(name: String, value: String, reason: String)
    /// The loss or gradient became NaN/inf.
    case nonFinite(step: Int, what: String)
    /// A fresh (non-resume) run was asked to write where a training run already is.
    case runExists(path: String, found: String)
    /// --resume found a checkpoint saved without optimiser state.
    case noOptimizerState(checkpoint: String)

    public var errorDescription: String? {
        switch self {
        case let .invalidBatch(msg): return "invalid training batch: \(msg)"
        case let .shapeMismatch(t, e, g):
            return "tensor \(t): expected shape \(e), got \(g); is the checkpoint from the same architecture as its config.json?"
        case let .missingTensor(t):
            return "tensor \(t) is missing from the weights; check that the model is a llama/qwen2 decoder with HF tensor names"
        case let .unsupportedConfiguration(msg): return "unsupported model configuration: \(msg)"
        case let .io(p, r): return "\(p): \(r)"
        case let .corruptState(p, r): return "\(p): \(r); delete the checkpoint folder or start without --resume"
        case let .invalidOption(n, v, r): return "--\(n) \(v): \(r)"
        case let .nonFinite(s, w):
            return "step \(s): \(w) is not finite; lower --learning-rate or enable --max-grad-norm"
        case let .noOptimizerState(c):
            return "\(c): the checkpoint was saved without optimizer state (--no-save-optimizer), and --resume needs the AdamW moments "
                + "to continue the run exactly; start a new run from it with --model \(c) (the optimizer restarts), "
                + "or save with --save-optimizer to make runs resumable"
        case let .runExists(p, f):
            return "\(p) already holds a training run (\(f)); rerun with --resume to continue it, "
                + "or pick another --run (or delete that folder) to start over"
        }
    }
}

/// How the per-response advantage is estimated from a group of rewards for one prompt.
public enum AdvantageBaseline: String, Sendable, Codable, CaseIterable {
    /// r_i − mean(r): GRPO and Dr. GRPO.
    case groupMean = "mean"
    /// r_i − mean_{j≠i}(r_j): RLOO's leave-one-out baseline (= G/(G−1)·(r_i − mean)).
    case leaveOneOut = "loo"
}

/// How the per-token surrogate terms are reduced to one loss (see the file header for verl's names).
public enum LossAggregation: String, Sendable, Codable, CaseIterable {
    /// Σ over all tokens / total tokens of the mini-batch (verl "token-mean", TRL "bnpo"/"dapo").
    case tokenMean = "token-mean"
    /// Per-response mean over its own |o_i| tokens, then the mean over responses (GRPO; biased).
    case sequenceMeanTokenMean = "seq-mean-token-mean"
    /// Per-response token sum, then the mean over responses (verl "seq-mean-token-sum").
    case sequenceMeanTokenSum = "seq-mean-token-sum"
    /// Per-response token sum divided by one constant (the generation budget), then the mean (Dr. GRPO).
    case constant = "seq-mean-token-sum-norm"
}

/// The named objectives of `r1audit train --objective`.
public enum ObjectivePreset: String, Sendable, Codable, CaseIterable {
    /// Dr. GRPO: A = r − mean, token sums divided by the generation budget.
    case drGRPO = "dr-grpo"
    /// GRPO: A = (r − mean)/(std + ε), per-response length normalisation.
    case grpo
    /// RLOO: leave-one-out baseline, no std scaling, constant normalisation like Dr. GRPO.
    case rloo
}

/// A complete policy-gradient objective: advantage estimation plus the clipped token-level surrogate.
public struct PolicyObjective: Sendable, Codable, Hashable {
    /// Baseline subtracted from each reward in its group.
    public var baseline: AdvantageBaseline
    /// Divide advantages by the group's Bessel-corrected std + `epsilon` (GRPO); off in Dr. GRPO.
    public var scaleByStd: Bool
    /// ε added to the std: oat 1e-8, TRL 1e-4, verl 1e-6. Recorded with the run.
    public var epsilon: Double
    /// Reduction of the token terms into the loss.
    public var aggregation: LossAggregation
    /// The constant C of `.constant` aggregation: the generation budget (`--max-new-tokens`).
    public var constantNormalizer: Double
    /// PPO clip ε_low (ratio clipped to [1 − clipLow, 1 + clipHigh]).
    public var clipLow: Double
    /// PPO clip ε_high (DAPO's clip-higher); equals `clipLow` unless set.
    public var clipHigh: Double
    /// KL coefficient β against the reference policy (k3 estimator); 0 = no reference model.
    public var klCoefficient: Double

    /// A custom objective.
    public init(baseline: AdvantageBaseline = .groupMean, scaleByStd: Bool = false, epsilon: Double = 1e-6,
                aggregation: LossAggregation = .constant, constantNormalizer: Double,
                clipLow: Double = 0.2, clipHigh: Double? = nil, klCoefficient: Double = 0) {
        self.baseline = baseline; self.scaleByStd = scaleByStd; self.epsilon = epsilon
        self.aggregation = aggregation; self.constantNormalizer = constantNormalizer
        self.clipLow = clipLow; self.clipHigh = clipHigh ?? clipLow; self.klCoefficient = klCoefficient
    }

    /// The preset's defaults for a generation budget of `maxNewTokens`.
    public init(preset: ObjectivePreset, maxNewTokens: Int, epsilon: Double = 1e-6) {
        switch preset {
        case .drGRPO:
            self.init(baseline: .groupMean, scaleByStd: false, epsilon: epsilon, aggregation: .constant,
                      constantNormalizer: Double(maxNewTokens))
        case .grpo:
            self.init(baseline: .groupMean, scaleByStd: true, epsilon: epsilon, aggregation: .sequenceMeanTokenMean,
                      constantNormalizer: Double(maxNewTokens))
        case .rloo:
            self.init(baseline: .leaveOneOut, scaleByStd: false, epsilon: epsilon, aggregation: .constant,
                      constantNormalizer: Double(maxNewTokens))
        }
    }

    /// Advantages of one group of rewards (all responses to one prompt), in order.
    /// A group of one has no baseline: its advantage is 0. The std is Bessel-corrected as torch.std.
    public func advantages(rewards: [Double]) -> [Double] {
        let g = rewards.count
        guard g > 1 else { return [Double](repeating: 0, count: g) }
        let mean = rewards.reduce(0, +) / Double(g)
        var adv: [Double]
        switch baseline {
        case .groupMean: adv = rewards.map { $0 - mean }
        case .leaveOneOut: adv = rewards.map { (Double(g) / Double(g - 1)) * ($0 - mean) }
        }
        if scaleByStd {
            let variance = rewards.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(g - 1)
            let denom = variance.squareRoot() + epsilon
            adv = adv.map { $0 / denom }
        }
        return adv
    }

    /// The weight w_i of every token of response i, so that loss = Σ_i Σ_t w_i · s_it.
    /// `lengths` are the (unmasked) token counts of the whole mini-batch, so micro-batches sum exactly.
    public func tokenWeights(lengths: [Int]) -> [Double] {
        let n = Double(lengths.count)
        guard n > 0 else { return [] }
        switch aggregation {
        case .tokenMean:
            let total = Double(lengths.reduce(0, +))
            return lengths.map { _ in total > 0 ? 1 / total : 0 }
        case .sequenceMeanTokenMean:
            return lengths.map { $0 > 0 ? 1 / (n * Double($0)) : 0 }
        case .sequenceMeanTokenSum:
            return lengths.map { _ in 1 / n }
        case .constant:
            return lengths.map { _ in 1 / (n * constantNormalizer) }
        }
    }

    /// The clipped surrogate of one token and its derivative with respect to the new log-prob.
    /// s = −min(ρA, clip(ρ, 1−ε_l, 1+ε_h)A) + β·k3, ρ = exp(logp − logp_old),
    /// k3 = exp(ref − logp) − (ref − logp) − 1 (Schulman's estimator, as TRL/verl "low_var_kl").
    public func tokenTerm(logProb: Double, oldLogProb: Double, advantage: Double,
                          referenceLogProb: Double? = nil) -> TokenTerm {
        let ratio = Foundation.exp(logProb - oldLogProb)
        let clipped = min(max(ratio, 1 - clipLow), 1 + clipHigh)
        let unclippedLoss = -advantage * ratio
        let clippedLoss = -advantage * clipped
        var loss: Double, grad: Double, isClipped = false
        if clippedLoss > unclippedLoss {
            // The clipped branch is active: constant in logp, so no gradient (PPO's trust region).
            loss = clippedLoss; grad = 0; isClipped = true
        } else {
            loss = unclippedLoss; grad = -advantage * ratio
        }
        var kl = 0.0
        if klCoefficient != 0, let ref = referenceLogProb {
            let d = ref - logProb
            kl = Foundation.exp(d) - d - 1
            loss += klCoefficient * kl
            grad += klCoefficient * (1 - Foundation.exp(d))
        }
        return TokenTerm(loss: loss, gradient: grad, clipped: isClipped, ratio: ratio, kl: kl)
    }

    /// Loss, per-token gradients with respect to the new log-probs, and statistics for responses
    /// `responses` of a mini-batch whose token weights come from `tokenWeights(lengths:)`.
    /// Masked tokens (`mask[t] == false`) contribute nothing.
    public func evaluate(_ responses: [ResponseTerms], weights: [Double]) throws -> ObjectiveResult {
        guard responses.count == weights.count else {
            throw TrainingError.invalidBatch("\(responses.count) responses but \(weights.count) weights")
        }
        var result = ObjectiveResult(loss: 0, gradients: [], clippedTokens: 0, tokens: 0, klSum: 0)
        for (r, w) in zip(responses, weights) {
            guard r.logProbs.count == r.oldLogProbs.count, r.mask.count == r.logProbs.count,
                  r.referenceLogProbs.map({ $0.count == r.logProbs.count }) ?? true else {
                throw TrainingError.invalidBatch("response with \(r.logProbs.count) log-probs, \(r.oldLogProbs.count) old log-probs, \(r.mask.count) mask entries")
            }
            var grads = [Double](repeating: 0, count: r.logProbs.count)
            for t in 0..<r.logProbs.count where r.mask[t] {
                let term = tokenTerm(logProb: r.logProbs[t], oldLogProb: r.oldLogProbs[t], advantage: r.advantage,
                                     referenceLogProb: r.referenceLogProbs?[t])
                result.loss += w * term.loss
                grads[t] = w * term.gradient
                result.tokens += 1
                if term.clipped { result.clippedTokens += 1 }
                result.klSum += term.kl
            }
            result.gradients.append(grads)
        }
        return result
    }
}

/// One token's surrogate value and derivative.
public struct TokenTerm: Sendable, Hashable {
    /// s_it (before the aggregation weight).
    public var loss: Double
    /// ∂s_it/∂logp_it.
    public var gradient: Double
    /// Whether the clipped branch was active (counted in the clip fraction).
    public var clipped: Bool
    /// ρ = π/π_old.
    public var ratio: Double
    /// The k3 KL estimate (0 when β = 0).
    public var kl: Double
}

/// The per-token inputs of one response.
public struct ResponseTerms: Sendable, Hashable {
    /// log π_θ(o_t | …) under the current parameters.
    public var logProbs: [Double]
    /// log π_old(o_t | …) recorded at rollout time.
    public var oldLogProbs: [Double]
    /// log π_ref, when a KL penalty is used.
    public var referenceLogProbs: [Double]?
    /// Tokens that count in the loss (false for masked truncated responses).
    public var mask: [Bool]
    /// The response's advantage (shared by its tokens).
    public var advantage: Double

    /// Bundles one response's terms.
    public init(logProbs: [Double], oldLogProbs: [Double], referenceLogProbs: [Double]? = nil,
                mask: [Bool]? = nil, advantage: Double) {
        self.logProbs = logProbs; self.oldLogProbs = oldLogProbs; self.referenceLogProbs = referenceLogProbs
        self.mask = mask ?? [Bool](repeating: true, count: logProbs.count); self.advantage = advantage
    }
}

/// The loss of a (micro-)batch and its gradient with respect to every token's log-prob.
public struct ObjectiveResult: Sendable, Hashable {
    /// Σ w_i s_it over the given responses.
    public var loss: Double
    /// ∂loss/∂logp_it, one array per response.
    public var gradients: [[Double]]
    /// Tokens on the clipped branch.
    public var clippedTokens: Int
    /// Tokens that counted.
    public var tokens: Int
    /// Σ k3 over counted tokens.
    public var klSum: Double
}

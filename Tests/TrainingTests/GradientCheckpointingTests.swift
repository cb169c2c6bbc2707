// Gradient checkpointing changes memory, never numbers: recomputing a layer's forward in backward runs
// the same deterministic kernels on the same inputs, so log-probs and gradients must be bit-identical,
// while the workspace keeps one layer's activations instead of all of them. Also: the on-policy learner
// skips the separate π_old scoring forward, which must not change the update.

import Foundation
import Inference
import Models
import Testing
@testable import Training

@Suite struct GradientCheckpointingTests {
    static let deep = DecoderConfiguration(modelType: "qwen2", hiddenSize: 12, intermediateSize: 20,
                                           numHiddenLayers: 4, numAttentionHeads: 3, numKeyValueHeads: 1, vocabSize: 19,
                                           rmsNormEps: 1e-6, ropeTheta: 1_000_000, tieWordEmbeddings: false)

    static func forwardBackward(_ cfg: DecoderConfiguration, checkpointing: Bool) throws -> (logProbs: [[Double]], grads: [Float], floats: Int) {
        let model = try PolicyModel.random(configuration: cfg, seed: 7, scale: 0.35)
        let batch = TinyDecoders.batch(vocab: cfg.vocabSize), coef = GradientCheckTests.coefficients(batch)
        let ws = DecoderWorkspace(gradientCheckpointing: checkpointing)
        // Two passes through one workspace: the second reuses the buffers, as the trainer does.
        var out: ScoredOutput?
        var g = ParameterSet(zerosLike: model.parameters)
        for _ in 0..<2 {
            g.zero()
            out = try model.forward(batch, workspace: ws)
            try model.backward(dLogProbs: coef, workspace: ws, gradients: &g)
        }
        return (out?.logProbs ?? [], g.values, ws.allocatedFloats)
    }

    @Test(arguments: ["llama", "qwen2", "deep"])
    func gradientsAreBitIdentical(kind: String) throws {
        let cfg = kind == "llama" ? TinyDecoders.llama : kind == "qwen2" ? TinyDecoders.qwen2 : Self.deep
        let plain = try Self.forwardBackward(cfg, checkpointing: false)
        let recomputed = try Self.forwardBackward(cfg, checkpointing: true)
        #expect(plain.logProbs == recomputed.logProbs)
        #expect(plain.grads == recomputed.grads)
        #expect(plain.grads.contains { $0 != 0 })
        #expect(recomputed.floats < plain.floats, "checkpointing should keep fewer activation floats")
    }

    /// The saving grows with depth: L layers of activations become one.
    @Test func activationMemoryKeepsOneLayer() throws {
        let plain = try Self.forwardBackward(Self.deep, checkpointing: false).floats
        let recomputed = try Self.forwardBackward(Self.deep, checkpointing: true).floats
        let perLayer = (plain - recomputed) / (Self.deep.numHiddenLayers - 1)
        #expect((plain - recomputed) % (Self.deep.numHiddenLayers - 1) == 0)
        #expect(perLayer > 0 && recomputed + perLayer * (Self.deep.numHiddenLayers - 1) == plain)
    }

    /// A whole RL update with and without checkpointing ends at the same weights.
    @Test func trainerUpdateIsUnchanged() async throws {
        func run(_ ckpt: Bool) async throws -> [Float] {
            var model = try PolicyModel.random(configuration: TrainerTests.config, seed: 5, scale: 0.1)
            let upd = PolicyUpdate(configuration: LearnerConfiguration(objective: PolicyObjective(preset: .drGRPO, maxNewTokens: 3),
                                                                       microBatchSize: 3, gradientCheckpointing: ckpt))
            var opt = AdamW(configuration: AdamWConfiguration(learningRate: 1e-2), parameters: model.parameters)
            var rng = SplitMix64(seed: 1)
            _ = try upd.update(model: &model, optimizer: &opt, rollouts: Self.rollouts, rng: &rng,
                               workspace: DecoderWorkspace(gradientCheckpointing: ckpt))
            return model.parameters.values
        }
        let a = try await run(false), b = try await run(true)
        #expect(a == b)
    }

    static let rollouts: [Rollout] = (0..<6).map { i in
        Rollout(group: i / 3, promptTokens: [2, 6 + i % 3], completionTokens: Array([5, 7, 1, 9, 3].prefix(1 + i % 4)),
                reward: i % 2 == 0 ? 1 : 0, truncated: i % 4 == 3)
    }

    /// On-policy (one epoch, one mini-batch) the learner takes π_old from the update's own forward; the
    /// result must equal the general path that scores the rollouts first.
    @Test func onPolicyShortcutEqualsScoringPass() throws {
        let model = try PolicyModel.random(configuration: TrainerTests.config, seed: 5, scale: 0.1)
        let upd = PolicyUpdate(configuration: LearnerConfiguration(objective: PolicyObjective(preset: .grpo, maxNewTokens: 5),
                                                                   microBatchSize: 4))
        let ws = DecoderWorkspace()
        let seqs = Self.rollouts.map(PolicyUpdate.sequence)
        let adv = upd.advantages(Self.rollouts).values
        let old = try upd.scoreRollouts(Self.rollouts, model: model, workspace: ws)
        let scored = old.indices.map { ResponseTerms(logProbs: old[$0], oldLogProbs: old[$0], advantage: adv[$0]) }
        let blank = old.indices.map { i in
            ResponseTerms(logProbs: [Double](repeating: 0, count: old[i].count), oldLogProbs: [Double](repeating: 0, count: old[i].count),
                          advantage: adv[i])
        }
        var g1 = ParameterSet(zerosLike: model.parameters), g2 = g1
        let (r1, _) = try upd.accumulate(model: model, sequences: seqs, terms: scored, workspace: ws, gradients: &g1)
        let (r2, _) = try upd.accumulate(model: model, sequences: seqs, terms: blank, oldFromForward: true, workspace: ws, gradients: &g2)
        #expect(r1.loss == r2.loss && r1.clippedTokens == 0 && r2.clippedTokens == 0)
        #expect(g1.values == g2.values)
    }
}

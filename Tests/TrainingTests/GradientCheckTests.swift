// Finite-difference checks of the decoder backward (llm.c test_gpt2.c in spirit): for every parameter
// tensor, the analytic directional derivative g·d must match (L(θ+hd) − L(θ−hd))/2h along a random
// unit direction d on that tensor alone, on tiny llama (tied) and qwen2 (untied, q/k/v bias) decoders.

import Foundation
import Models
import Testing
@testable import Training

enum TinyDecoders {
    static let llama = DecoderConfiguration(modelType: "llama", hiddenSize: 16, intermediateSize: 24,
                                            numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2, vocabSize: 23,
                                            tieWordEmbeddings: true)
    static let qwen2 = DecoderConfiguration(modelType: "qwen2", hiddenSize: 12, intermediateSize: 20,
                                            numHiddenLayers: 2, numAttentionHeads: 3, numKeyValueHeads: 1, vocabSize: 19,
                                            rmsNormEps: 1e-6, ropeTheta: 1_000_000, tieWordEmbeddings: false)
    static func batch(vocab: Int) -> [ScoredSequence] {
        [ScoredSequence(tokens: [1, 5, 7, 2, 9, 3], scoredFrom: 2),
         ScoredSequence(tokens: [4, 8, 6], scoredFrom: 1),
         ScoredSequence(tokens: [2, 11, 12, 13, 1], scoredFrom: 3)].map {
            ScoredSequence(tokens: $0.tokens.map { $0 % vocab }, scoredFrom: $0.scoredFrom)
        }
    }
}

@Suite struct GradientCheckTests {
    /// A scalar loss Σ c_r · logp_r with fixed coefficients, so every scored token matters.
    static func loss(_ model: PolicyModel, _ batch: [ScoredSequence], _ coef: [[Double]]) throws -> Double {
        let out = try model.forward(batch, workspace: DecoderWorkspace())
        return zip(out.logProbs, coef).reduce(0) { acc, p in acc + zip(p.0, p.1).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    static func coefficients(_ batch: [ScoredSequence]) -> [[Double]] {
        var rng = SeededNormal(seed: 99)
        return batch.map { s in (s.scoredFrom..<s.tokens.count).map { _ in Double(rng.next()) } }
    }

    static func check(_ cfg: DecoderConfiguration) throws -> [(String, Double, Double)] {
        var model = try PolicyModel.random(configuration: cfg, seed: 7, scale: 0.35)
        // Non-unit norm weights so their gradients are exercised away from 1.
        var rng = SeededNormal(seed: 3)
        for s in model.parameters.slots where s.name.hasSuffix("norm.weight") {
            for i in s.offset..<(s.offset + s.count) { model.parameters.values[i] = 1 + 0.3 * rng.next() }
        }
        let batch = TinyDecoders.batch(vocab: cfg.vocabSize), coef = coefficients(batch)
        let ws = DecoderWorkspace()
        _ = try model.forward(batch, workspace: ws)
        var grads = ParameterSet(zerosLike: model.parameters)
        try model.backward(dLogProbs: coef, workspace: ws, gradients: &grads)
        var results: [(String, Double, Double)] = []
        for slot in model.parameters.slots {
            var d = (0..<slot.count).map { _ in Double(rng.next()) }
            let norm = d.reduce(0) { $0 + $1 * $1 }.squareRoot()
            d = d.map { $0 / norm }
            var analytic = 0.0
            for i in 0..<slot.count { analytic += Double(grads.values[slot.offset + i]) * d[i] }
            let h = 1e-2
            var plus = model, minus = model
            for i in 0..<slot.count {
                plus.parameters.values[slot.offset + i] += Float(h * d[i])
                minus.parameters.values[slot.offset + i] -= Float(h * d[i])
            }
            let numeric = (try loss(plus, batch, coef) - loss(minus, batch, coef)) / (2 * h)
            results.append((slot.name, analytic, numeric))
        }
        return results
    }

    @Test(arguments: ["llama", "qwen2"])
    func everyTensorMatchesFiniteDifferences(kind: String) throws {
        let cfg = kind == "llama" ? TinyDecoders.llama : TinyDecoders.qwen2
        let results = try Self.check(cfg)
        #expect(results.count == cfg.parameterShapes.count)
        for (name, analytic, numeric) in results {
            let tol = 2e-3 + 2e-2 * max(abs(analytic), abs(numeric))
            #expect(abs(analytic - numeric) < tol, "\(name): analytic \(analytic) vs finite difference \(numeric)")
            #expect(abs(analytic) > 1e-5, "\(name): gradient is zero, the check would be vacuous")
        }
    }

    /// The whole loss along one direction over all parameters at once.
    @Test func wholeLossMatchesFiniteDifference() throws {
        let model = try PolicyModel.random(configuration: TinyDecoders.qwen2, seed: 11, scale: 0.35)
        let batch = TinyDecoders.batch(vocab: 19), coef = Self.coefficients(batch)
        let ws = DecoderWorkspace()
        _ = try model.forward(batch, workspace: ws)
        var grads = ParameterSet(zerosLike: model.parameters)
        try model.backward(dLogProbs: coef, workspace: ws, gradients: &grads)
        var rng = SeededNormal(seed: 5)
        let d = (0..<grads.values.count).map { _ in Double(rng.next()) }
        let norm = d.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var analytic = 0.0
        for i in d.indices { analytic += Double(grads.values[i]) * d[i] / norm }
        var plus = model, minus = model, h = 1e-2
        for i in d.indices {
            plus.parameters.values[i] += Float(h * d[i] / norm); minus.parameters.values[i] -= Float(h * d[i] / norm)
        }
        let numeric = (try Self.loss(plus, batch, coef) - Self.loss(minus, batch, coef)) / (2 * h)
        h = 0
        #expect(abs(analytic - numeric) < 2e-3 + 2e-2 * abs(numeric), "analytic \(analytic) vs \(numeric)")
    }

    /// Packing sequences together must not leak attention across them (causal + per-sequence segments).
    @Test func packedBatchEqualsSequencesAlone() throws {
        let model = try PolicyModel.random(configuration: TinyDecoders.llama, seed: 2, scale: 0.35)
        let batch = TinyDecoders.batch(vocab: 23)
        let together = try model.forward(batch, workspace: DecoderWorkspace())
        for (i, s) in batch.enumerated() {
            let alone = try model.forward([s], workspace: DecoderWorkspace())
            for (a, b) in zip(alone.logProbs[0], together.logProbs[i]) { #expect(abs(a - b) < 1e-5) }
        }
        // Log-probs are ≤ 0 and entropies within [0, log V].
        for lp in together.logProbs.flatMap({ $0 }) { #expect(lp < 0) }
        for e in together.entropies.flatMap({ $0 }) { #expect(e >= 0 && e <= log(23.0) + 1e-6) }
    }
}

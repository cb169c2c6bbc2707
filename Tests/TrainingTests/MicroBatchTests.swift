// Gradient accumulation must not change the objective: the dr-grpo (and token-mean) loss and gradient
// of a mini-batch are the same whether it is processed at once or in micro-batches (verl normalised
// by micro-batch statistics until v0.4, which silently re-weighted responses by length).

import Foundation
import Testing
@testable import Training

@Suite struct MicroBatchTests {
    static let sequences = [
        ScoredSequence(tokens: [1, 2, 3, 4, 5, 6, 7], scoredFrom: 2),   // 5 completion tokens
        ScoredSequence(tokens: [1, 2, 9], scoredFrom: 2),               // 1
        ScoredSequence(tokens: [3, 4, 5, 10, 11, 12], scoredFrom: 3),   // 3
        ScoredSequence(tokens: [3, 4, 5, 13, 14], scoredFrom: 3),       // 2
    ]
    static let advantages: [Double] = [0.5, -0.5, 0.25, -0.25]

    static func run(_ preset: ObjectivePreset, micro: Int) throws -> (Double, [Float]) {
        let model = try PolicyModel.random(configuration: TinyDecoders.llama, seed: 21, scale: 0.35)
        let ws = DecoderWorkspace()
        let old = try model.forward(sequences, workspace: ws).logProbs
        // Shift the old log-probs so some tokens sit on the clipped branch.
        let terms = old.indices.map { i in
            ResponseTerms(logProbs: old[i], oldLogProbs: old[i].enumerated().map { $1 + ($0 % 2 == 0 ? 0.3 : -0.05) },
                          advantage: advantages[i])
        }
        let upd = PolicyUpdate(configuration: LearnerConfiguration(objective: PolicyObjective(preset: preset, maxNewTokens: 8),
                                                                   microBatchSize: micro))
        var g = ParameterSet(zerosLike: model.parameters)
        let (res, _) = try upd.accumulate(model: model, sequences: sequences, terms: terms, workspace: ws, gradients: &g)
        #expect(res.clippedTokens > 0 && res.clippedTokens < res.tokens)
        return (res.loss, g.values)
    }

    @Test(arguments: [ObjectivePreset.drGRPO, .grpo, .rloo], [1, 2, 3])
    func lossAndGradientIndependentOfMicroBatchSize(preset: ObjectivePreset, micro: Int) throws {
        let (fullLoss, fullGrad) = try Self.run(preset, micro: 4)
        let (loss, grad) = try Self.run(preset, micro: micro)
        #expect(abs(loss - fullLoss) < 1e-6, "loss \(loss) vs \(fullLoss)")  // fp32 forward: sgemm blocking differs by shape
        let maxDiff = zip(grad, fullGrad).map { abs($0 - $1) }.max() ?? 0
        let scale = fullGrad.map { abs($0) }.max() ?? 0
        #expect(scale > 0 && maxDiff <= 1e-5 * scale, "max gradient difference \(maxDiff) (scale \(scale))")
    }

    /// The bug the design avoids: token-mean normalised per micro-batch and averaged differs from the
    /// mini-batch token-mean when micro-batches hold different numbers of tokens.
    @Test func naivePerMicroBatchTokenMeanDiffers() throws {
        let obj = PolicyObjective(aggregation: .tokenMean, constantNormalizer: 8)
        let lengths = [5, 1, 3, 2]
        let terms = zip(lengths, Self.advantages).map { l, a in
            ResponseTerms(logProbs: [Double](repeating: -1, count: l), oldLogProbs: [Double](repeating: -1, count: l), advantage: a)
        }
        let whole = try obj.evaluate(terms, weights: obj.tokenWeights(lengths: lengths)).loss
        let a = try obj.evaluate(Array(terms[0..<2]), weights: obj.tokenWeights(lengths: [5, 1])).loss
        let b = try obj.evaluate(Array(terms[2..<4]), weights: obj.tokenWeights(lengths: [3, 2])).loss
        let globalA = try obj.evaluate(Array(terms[0..<2]), weights: Array(obj.tokenWeights(lengths: lengths)[0..<2])).loss
        let globalB = try obj.evaluate(Array(terms[2..<4]), weights: Array(obj.tokenWeights(lengths: lengths)[2..<4])).loss
        #expect(abs((a + b) / 2 - whole) > 1e-3)
        #expect(abs(globalA + globalB - whole) < 1e-12)
    }
}

// Parity with PyTorch at step 0 (style rule 9): log-probs, loss and every parameter gradient of a
// 3-response GRPO / Dr. GRPO group on a tiny llama, against fixtures/goldens/training/tiny-llama-grpo.json
// written by scripts/goldens/training-goldens.py (transformers LlamaForCausalLM, fp32).

import Foundation
import Models
import Testing
import Tensors
@testable import Training

struct TorchGolden: Decodable {
    struct Weight: Decodable { var shape: [Int]; var values: [Float] }
    struct Objective: Decodable { var loss: Double; var logprobs: [[Double]]; var gradients: [String: [Float]] }
    var prompt: [Int]
    var completions: [[Int]]
    var rewards: [Double]
    var budget: Int
    var weights: [String: Weight]
    var objectives: [String: Objective]

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/goldens/training/tiny-llama-grpo.json")
    static var available: Bool { FileManager.default.fileExists(atPath: url.path) }
}

@Suite(.enabled(if: TorchGolden.available, "run scripts/goldens/training-goldens.py"))
struct TorchParityTests {
    @Test(arguments: ["grpo", "dr-grpo"])
    func lossAndGradientsMatchPyTorch(objective: String) throws {
        let g = try JSONDecoder().decode(TorchGolden.self, from: Data(contentsOf: TorchGolden.url))
        let cfg = DecoderConfiguration(modelType: "llama", hiddenSize: 16, intermediateSize: 24,
                                       numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2, vocabSize: 23,
                                       rmsNormEps: 1e-5, ropeTheta: 10000, maxPositionEmbeddings: 64, tieWordEmbeddings: true)
        let tensors = try g.weights.mapValues { try Tensor(shape: $0.shape, storage: $0.values) }
        let model = try PolicyModel(configuration: cfg, tensors: tensors)
        guard let want = g.objectives[objective] else { Issue.record("no \(objective) in the golden"); return }
        let seqs = g.completions.map { ScoredSequence(tokens: g.prompt + $0, scoredFrom: g.prompt.count) }
        let ws = DecoderWorkspace()
        let lps = try model.forward(seqs, workspace: ws).logProbs
        for (a, b) in zip(lps.flatMap { $0 }, want.logprobs.flatMap { $0 }) {
            #expect(abs(a - b) < 1e-4, "log-prob \(a) vs torch \(b)")
        }
        let preset: ObjectivePreset = objective == "grpo" ? .grpo : .drGRPO
        let obj = PolicyObjective(preset: preset, maxNewTokens: g.budget, epsilon: 1e-6)
        let adv = obj.advantages(rewards: g.rewards)
        let terms = lps.indices.map { i in
            ResponseTerms(logProbs: lps[i], oldLogProbs: lps[i].enumerated().map { $1 + ($0 % 2 == 0 ? 0.3 : -0.05) }, advantage: adv[i])
        }
        let res = try obj.evaluate(terms, weights: obj.tokenWeights(lengths: g.completions.map(\.count)))
        #expect(abs(res.loss - want.loss) < 1e-5, "loss \(res.loss) vs torch \(want.loss)")
        var grads = ParameterSet(zerosLike: model.parameters)
        try model.backward(dLogProbs: res.gradients, workspace: ws, gradients: &grads)
        for slot in grads.slots {
            guard let ref = want.gradients[slot.name] else { Issue.record("torch has no gradient for \(slot.name)"); continue }
            let mine = grads.values[slot.offset..<(slot.offset + slot.count)]
            let scale = max(ref.map { abs($0) }.max() ?? 0, 1e-6)
            let diff = zip(mine, ref).map { abs($0 - $1) }.max() ?? 0
            #expect(diff <= 1e-3 * scale + 1e-7, "\(slot.name): max |Δ| \(diff) (scale \(scale))")
        }
    }
}

// Bridges the Models module's `DecoderConfiguration` (read from config.json or GGUF keys by the engine)
// to the trainer's `PolicyConfiguration`, so `loadFloatWeights(path:)` output trains directly.

import Models
import Tensors

extension PolicyConfiguration {
    /// The trainer's view of an engine configuration, RoPE scaling (linear, llama3) included.
    public init(_ d: DecoderConfiguration) throws {
        self.init(modelType: d.modelType, vocabSize: d.vocabSize, hiddenSize: d.hiddenSize,
                  intermediateSize: d.intermediateSize, numHiddenLayers: d.numHiddenLayers,
                  numAttentionHeads: d.numAttentionHeads, numKeyValueHeads: d.numKeyValueHeads, headDim: d.headDim,
                  ropeTheta: d.ropeTheta, rmsNormEps: d.rmsNormEps, tieWordEmbeddings: d.tieWordEmbeddings,
                  attentionBias: d.attentionBias, bosTokenID: d.bosTokenID, eosTokenID: d.eosTokenIDs.first,
                  maxPositionEmbeddings: d.maxPositionEmbeddings,
                  ropeScaling: d.ropeScaling.map {
                      RoPEScalingConfiguration(type: $0.type, factor: $0.factor, lowFrequencyFactor: $0.lowFrequencyFactor,
                                               highFrequencyFactor: $0.highFrequencyFactor,
                                               originalMaxPositionEmbeddings: $0.originalMaxPositionEmbeddings)
                  })
        try validate()
    }
}

extension PolicyModel {
    /// Loads a GGUF file or HF folder (via `Models.loadFloatWeights`) as a trainable fp32 model.
    /// Returns the engine configuration too, which `LocalBackend` needs for rollouts.
    public static func load(path: String) throws -> (model: PolicyModel, decoder: DecoderConfiguration) {
        let (d, weights) = try loadFloatWeights(path: path)
        let cfg = try PolicyConfiguration(d)
        var w = weights
        // A tied checkpoint may still carry lm_head.weight (some GGUF exports); the trainer keeps one copy.
        if cfg.tieWordEmbeddings { w.removeValue(forKey: "lm_head.weight") }
        return (try PolicyModel(configuration: cfg, tensors: w), d)
    }
}

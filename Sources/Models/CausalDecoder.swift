// What the engine needs from a decoder, whatever its architecture (llama.cpp keeps one `llama_model`
// with a per-architecture graph builder; here each architecture is its own type behind this protocol),
// and the one place that picks the type from the configuration's `model_type`.
import Tensors

/// A causal language model runnable on batches of sequences with per-sequence KV caches.
public protocol CausalDecoder: Sendable {
    /// Shape and numerics: vocabulary size, context length, BOS/EOS ids, …
    var configuration: DecoderConfiguration { get }
    /// Runs the chunks as one batch: appends their keys/values to their caches and returns the logits of
    /// the requested rows, concatenated in chunk order ((rows, vocab) row-major).
    func forward(_ chunks: [ForwardChunk], threads: Int) throws -> [Float]
    /// A cache sized for `positions` positions of this model.
    func makeCache(capacity positions: Int) -> SequenceCache
    /// How the Linear weights are held (fp32 or Q8_0).
    var weightFormat: WeightFormat { get }
    /// Bytes of weights held.
    var weightBytes: Int { get }
    /// Floating-point operations of one token's pass through the weight GEMMs (2 per MAC).
    var flopsPerToken: Double { get }
}

extension Llama: CausalDecoder {}

/// The decoder for `configuration.modelType` ("llama"/"qwen2" → `Llama`, "gemma3_text" → `Gemma3`) built
/// from HF-named fp32 weights (see `loadFloatWeights`); llama/qwen2 hold them in `weightFormat`, gemma3
/// always in fp32.
public func makeDecoder(configuration: DecoderConfiguration, weights: [String: Tensor],
                        weightFormat: WeightFormat = .fp32) throws -> any CausalDecoder {
    switch configuration.modelType {
    case "llama", "qwen2": return try Llama(configuration: configuration, weights: weights, weightFormat: weightFormat)
    case Gemma3.modelType: return try Gemma3(configuration: configuration, weights: weights)
    default: throw ModelError.unsupportedArchitecture(file: "configuration", architecture: configuration.modelType)
    }
}

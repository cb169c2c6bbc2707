// Seeded random tiny gemma3 decoders (hidden 32, 3 layers: sliding, global, sliding; 4 heads / 2 KV heads
// of head_dim 16, a window of 4 positions so short test prompts already cross it) on the tiny byte-level
// vocabulary, written as an HF folder or as a gemma3 GGUF laid out like llama.cpp's converter writes
// one (`gemma3.*` keys, gemma3 tensor names, norm weights stored as 1 + w).
import Foundation
import Checkpoints
import Inference
import Models
import Tensors
import Tokenizers

extension TinyModelFactory {
    /// The tiny gemma3 configuration; `window` is the sliding window of layers 0 and 2.
    public static func gemma3Configuration(window: Int = 4, finalLogitSoftcapping: Double? = nil) -> DecoderConfiguration {
        DecoderConfiguration(
            modelType: Gemma3.modelType, hiddenSize: 32, intermediateSize: 64, numHiddenLayers: 3,
            numAttentionHeads: 4, numKeyValueHeads: 2, headDim: 16, vocabSize: TokenizerLoader.tinyVocabulary.tokens.count,
            rmsNormEps: 1e-6, ropeTheta: 1_000_000, maxPositionEmbeddings: 256, tieWordEmbeddings: true,
            attentionBias: false, bosTokenID: 297, eosTokenIDs: [299],
            gemma3: Gemma3Parameters(slidingWindow: window,
                                     layerTypes: [Gemma3Parameters.sliding, Gemma3Parameters.full, Gemma3Parameters.sliding],
                                     ropeLocalBaseFrequency: 10_000, queryPreAttentionScalar: 16,
                                     finalLogitSoftcapping: finalLogitSoftcapping))
    }

    /// Seeded random gemma3 weights under HF names in HF convention (norm weights w, used as 1 + w).
    public static func gemma3Weights(_ c: DecoderConfiguration, seed: UInt64 = 7) -> [String: Tensor] {
        var rng = SplitMix64(seed: seed)
        func random(_ shape: [Int], scale: Double) -> Tensor {
            let n = shape.reduce(1, *)
            return (try? Tensor(shape: shape, storage: (0..<n).map { _ in Float(scale * (rng.nextUnit() * 2 - 1)) }))
                ?? Tensor(zeros: shape)
        }
        let h = c.hiddenSize, d = c.headDim, q = c.numAttentionHeads * d, kv = c.numKeyValueHeads * d
        let i = c.intermediateSize
        // Embeddings are multiplied by √H in the forward pass, so they start small.
        var w: [String: Tensor] = [
            "model.embed_tokens.weight": random([c.vocabSize, h], scale: 0.3),
            "model.norm.weight": random([h], scale: 0.2),
        ]
        for l in 0..<c.numHiddenLayers {
            let p = "model.layers.\(l)."
            for norm in ["input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm", "post_feedforward_layernorm"] {
                w[p + norm + ".weight"] = random([h], scale: 0.2)
            }
            w[p + "self_attn.q_norm.weight"] = random([d], scale: 0.2)
            w[p + "self_attn.k_norm.weight"] = random([d], scale: 0.2)
            w[p + "self_attn.q_proj.weight"] = random([q, h], scale: 2 / Double(h).squareRoot())
            w[p + "self_attn.k_proj.weight"] = random([kv, h], scale: 2 / Double(h).squareRoot())
            w[p + "self_attn.v_proj.weight"] = random([kv, h], scale: 1 / Double(h).squareRoot())
            w[p + "self_attn.o_proj.weight"] = random([h, q], scale: 1 / Double(q).squareRoot())
            w[p + "mlp.gate_proj.weight"] = random([i, h], scale: 2 / Double(h).squareRoot())
            w[p + "mlp.up_proj.weight"] = random([i, h], scale: 1 / Double(h).squareRoot())
            w[p + "mlp.down_proj.weight"] = random([h, i], scale: 1 / Double(i).squareRoot())
        }
        return w
    }

    /// Writes a gemma3 GGUF the way llama.cpp's `convert_hf_to_gguf.py` (`Gemma3Model`) does: `gemma3.*`
    /// keys, gemma3 tensor names, unpermuted q/k, norm weights + 1, matrices in `type` and 1-D tensors in
    /// F32. `writePattern` stores the per-layer sliding flags as `attention.sliding_window_pattern` (an
    /// array, as llama.cpp reads it); without it readers fall back to llama.cpp's period of 6.
    @discardableResult
    public static func writeGemma3GGUF(to url: URL, configuration c: DecoderConfiguration, weights: [String: Tensor],
                                       type: GGMLType = .f32, writePattern: Bool = true) throws -> URL {
        guard let g = c.gemma3 else {
            throw ModelError.invalidConfiguration(file: url.lastPathComponent, key: "model_type", reason: "not gemma3")
        }
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("gemma3"))
        writer.set("general.name", .string("tiny-gemma3"))
        writer.set("gemma3.context_length", .uint32(UInt32(c.maxPositionEmbeddings)))
        writer.set("gemma3.embedding_length", .uint32(UInt32(c.hiddenSize)))
        writer.set("gemma3.block_count", .uint32(UInt32(c.numHiddenLayers)))
        writer.set("gemma3.feed_forward_length", .uint32(UInt32(c.intermediateSize)))
        writer.set("gemma3.attention.head_count", .uint32(UInt32(c.numAttentionHeads)))
        writer.set("gemma3.attention.head_count_kv", .uint32(UInt32(c.numKeyValueHeads)))
        writer.set("gemma3.attention.layer_norm_rms_epsilon", .float32(Float(c.rmsNormEps)))
        writer.set("gemma3.attention.key_length", .uint32(UInt32(c.headDim)))
        writer.set("gemma3.attention.value_length", .uint32(UInt32(c.headDim)))
        writer.set("gemma3.rope.freq_base", .float32(Float(c.ropeTheta)))
        writer.set("gemma3.attention.sliding_window", .uint32(UInt32(g.slidingWindow)))
        if writePattern {
            writer.set("gemma3.attention.sliding_window_pattern",
                       .array((0..<c.numHiddenLayers).map { .bool(g.isSliding(layer: $0)) }))
        }
        if let cap = g.finalLogitSoftcapping { writer.set("gemma3.final_logit_softcapping", .float32(Float(cap))) }
        for (key, value) in TokenizerLoader.tinyGGUFMetadata() { writer.set(key, value) }
        for (name, tensor) in weights.sorted(by: { $0.key < $1.key }) {
            guard let ggufName = TensorNames.gguf(fromHuggingFace: name, architecture: c.modelType) else { continue }
            var t = tensor
            if ggufName.hasSuffix("norm.weight") { t.storage = t.storage.map { $0 + 1 } }
            try writer.add(ggufName, t, as: t.shape.count == 2 ? type : .f32)
        }
        try writer.write(to: url)
        return url
    }
}

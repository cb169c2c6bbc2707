// Seeded random tiny llama/qwen2 decoders written with our own writers, so tests never need a committed
// model (the guide's "tests make their own models"; cf. minGPT's tests and llama.cpp's test-backend-ops):
// hidden 32, 2 layers, 4 heads / 2 KV heads, the Tokenizers module's 300-token tiny byte-level BPE vocabulary. Written as an HF
// folder (config.json, model.safetensors, tokenizer.json) and as GGUF (F32, F16, Q8_0, Q4_0, ...), with
// llama's q/k rows permuted exactly as llama.cpp's converter does.
import Foundation
import Checkpoints
import Inference
import Models
import Tensors
import Tokenizers

/// Builds tiny random decoders and writes them in every checkpoint format.
public enum TinyModelFactory {
    /// The tiny model's configuration (`modelType` "llama" or "qwen2"; qwen2 has q/k/v biases).
    public static func configuration(modelType: String = "llama", tied: Bool = true) -> DecoderConfiguration {
        DecoderConfiguration(modelType: modelType, hiddenSize: 32, intermediateSize: 64, numHiddenLayers: 2,
                             numAttentionHeads: 4, numKeyValueHeads: 2, vocabSize: TokenizerLoader.tinyVocabulary.tokens.count,
                             rmsNormEps: 1e-5, ropeTheta: 10_000, maxPositionEmbeddings: 256,
                             tieWordEmbeddings: tied, bosTokenID: 297, eosTokenIDs: [299])
    }

    /// Seeded random weights under HF names, PyTorch layout. Scales follow 1/sqrt(fan_in) so the
    /// logits are neither flat nor saturated.
    public static func weights(_ c: DecoderConfiguration, seed: UInt64 = 42) -> [String: Tensor] {
        var rng = SplitMix64(seed: seed)
        func random(_ shape: [Int], scale: Double, offset: Double = 0) -> Tensor {
            let n = shape.reduce(1, *)
            // Shapes are consistent by construction, so this initialiser cannot fail.
            return (try? Tensor(shape: shape, storage: (0..<n).map { _ in Float(offset + scale * (rng.nextUnit() * 2 - 1)) }))
                ?? Tensor(zeros: shape)
        }
        let h = c.hiddenSize, q = c.numAttentionHeads * c.headDim, kv = c.numKeyValueHeads * c.headDim
        let i = c.intermediateSize
        var w: [String: Tensor] = [
            "model.embed_tokens.weight": random([c.vocabSize, h], scale: 0.3),
            "model.norm.weight": random([h], scale: 0.1, offset: 1),
        ]
        if !c.tieWordEmbeddings { w["lm_head.weight"] = random([c.vocabSize, h], scale: 0.3) }
        for l in 0..<c.numHiddenLayers {
            let p = "model.layers.\(l)."
            w[p + "input_layernorm.weight"] = random([h], scale: 0.1, offset: 1)
            w[p + "post_attention_layernorm.weight"] = random([h], scale: 0.1, offset: 1)
            w[p + "self_attn.q_proj.weight"] = random([q, h], scale: 2 / Double(h).squareRoot())
            w[p + "self_attn.k_proj.weight"] = random([kv, h], scale: 2 / Double(h).squareRoot())
            w[p + "self_attn.v_proj.weight"] = random([kv, h], scale: 1 / Double(h).squareRoot())
            w[p + "self_attn.o_proj.weight"] = random([h, q], scale: 1 / Double(q).squareRoot())
            w[p + "mlp.gate_proj.weight"] = random([i, h], scale: 1 / Double(h).squareRoot())
            w[p + "mlp.up_proj.weight"] = random([i, h], scale: 1 / Double(h).squareRoot())
            w[p + "mlp.down_proj.weight"] = random([h, i], scale: 1 / Double(i).squareRoot())
            if c.attentionBias {
                w[p + "self_attn.q_proj.bias"] = random([q], scale: 0.2)
                w[p + "self_attn.k_proj.bias"] = random([kv], scale: 0.2)
                w[p + "self_attn.v_proj.bias"] = random([kv], scale: 0.2)
            }
        }
        return w
    }

    /// A fresh empty temporary directory.
    public static func temporaryDirectory(_ label: String = "tiny") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("r1audit-\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes an HF folder (config.json, model.safetensors, tokenizer.json, tokenizer_config.json) into
    /// `directory` and returns it.
    @discardableResult
    public static func writeFolder(to directory: URL, configuration c: DecoderConfiguration,
                                   weights: [String: Tensor]) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(c).write(to: directory.appendingPathComponent("config.json"))
        try SafetensorsWriter.write(weights.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                                    to: directory.appendingPathComponent("model.safetensors"))
        try TokenizerLoader.writeTinyTokenizerFiles(to: directory)
        return directory
    }

    /// Writes a GGUF with matrices in `type` (1-D weights stay F32, as llama.cpp's quantiser does), the
    /// tokenizer in `tokenizer.ggml.*`, and llama q/k rows permuted like `convert_hf_to_gguf.py`.
    @discardableResult
    public static func writeGGUF(to url: URL, configuration c: DecoderConfiguration, weights: [String: Tensor],
                                 type: GGMLType = .f32) throws -> URL {
        var writer = GGUFWriter()
        let arch = c.modelType
        writer.set("general.architecture", .string(arch))
        writer.set("general.name", .string("tiny-\(arch)"))
        writer.set("\(arch).context_length", .uint32(UInt32(c.maxPositionEmbeddings)))
        writer.set("\(arch).embedding_length", .uint32(UInt32(c.hiddenSize)))
        writer.set("\(arch).feed_forward_length", .uint32(UInt32(c.intermediateSize)))
        writer.set("\(arch).block_count", .uint32(UInt32(c.numHiddenLayers)))
        writer.set("\(arch).attention.head_count", .uint32(UInt32(c.numAttentionHeads)))
        writer.set("\(arch).attention.head_count_kv", .uint32(UInt32(c.numKeyValueHeads)))
        writer.set("\(arch).attention.layer_norm_rms_epsilon", .float32(Float(c.rmsNormEps)))
        writer.set("\(arch).rope.freq_base", .float32(Float(c.ropeTheta)))
        writer.set("\(arch).rope.dimension_count", .uint32(UInt32(c.headDim)))
        writer.set("\(arch).vocab_size", .uint32(UInt32(c.vocabSize)))
        for (key, value) in TokenizerLoader.tinyGGUFMetadata() { writer.set(key, value) }
        for (name, tensor) in weights.sorted(by: { $0.key < $1.key }) {
            guard let ggufName = TensorNames.gguf(fromHuggingFace: name) else { continue }
            var t = tensor
            if arch == "llama" {
                if name.contains("q_proj") { t = TensorNames.permuteForGGUF(t, heads: c.numAttentionHeads) }
                if name.contains("k_proj") { t = TensorNames.permuteForGGUF(t, heads: c.numKeyValueHeads) }
            }
            try writer.add(ggufName, t, as: t.shape.count == 2 ? type : .f32)
        }
        try writer.write(to: url)
        return url
    }
}

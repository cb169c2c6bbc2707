// The shape of a trainable llama/qwen2 decoder, read from and written to Hugging Face `config.json`
// (transformers LlamaConfig / Qwen2Config key names), so checkpoints load in transformers and our engine.

import Foundation
import Tensors

/// HF `rope_scaling` as config.json spells it (`rope_type` "linear" | "llama3", `factor`, llama3's
/// `low_freq_factor`, `high_freq_factor`, `original_max_position_embeddings`).
public struct RoPEScalingConfiguration: Sendable, Codable, Hashable {
    /// "linear" or "llama3".
    public var type: String
    /// The factor.
    public var factor: Double
    /// llama3: wavelengths above original/low are divided by `factor`.
    public var lowFrequencyFactor: Double?
    /// llama3: wavelengths below original/high are kept.
    public var highFrequencyFactor: Double?
    /// llama3: the pre-training context.
    public var originalMaxPositionEmbeddings: Int?

    enum CodingKeys: String, CodingKey {
        case type = "rope_type", legacyType = "type", factor
        case lowFrequencyFactor = "low_freq_factor", highFrequencyFactor = "high_freq_factor"
        case originalMaxPositionEmbeddings = "original_max_position_embeddings"
    }

    /// A scaling of `type` with `factor`.
    public init(type: String, factor: Double, lowFrequencyFactor: Double? = nil, highFrequencyFactor: Double? = nil,
                originalMaxPositionEmbeddings: Int? = nil) {
        self.type = type; self.factor = factor; self.lowFrequencyFactor = lowFrequencyFactor
        self.highFrequencyFactor = highFrequencyFactor; self.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decodeIfPresent(String.self, forKey: .type) ?? c.decodeIfPresent(String.self, forKey: .legacyType) ?? "default"
        factor = try c.decodeIfPresent(Double.self, forKey: .factor) ?? 1
        lowFrequencyFactor = try c.decodeIfPresent(Double.self, forKey: .lowFrequencyFactor)
        highFrequencyFactor = try c.decodeIfPresent(Double.self, forKey: .highFrequencyFactor)
        originalMaxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .originalMaxPositionEmbeddings)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(factor, forKey: .factor)
        try c.encodeIfPresent(lowFrequencyFactor, forKey: .lowFrequencyFactor)
        try c.encodeIfPresent(highFrequencyFactor, forKey: .highFrequencyFactor)
        try c.encodeIfPresent(originalMaxPositionEmbeddings, forKey: .originalMaxPositionEmbeddings)
    }
}

/// Hyper-parameters of a llama-family decoder (llama, qwen2) in HF `config.json` key names.
public struct PolicyConfiguration: Sendable, Codable, Hashable {
    /// "llama" or "qwen2" (qwen2 has q/k/v biases).
    public var modelType: String
    /// Vocabulary size (rows of the embedding).
    public var vocabSize: Int
    /// Residual-stream width C.
    public var hiddenSize: Int
    /// SwiGLU MLP width I.
    public var intermediateSize: Int
    /// Number of decoder layers.
    public var numHiddenLayers: Int
    /// Query heads.
    public var numAttentionHeads: Int
    /// Key/value heads (GQA groups).
    public var numKeyValueHeads: Int
    /// Per-head width; hidden/heads unless the config says otherwise.
    public var headDim: Int
    /// RoPE base θ.
    public var ropeTheta: Double
    /// RMSNorm ε.
    public var rmsNormEps: Double
    /// The LM head shares the embedding matrix.
    public var tieWordEmbeddings: Bool
    /// q/k/v projections have biases (qwen2).
    public var attentionBias: Bool
    /// The bos token ID.
    public var bosTokenID: Int?
    /// The eos token ID.
    public var eosTokenID: Int?
    /// The max position embeddings.
    public var maxPositionEmbeddings: Int
    /// HF `rope_scaling` (`linear` or `llama3`; nil = plain RoPE).
    public var ropeScaling: RoPEScalingConfiguration?

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type", vocabSize = "vocab_size", hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", numKeyValueHeads = "num_key_value_heads"
        case headDim = "head_dim", ropeTheta = "rope_theta", rmsNormEps = "rms_norm_eps"
        case tieWordEmbeddings = "tie_word_embeddings", attentionBias = "attention_bias"
        case bosTokenID = "bos_token_id", eosTokenID = "eos_token_id"
        case maxPositionEmbeddings = "max_position_embeddings", ropeScaling = "rope_scaling"
    }

    /// A configuration with explicit sizes (tests build tiny random decoders with it).
    public init(modelType: String = "llama", vocabSize: Int, hiddenSize: Int, intermediateSize: Int,
                numHiddenLayers: Int, numAttentionHeads: Int, numKeyValueHeads: Int, headDim: Int? = nil,
                ropeTheta: Double = 10000, rmsNormEps: Double = 1e-5, tieWordEmbeddings: Bool = true,
                attentionBias: Bool? = nil, bosTokenID: Int? = nil, eosTokenID: Int? = nil,
                maxPositionEmbeddings: Int = 2048, ropeScaling: RoPEScalingConfiguration? = nil) {
        self.modelType = modelType; self.vocabSize = vocabSize; self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize; self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads; self.numKeyValueHeads = numKeyValueHeads
        self.headDim = headDim ?? hiddenSize / max(numAttentionHeads, 1)
        self.ropeTheta = ropeTheta; self.rmsNormEps = rmsNormEps; self.tieWordEmbeddings = tieWordEmbeddings
        self.attentionBias = attentionBias ?? (modelType == "qwen2")
        self.bosTokenID = bosTokenID; self.eosTokenID = eosTokenID; self.maxPositionEmbeddings = maxPositionEmbeddings
        self.ropeScaling = ropeScaling?.type == "default" ? nil : ropeScaling
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decodeIfPresent(String.self, forKey: .modelType) ?? "llama"
        let hidden = try c.decode(Int.self, forKey: .hiddenSize)
        let heads = try c.decode(Int.self, forKey: .numAttentionHeads)
        // eos_token_id may be an int or a list in HF configs; the first entry is used.
        var eos: Int? = try? c.decodeIfPresent(Int.self, forKey: .eosTokenID)
        if eos == nil, let list = try? c.decodeIfPresent([Int].self, forKey: .eosTokenID) { eos = list.first }
        self.init(modelType: type,
                  vocabSize: try c.decode(Int.self, forKey: .vocabSize), hiddenSize: hidden,
                  intermediateSize: try c.decode(Int.self, forKey: .intermediateSize),
                  numHiddenLayers: try c.decode(Int.self, forKey: .numHiddenLayers),
                  numAttentionHeads: heads,
                  numKeyValueHeads: try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads) ?? heads,
                  headDim: try c.decodeIfPresent(Int.self, forKey: .headDim),
                  ropeTheta: try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? 10000,
                  rmsNormEps: try c.decodeIfPresent(Double.self, forKey: .rmsNormEps) ?? 1e-6,
                  tieWordEmbeddings: try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? (type != "llama"),
                  attentionBias: try c.decodeIfPresent(Bool.self, forKey: .attentionBias),
                  bosTokenID: try? c.decodeIfPresent(Int.self, forKey: .bosTokenID), eosTokenID: eos,
                  maxPositionEmbeddings: try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 2048,
                  ropeScaling: try c.decodeIfPresent(RoPEScalingConfiguration.self, forKey: .ropeScaling))
    }

    /// Checks the sizes the kernels rely on.
    public func validate() throws {
        guard ["llama", "qwen2"].contains(modelType) else {
            throw TrainingError.unsupportedConfiguration("model_type \(modelType); the trainer supports llama and qwen2")
        }
        guard numAttentionHeads > 0, numKeyValueHeads > 0, numAttentionHeads % numKeyValueHeads == 0 else {
            throw TrainingError.unsupportedConfiguration("num_attention_heads \(numAttentionHeads) is not a multiple of num_key_value_heads \(numKeyValueHeads)")
        }
        guard headDim > 0, headDim % 2 == 0, hiddenSize > 0, intermediateSize > 0, vocabSize > 0, numHiddenLayers > 0 else {
            throw TrainingError.unsupportedConfiguration("sizes must be positive and head_dim even (head_dim \(headDim))")
        }
        _ = try ropeFrequencies()
    }

    /// RoPE inverse frequencies θ^(−2i/D), rescaled as HF `modeling_rope_utils.py` does for `linear` and
    /// `llama3` (the same `RoPEFrequencies` the engine uses, so rollouts and learner agree).
    public func ropeFrequencies() throws -> [Double] {
        let scaling: RoPEScaling?
        switch ropeScaling?.type {
        case nil, "default"?: scaling = nil
        case "linear"?: scaling = .linear(factor: ropeScaling?.factor ?? 1)
        case "llama3"?:
            let s = ropeScaling
            // Defaults as transformers' LlamaConfig and the engine's Models.DecoderConfiguration.
            scaling = .llama3(factor: s?.factor ?? 1, lowFrequencyFactor: s?.lowFrequencyFactor ?? 1,
                              highFrequencyFactor: s?.highFrequencyFactor ?? 4,
                              originalMaxPositions: s?.originalMaxPositionEmbeddings ?? 8192)
        case let other?:
            throw TrainingError.unsupportedConfiguration("rope_scaling \(other): the trainer implements plain, linear and llama3 RoPE")
        }
        return RoPEFrequencies(headDim: headDim, base: ropeTheta, scaling: scaling).inverseFrequencies
    }

    /// Every parameter tensor, HF name and PyTorch shape, in a fixed order.
    public var parameterShapes: [(name: String, shape: [Int])] {
        let c = hiddenSize, q = numAttentionHeads * headDim, kv = numKeyValueHeads * headDim
        var out: [(String, [Int])] = [("model.embed_tokens.weight", [vocabSize, c])]
        for l in 0..<numHiddenLayers {
            let p = "model.layers.\(l)."
            out.append((p + "input_layernorm.weight", [c]))
            out.append((p + "self_attn.q_proj.weight", [q, c]))
            out.append((p + "self_attn.k_proj.weight", [kv, c]))
            out.append((p + "self_attn.v_proj.weight", [kv, c]))
            if attentionBias {
                out.append((p + "self_attn.q_proj.bias", [q]))
                out.append((p + "self_attn.k_proj.bias", [kv]))
                out.append((p + "self_attn.v_proj.bias", [kv]))
            }
            out.append((p + "self_attn.o_proj.weight", [c, q]))
            out.append((p + "post_attention_layernorm.weight", [c]))
            out.append((p + "mlp.gate_proj.weight", [intermediateSize, c]))
            out.append((p + "mlp.up_proj.weight", [intermediateSize, c]))
            out.append((p + "mlp.down_proj.weight", [c, intermediateSize]))
        }
        out.append(("model.norm.weight", [c]))
        if !tieWordEmbeddings { out.append(("lm_head.weight", [vocabSize, c])) }
        return out
    }

    /// Multiply-adds of one token's forward pass through the linear layers (attention scores excluded).
    public var forwardMACsPerToken: Int {
        let c = hiddenSize, q = numAttentionHeads * headDim, kv = numKeyValueHeads * headDim
        let perLayer = c * q * 2 + c * kv * 2 + 3 * c * intermediateSize
        return numHiddenLayers * perLayer + vocabSize * c
    }
}

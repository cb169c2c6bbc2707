// The decoder's hyper-parameters, read from a Hugging Face config.json (keys as in transformers'
// `LlamaConfig`/`Qwen2Config`/`Gemma3TextConfig`, absent keys defaulted like transformers does) or from
// GGUF metadata (`llama.*`/`qwen2.*`/`gemma3.*` keys as written by llama.cpp's `convert_hf_to_gguf.py`).
// gemma3's extra keys live in `Gemma3Parameters` (Gemma3.swift).
import Foundation
import Checkpoints
import Tensors

/// HF `rope_scaling`: `{"rope_type" | "type": "linear" | "llama3", "factor": …}`.
public struct RoPEScalingParameters: Codable, Sendable, Equatable {
    public var type: String
    public var factor: Double
    public var lowFrequencyFactor: Double?
    public var highFrequencyFactor: Double?
    public var originalMaxPositionEmbeddings: Int?

    enum CodingKeys: String, CodingKey {
        case type, ropeType = "rope_type", factor
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
        type = try c.decodeIfPresent(String.self, forKey: .ropeType) ?? c.decodeIfPresent(String.self, forKey: .type) ?? "default"
        factor = try c.decodeIfPresent(Double.self, forKey: .factor) ?? 1
        lowFrequencyFactor = try c.decodeIfPresent(Double.self, forKey: .lowFrequencyFactor)
        highFrequencyFactor = try c.decodeIfPresent(Double.self, forKey: .highFrequencyFactor)
        originalMaxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .originalMaxPositionEmbeddings)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .ropeType)
        try c.encode(factor, forKey: .factor)
        try c.encodeIfPresent(lowFrequencyFactor, forKey: .lowFrequencyFactor)
        try c.encodeIfPresent(highFrequencyFactor, forKey: .highFrequencyFactor)
        try c.encodeIfPresent(originalMaxPositionEmbeddings, forKey: .originalMaxPositionEmbeddings)
    }

    /// The kernel-level scaling, or an error naming the unsupported type.
    func kernelScaling() throws -> RoPEScaling? {
        switch type {
        case "default": return nil
        case "linear": return .linear(factor: factor)
        case "llama3":
            return .llama3(factor: factor, lowFrequencyFactor: lowFrequencyFactor ?? 1,
                           highFrequencyFactor: highFrequencyFactor ?? 4,
                           originalMaxPositions: originalMaxPositionEmbeddings ?? 8192)
        default:
            throw ModelError.invalidConfiguration(file: "config.json", key: "rope_scaling",
                                                  reason: "type '\(type)' is not supported (linear and llama3 are)")
        }
    }
}

/// A llama/qwen2/gemma3 decoder's shape and numerics.
public struct DecoderConfiguration: Codable, Sendable, Equatable {
    /// "llama", "qwen2" or "gemma3_text".
    public var modelType: String
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var headDim: Int
    public var vocabSize: Int
    public var rmsNormEps: Double
    public var ropeTheta: Double
    public var ropeScaling: RoPEScalingParameters?
    public var maxPositionEmbeddings: Int
    public var tieWordEmbeddings: Bool
    /// q/k/v projections carry biases (qwen2).
    public var attentionBias: Bool
    public var bosTokenID: Int?
    public var eosTokenIDs: [Int]
    /// gemma3's sliding-window layout, local RoPE base and attention scale; nil for other architectures.
    public var gemma3: Gemma3Parameters?

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads", headDim = "head_dim", vocabSize = "vocab_size"
        case rmsNormEps = "rms_norm_eps", ropeTheta = "rope_theta", ropeScaling = "rope_scaling"
        case maxPositionEmbeddings = "max_position_embeddings", tieWordEmbeddings = "tie_word_embeddings"
        case attentionBias = "attention_bias", bosTokenID = "bos_token_id", eosTokenIDs = "eos_token_id"
        case textConfig = "text_config"
    }

    /// A configuration from explicit values (tests and the tiny-model factory).
    public init(modelType: String = "llama", hiddenSize: Int, intermediateSize: Int, numHiddenLayers: Int,
                numAttentionHeads: Int, numKeyValueHeads: Int, headDim: Int? = nil, vocabSize: Int,
                rmsNormEps: Double = 1e-5, ropeTheta: Double = 10_000, ropeScaling: RoPEScalingParameters? = nil,
                maxPositionEmbeddings: Int = 2048, tieWordEmbeddings: Bool = true, attentionBias: Bool? = nil,
                bosTokenID: Int? = nil, eosTokenIDs: [Int] = [], gemma3: Gemma3Parameters? = nil) {
        self.modelType = modelType; self.hiddenSize = hiddenSize; self.intermediateSize = intermediateSize
        self.numHiddenLayers = numHiddenLayers; self.numAttentionHeads = numAttentionHeads
        self.numKeyValueHeads = numKeyValueHeads; self.headDim = headDim ?? hiddenSize / max(numAttentionHeads, 1)
        self.vocabSize = vocabSize; self.rmsNormEps = rmsNormEps; self.ropeTheta = ropeTheta
        self.ropeScaling = ropeScaling; self.maxPositionEmbeddings = maxPositionEmbeddings
        self.tieWordEmbeddings = tieWordEmbeddings; self.attentionBias = attentionBias ?? (modelType == "qwen2")
        self.bosTokenID = bosTokenID; self.eosTokenIDs = eosTokenIDs; self.gemma3 = gemma3
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? "llama"
        // A multimodal gemma3 config nests the text model's keys (HF `Gemma3Config.text_config`).
        if modelType == "gemma3", c.contains(.textConfig) {
            self = try c.decode(DecoderConfiguration.self, forKey: .textConfig)
            modelType = Gemma3.modelType
            return
        }
        if modelType == "gemma3" { modelType = Gemma3.modelType }
        let isGemma3 = modelType == Gemma3.modelType
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        numKeyValueHeads = try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads) ?? numAttentionHeads
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim) ?? (isGemma3 ? 256 : hiddenSize / max(numAttentionHeads, 1))
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        rmsNormEps = try c.decodeIfPresent(Double.self, forKey: .rmsNormEps) ?? 1e-6
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? (isGemma3 ? 1_000_000 : 10_000)
        ropeScaling = try c.decodeIfPresent(RoPEScalingParameters.self, forKey: .ropeScaling)
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 2048
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? isGemma3
        attentionBias = try c.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? (modelType == "qwen2")
        bosTokenID = try c.decodeIfPresent(Int.self, forKey: .bosTokenID)
        if let one = try? c.decodeIfPresent(Int.self, forKey: .eosTokenIDs) {
            eosTokenIDs = [one]
        } else {
            eosTokenIDs = try c.decodeIfPresent([Int].self, forKey: .eosTokenIDs) ?? []
        }
        gemma3 = try isGemma3 ? Gemma3Parameters(from: decoder) : nil
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(modelType, forKey: .modelType)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(numKeyValueHeads, forKey: .numKeyValueHeads)
        try c.encode(headDim, forKey: .headDim)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(rmsNormEps, forKey: .rmsNormEps)
        try c.encode(ropeTheta, forKey: .ropeTheta)
        try c.encodeIfPresent(ropeScaling, forKey: .ropeScaling)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(tieWordEmbeddings, forKey: .tieWordEmbeddings)
        try c.encode(attentionBias, forKey: .attentionBias)
        try c.encodeIfPresent(bosTokenID, forKey: .bosTokenID)
        try c.encode(eosTokenIDs, forKey: .eosTokenIDs)
        // gemma3's keys sit beside the shared ones in the same object, as in HF's config.json.
        try gemma3?.encode(to: encoder)
    }

    /// Reads `config.json` at `url`.
    public init(configJSON url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.invalidConfiguration(file: url.path, key: "(file)", reason: "cannot read: \(error.localizedDescription)")
        }
        do { self = try JSONDecoder().decode(DecoderConfiguration.self, from: data) } catch let DecodingError.keyNotFound(key, _) {
            throw ModelError.invalidConfiguration(file: url.path, key: key.stringValue, reason: "missing")
        } catch let e as ModelError {
            throw e.naming(file: url.path)
        } catch {
            throw ModelError.invalidConfiguration(file: url.path, key: "(json)", reason: "\(error)")
        }
        try validate(file: url.path)
    }

    /// Reads the `<arch>.*` hyper-parameters of a llama, qwen2 or gemma3 GGUF.
    public init(gguf: GGUFFile) throws {
        let file = gguf.url.lastPathComponent
        let arch = gguf.architecture ?? "(none)"
        guard arch == "llama" || arch == "qwen2" || arch == "gemma3" else {
            throw ModelError.unsupportedArchitecture(file: file, architecture: arch)
        }
        func int(_ key: String) throws -> Int {
            guard let v = gguf.int("\(arch).\(key)") else {
                throw ModelError.invalidConfiguration(file: file, key: "\(arch).\(key)", reason: "missing or not an integer")
            }
            return v
        }
        func double(_ key: String) -> Double? { gguf.metadata["\(arch).\(key)"]?.double }
        let hidden = try int("embedding_length"), heads = try int("attention.head_count")
        let vocab = gguf.int("\(arch).vocab_size") ?? gguf.metadata["tokenizer.ggml.tokens"]?.array?.count
            ?? gguf.info("token_embd.weight")?.shape.first ?? 0
        var scaling: RoPEScalingParameters?
        if let type = gguf.string("\(arch).rope.scaling.type"), type != "none" {
            scaling = RoPEScalingParameters(type: type, factor: double("rope.scaling.factor") ?? 1,
                                            originalMaxPositionEmbeddings: gguf.int("\(arch).rope.scaling.original_context_length"))
        }
        if gguf.info("rope_freqs.weight") != nil {
            throw ModelError.invalidConfiguration(file: file, key: "rope_freqs.weight",
                                                  reason: "per-dimension RoPE factors (llama3 scaling in GGUF) are not supported; use the HF folder")
        }
        let modelType = arch == "gemma3" ? Gemma3.modelType : arch
        let layerCount = try int("block_count")
        try Self.checkLimit(layerCount, key: "\(arch).block_count", file: file)
        // Every block has several tensors in the file; more blocks than tensors cannot be real.
        guard layerCount <= gguf.tensors.count else {
            throw ModelError.invalidConfiguration(file: file, key: "\(arch).block_count",
                                                  reason: "\(layerCount) blocks but the file has only \(gguf.tensors.count) tensors")
        }
        self.init(modelType: modelType, hiddenSize: hidden, intermediateSize: try int("feed_forward_length"),
                  numHiddenLayers: layerCount, numAttentionHeads: heads,
                  numKeyValueHeads: gguf.int("\(arch).attention.head_count_kv") ?? heads,
                  headDim: gguf.int("\(arch).attention.key_length") ?? hidden / max(heads, 1),
                  vocabSize: vocab, rmsNormEps: double("attention.layer_norm_rms_epsilon") ?? 1e-5,
                  ropeTheta: double("rope.freq_base") ?? 10_000, ropeScaling: scaling,
                  maxPositionEmbeddings: gguf.int("\(arch).context_length") ?? 2048,
                  tieWordEmbeddings: gguf.info("output.weight") == nil,
                  attentionBias: gguf.info("blk.0.attn_q.bias") != nil,
                  bosTokenID: gguf.int("tokenizer.ggml.bos_token_id"),
                  eosTokenIDs: gguf.int("tokenizer.ggml.eos_token_id").map { [$0] } ?? [])
        try validateSizes(file: file, keys: ggufKeys(arch))
        if arch == "gemma3" {
            gemma3 = Gemma3Parameters(gguf: gguf, layers: numHiddenLayers, hiddenSize: hiddenSize, heads: heads,
                                      headDim: headDim)
        }
        if let rot = gguf.int("\(arch).rope.dimension_count"), rot != headDim {
            throw ModelError.invalidConfiguration(file: file, key: "\(arch).rope.dimension_count",
                                                  reason: "partial rotary (\(rot) of \(headDim) dims) is not supported")
        }
        try validate(file: file, keys: ggufKeys(arch))
    }

    /// The GGUF key of each HF configuration key, for messages about a GGUF file.
    private func ggufKeys(_ arch: String) -> [String: String] {
        ["hidden_size": "embedding_length", "intermediate_size": "feed_forward_length", "num_hidden_layers": "block_count",
         "num_attention_heads": "attention.head_count", "num_key_value_heads": "attention.head_count_kv",
         "head_dim": "attention.key_length", "vocab_size": "vocab_size", "rms_norm_eps": "attention.layer_norm_rms_epsilon",
         "rope_theta": "rope.freq_base", "rope_scaling.factor": "rope.scaling.factor",
         "max_position_embeddings": "context_length"].mapValues { "\(arch).\($0)" }
    }

    /// Upper bounds on counts and dimensions read from a file, far above any real model of this family
    /// (Llama-3.1-405B: 126 layers, hidden 16384, FFN 53248, 128 heads; vocabularies ≤ 262144), checked
    /// before anything is allocated from them.
    public static let limits: [String: Int] = [
        "num_hidden_layers": 1024, "hidden_size": 1 << 17, "intermediate_size": 1 << 19,
        "num_attention_heads": 1024, "num_key_value_heads": 1024, "head_dim": 4096,
        "vocab_size": 1 << 24, "max_position_embeddings": 1 << 24,
    ]

    /// Throws unless `value` is in 1…limit for `key` (an HF key of `limits`, or a GGUF key ending like one).
    static func checkLimit(_ value: Int, key: String, file: String, limitKey: String = "num_hidden_layers") throws {
        let limit = limits[limitKey] ?? Int.max
        guard value >= 1, value <= limit else {
            throw ModelError.invalidConfiguration(file: file, key: key, reason: "\(value) is outside 1…\(limit)")
        }
    }

    /// Every count and dimension within `limits` (before any allocation sized by them).
    func validateSizes(file: String, keys: [String: String] = [:]) throws {
        let values: [(String, Int)] = [
            ("num_hidden_layers", numHiddenLayers), ("hidden_size", hiddenSize), ("intermediate_size", intermediateSize),
            ("num_attention_heads", numAttentionHeads), ("num_key_value_heads", numKeyValueHeads), ("head_dim", headDim),
            ("vocab_size", vocabSize), ("max_position_embeddings", maxPositionEmbeddings),
        ]
        for (k, v) in values { try Self.checkLimit(v, key: keys[k] ?? k, file: file, limitKey: k) }
    }

    /// Checks the shape invariants the kernels rely on.
    public func validate(file: String) throws { try validate(file: file, keys: [:]) }

    /// `validate(file:)` naming keys through `keys` (HF key → the file's key).
    func validate(file: String, keys: [String: String]) throws {
        func bad(_ key: String, _ why: String) -> ModelError { .invalidConfiguration(file: file, key: keys[key] ?? key, reason: why) }
        guard modelType == "llama" || modelType == "qwen2" || modelType == Gemma3.modelType else {
            throw ModelError.unsupportedArchitecture(file: file, architecture: modelType)
        }
        try validateSizes(file: file, keys: keys)
        guard rmsNormEps.isFinite, rmsNormEps > 0, rmsNormEps < 1 else { throw bad("rms_norm_eps", "\(rmsNormEps) is not in (0, 1)") }
        guard ropeTheta.isFinite, ropeTheta > 0 else { throw bad("rope_theta", "\(ropeTheta) is not a positive finite base") }
        if let r = ropeScaling, r.type != "default" {
            guard r.factor.isFinite, r.factor > 0 else { throw bad("rope_scaling.factor", "\(r.factor) is not a positive finite factor") }
        }
        if modelType == Gemma3.modelType {
            guard let gemma3 else { throw bad("model_type", "gemma3_text needs its gemma3 keys (layer_types, sliding_window, …)") }
            try gemma3.validate(layers: numHiddenLayers, file: file)
        }
        guard hiddenSize > 0, intermediateSize > 0, numHiddenLayers > 0, vocabSize > 0 else {
            throw bad("hidden_size", "sizes must be positive")
        }
        guard numAttentionHeads > 0, numKeyValueHeads > 0, numAttentionHeads % numKeyValueHeads == 0 else {
            throw bad("num_key_value_heads", "must divide num_attention_heads (\(numAttentionHeads))")
        }
        guard headDim > 0, headDim % 2 == 0 else { throw bad("head_dim", "must be even and positive") }
        _ = try ropeScaling?.kernelScaling()
    }

    /// The RoPE frequencies this configuration implies.
    public func ropeFrequencies() throws -> RoPEFrequencies {
        RoPEFrequencies(headDim: headDim, base: ropeTheta, scaling: try ropeScaling?.kernelScaling())
    }
}

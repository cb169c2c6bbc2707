// The gemma3 text decoder (HF `modeling_gemma3.py` `Gemma3TextModel`/`Gemma3ForCausalLM`; llama.cpp
// `src/models/gemma3.cpp`), in forward order:
//   embed · √H → N × [RMSNorm → q,k,v → per-head RMSNorm of q and k → RoPE (10k base on sliding layers,
//   1M, possibly scaled, on global ones) → GQA attention, windowed on sliding layers, scale
//   query_pre_attn_scalar^-½ → o_proj → RMSNorm → residual → RMSNorm → GeGLU (gelu-tanh) MLP → RMSNorm →
//   residual] → RMSNorm → tied lm_head (→ final soft-capping when configured).
// Norm weights: HF safetensors store w and apply (1 + w) (`Gemma3RMSNorm`); llama.cpp's converter writes
// 1 + w into GGUF. `loadGGUFWeights` subtracts 1 again so every HF-named dictionary follows HF; this type
// adds 1 once at construction and multiplies by the result, as llama.cpp does.
// Sliding layers keep every position in the cache (like the global ones) and mask by window at read time,
// so one `SequenceCache` serves both; a ring buffer for the local layers would save memory on long contexts.
import Foundation
import Checkpoints
import Tensors

/// The fp32 weights of one gemma3 layer, q/k/v and gate/up fused; norm weights already 1 + w.
public struct Gemma3Layer: Sendable {
    var inputNorm: [Float]           // (H)  input_layernorm
    var qkv: [Float]                 // (qDim + 2·kvDim, H): q_proj, k_proj, v_proj rows
    var qNorm: [Float]               // (d)  self_attn.q_norm
    var kNorm: [Float]               // (d)  self_attn.k_norm
    var output: [Float]              // (H, qDim) o_proj
    var postAttentionNorm: [Float]   // (H)  post_attention_layernorm
    var preFeedforwardNorm: [Float]  // (H)  pre_feedforward_layernorm
    var gateUp: [Float]              // (2·I, H): gate_proj, up_proj rows
    var down: [Float]                // (H, I) down_proj
    var postFeedforwardNorm: [Float] // (H)  post_feedforward_layernorm
    /// Sliding-window (local) attention with the local RoPE base; false for global layers.
    var sliding: Bool
}

/// A gemma3 decoder with its weights, runnable on batches of sequences.
public struct Gemma3: CausalDecoder {
    /// HF's `model_type` for the text model; GGUF's `general.architecture` is "gemma3".
    public static let modelType = "gemma3_text"

    public let configuration: DecoderConfiguration
    let parameters: Gemma3Parameters
    let embedding: [Float]      // (V, H), also the lm_head (gemma ties them)
    let finalNorm: [Float]      // (H)
    let lmHead: [Float]?        // (V, H) only for an untied checkpoint
    let layers: [Gemma3Layer]
    let globalRoPE: RoPEFrequencies
    let localRoPE: RoPEFrequencies

    /// Builds the decoder from HF-named fp32 weights in HF convention (norm weights w, applied as 1 + w).
    public init(configuration c: DecoderConfiguration, weights: [String: Tensor]) throws {
        try c.validate(file: "configuration")
        guard c.modelType == Self.modelType, let g = c.gemma3 else {
            throw ModelError.invalidConfiguration(file: "configuration", key: "model_type",
                                                  reason: "'\(c.modelType)' is not \(Self.modelType) with its gemma3 keys")
        }
        func take(_ name: String, _ shape: [Int]) throws -> [Float] {
            guard let t = weights[name] else { throw ModelError.missingTensor(name: name, file: "") }
            guard t.shape == shape else { throw ModelError.shapeMismatch(tensor: name, expected: shape, got: t.shape) }
            return t.storage
        }
        func norm(_ name: String, _ width: Int) throws -> [Float] { try take(name, [width]).map { 1 + $0 } }
        let h = c.hiddenSize, d = c.headDim, qDim = c.numAttentionHeads * d, kvDim = c.numKeyValueHeads * d
        configuration = c
        parameters = g
        embedding = try take("model.embed_tokens.weight", [c.vocabSize, h])
        finalNorm = try norm("model.norm.weight", h)
        lmHead = weights["lm_head.weight"] == nil && c.tieWordEmbeddings ? nil : try take("lm_head.weight", [c.vocabSize, h])
        layers = try (0..<c.numHiddenLayers).map { i in
            let p = "model.layers.\(i)."
            return Gemma3Layer(
                inputNorm: try norm(p + "input_layernorm.weight", h),
                qkv: try take(p + "self_attn.q_proj.weight", [qDim, h]) + take(p + "self_attn.k_proj.weight", [kvDim, h])
                    + take(p + "self_attn.v_proj.weight", [kvDim, h]),
                qNorm: try norm(p + "self_attn.q_norm.weight", d),
                kNorm: try norm(p + "self_attn.k_norm.weight", d),
                output: try take(p + "self_attn.o_proj.weight", [h, qDim]),
                postAttentionNorm: try norm(p + "post_attention_layernorm.weight", h),
                preFeedforwardNorm: try norm(p + "pre_feedforward_layernorm.weight", h),
                gateUp: try take(p + "mlp.gate_proj.weight", [c.intermediateSize, h])
                    + take(p + "mlp.up_proj.weight", [c.intermediateSize, h]),
                down: try take(p + "mlp.down_proj.weight", [h, c.intermediateSize]),
                postFeedforwardNorm: try norm(p + "post_feedforward_layernorm.weight", h),
                sliding: g.isSliding(layer: i))
        }
        // HF: `rotary_emb` (rope_theta with rope_scaling) serves global layers, `rotary_emb_local`
        // (rope_local_base_freq, unscaled) sliding ones; llama.cpp: freq_base/scale_train_swa = 10k/1.
        globalRoPE = try c.ropeFrequencies()
        localRoPE = RoPEFrequencies(headDim: d, base: g.ropeLocalBaseFrequency)
    }

    /// A cache sized for `positions` positions of this model.
    public func makeCache(capacity positions: Int) -> SequenceCache {
        SequenceCache(layers: configuration.numHiddenLayers, kvHeads: configuration.numKeyValueHeads,
                      headDim: configuration.headDim, capacity: positions)
    }

    /// Bytes of fp32 weights held.
    /// Gemma3 keeps fp32 weights (no compact path yet).
    public var weightFormat: WeightFormat { .fp32 }

    public var weightBytes: Int {
        let perLayer = layers.first.map { $0.qkv.count + $0.output.count + $0.gateUp.count + $0.down.count
            + 4 * $0.inputNorm.count + 2 * $0.qNorm.count } ?? 0
        return 4 * (embedding.count + finalNorm.count + (lmHead?.count ?? 0) + perLayer * layers.count)
    }

    /// Floating-point operations of one token's pass through the weight GEMMs (2 per MAC).
    public var flopsPerToken: Double {
        let c = configuration
        let qkvOut = (c.numAttentionHeads + 2 * c.numKeyValueHeads) * c.headDim
        let perLayer = c.hiddenSize * (qkvOut + c.numAttentionHeads * c.headDim + 3 * c.intermediateSize)
        return 2 * Double(perLayer * c.numHiddenLayers + c.vocabSize * c.hiddenSize)
    }

    /// Runs the chunks as one batch: appends their keys/values to their caches and returns the logits
    /// of the requested rows, concatenated in chunk order ((rows, vocab) row-major).
    /// `threads` is the worker count for attention and the products (OpenBLAS itself stays single-threaded).
    public func forward(_ chunks: [ForwardChunk], threads: Int = 2) throws -> [Float] {
        let c = configuration, eps = Float(c.rmsNormEps)
        let h = c.hiddenSize, d = c.headDim, heads = c.numAttentionHeads, kvHeads = c.numKeyValueHeads
        let qDim = heads * d, kvDim = kvHeads * d, qkvWidth = qDim + 2 * kvDim, inter = c.intermediateSize
        let half = d / 2
        var starts = [Int](), positions = [Int](), tokens = [Int]()
        for ch in chunks {
            starts.append(tokens.count)
            ch.cache.reserve(ch.cache.count + ch.tokens.count)
            for (j, t) in ch.tokens.enumerated() {
                guard t >= 0, t < c.vocabSize else { throw ModelError.tokenOutOfRange(token: t, vocabularySize: c.vocabSize) }
                tokens.append(t); positions.append(ch.cache.count + j)
            }
        }
        let rows = tokens.count
        guard rows > 0 else { return [] }

        let x = UnsafeMutablePointer<Float>.allocate(capacity: rows * h)          // (R, H) residual stream
        let normed = UnsafeMutablePointer<Float>.allocate(capacity: rows * h)     // (R, H)
        let branch = UnsafeMutablePointer<Float>.allocate(capacity: rows * h)     // (R, H) block output before its post-norm
        let qkv = UnsafeMutablePointer<Float>.allocate(capacity: rows * qkvWidth)
        let attn = UnsafeMutablePointer<Float>.allocate(capacity: rows * qDim)
        let gateUp = UnsafeMutablePointer<Float>.allocate(capacity: rows * 2 * inter)
        let act = UnsafeMutablePointer<Float>.allocate(capacity: rows * inter)
        // RoPE tables per row: [global cos | global sin | local cos | local sin], d/2 each.
        let tables = UnsafeMutablePointer<Float>.allocate(capacity: rows * 4 * half)
        defer { for p in [x, normed, branch, qkv, attn, gateUp, act, tables] { p.deallocate() } }

        // Gemma scales the embeddings by √H (HF `Gemma3TextScaledWordEmbedding`). HF rounds the scale to the
        // weights' dtype (bf16: 25.25 for H = 640); llama.cpp uses sqrtf(n_embd) in fp32, as here.
        let embedScale = Float(h).squareRoot()
        embedding.withUnsafeBufferPointer { e in
            for r in 0..<rows {
                let src = e.baseAddress! + tokens[r] * h, dst = x + r * h
                for j in 0..<h { dst[j] = src[j] * embedScale }
            }
        }
        for r in 0..<rows {
            let t = tables + r * 4 * half
            globalRoPE.angles(position: positions[r], cos: t, sin: t + half)
            localRoPE.angles(position: positions[r], cos: t + 2 * half, sin: t + 3 * half)
        }

        for (li, layer) in layers.enumerated() {
            // Attention block: norm → qkv → QK-norm → RoPE → cache → attention → o_proj → post-norm → residual.
            rmsNorm(x, layer.inputNorm, rows: rows, width: h, eps: eps, into: normed)
            layer.qkv.withUnsafeBufferPointer { w in
                Gemm.multiplyTransposedRowIndependent(m: rows, n: qkvWidth, k: h, a: normed, lda: h, b: w.baseAddress!, ldb: h,
                                                      c: qkv, ldc: qkvWidth, threads: threads)
            }
            let rope = layer.sliding ? localRoPE : globalRoPE, tableOffset = layer.sliding ? 2 * half : 0
            layer.qNorm.withUnsafeBufferPointer { qn in
                layer.kNorm.withUnsafeBufferPointer { kn in
                    for r in 0..<rows {
                        let row = qkv + r * qkvWidth, t = tables + r * 4 * half + tableOffset
                        HeadRMSNorm.forward(row, heads: heads, headDim: d, weight: qn.baseAddress!, eps: eps)
                        HeadRMSNorm.forward(row + qDim, heads: kvHeads, headDim: d, weight: kn.baseAddress!, eps: eps)
                        rope.rotate(row, heads: heads + kvHeads, cos: t, sin: t + half)
                    }
                }
            }
            for (ci, ch) in chunks.enumerated() {
                for j in 0..<ch.tokens.count {
                    let row = qkv + (starts[ci] + j) * qkvWidth, pos = ch.cache.count + j
                    for g in 0..<kvHeads {
                        ch.cache.store(layer: li, head: g, position: pos, key: row + qDim + g * d,
                                       value: row + qDim + kvDim + g * d)
                    }
                }
            }
            attend(chunks: chunks, starts: starts, layer: li, window: layer.sliding ? parameters.slidingWindow : nil,
                   qkv: qkv, qkvWidth: qkvWidth, out: attn, threads: threads)
            layer.output.withUnsafeBufferPointer { w in
                Gemm.multiplyTransposedRowIndependent(m: rows, n: h, k: qDim, a: attn, lda: qDim, b: w.baseAddress!, ldb: qDim,
                                                      c: branch, ldc: h, threads: threads)
            }
            rmsNorm(branch, layer.postAttentionNorm, rows: rows, width: h, eps: eps, into: normed)
            for i in 0..<(rows * h) { x[i] += normed[i] }

            // MLP block: norm → gate/up → GeGLU → down → post-norm → residual.
            rmsNorm(x, layer.preFeedforwardNorm, rows: rows, width: h, eps: eps, into: normed)
            layer.gateUp.withUnsafeBufferPointer { w in
                Gemm.multiplyTransposedRowIndependent(m: rows, n: 2 * inter, k: h, a: normed, lda: h, b: w.baseAddress!, ldb: h,
                                                      c: gateUp, ldc: 2 * inter, threads: threads)
            }
            GeGLU.forward(gateUp: gateUp, ld: 2 * inter, rows: rows, width: inter, out: act, ldo: inter)
            layer.down.withUnsafeBufferPointer { w in
                Gemm.multiplyTransposedRowIndependent(m: rows, n: h, k: inter, a: act, lda: inter, b: w.baseAddress!, ldb: inter,
                                                      c: branch, ldc: h, threads: threads)
            }
            rmsNorm(branch, layer.postFeedforwardNorm, rows: rows, width: h, eps: eps, into: normed)
            for i in 0..<(rows * h) { x[i] += normed[i] }
        }
        for ch in chunks { ch.cache.advance(by: ch.tokens.count) }

        // Final norm and lm_head on the rows that need logits only.
        var selected = [Int]()
        for (ci, ch) in chunks.enumerated() {
            switch ch.logits {
            case .none: break
            case .last: selected.append(starts[ci] + ch.tokens.count - 1)
            case .all: selected += (starts[ci]..<(starts[ci] + ch.tokens.count))
            }
        }
        guard !selected.isEmpty else { return [] }
        for (i, r) in selected.enumerated() { rmsNorm(x + r * h, finalNorm, rows: 1, width: h, eps: eps, into: normed + i * h) }
        var logits = [Float](repeating: 0, count: selected.count * c.vocabSize)
        (lmHead ?? embedding).withUnsafeBufferPointer { w in
            logits.withUnsafeMutableBufferPointer { out in
                Gemm.multiplyTransposedRowIndependent(m: selected.count, n: c.vocabSize, k: h, a: normed, lda: h,
                                                      b: w.baseAddress!, ldb: h, c: out.baseAddress!, ldc: c.vocabSize, threads: threads)
            }
        }
        // cap · tanh(logits / cap) (HF `final_logit_softcapping`, llama.cpp f_final_logit_softcapping);
        // null in released gemma3 configs, kept for checkpoints that set it.
        if let cap = parameters.finalLogitSoftcapping, cap > 0 {
            let k = Float(cap)
            for i in logits.indices { logits[i] = k * Foundation.tanh(logits[i] / k) }
        }
        return logits
    }

    /// RMSNorm of `rows` rows of `width` from `x` into `y` (both stride `width`) with multiplicative weights.
    private func rmsNorm(_ x: UnsafePointer<Float>, _ weight: [Float], rows: Int, width: Int, eps: Float,
                         into y: UnsafeMutablePointer<Float>) {
        weight.withUnsafeBufferPointer { w in
            RMSNorm.forward(x: x, ld: width, weight: w.baseAddress!, eps: eps, rows: rows, width: width, y: y, ldy: width)
        }
    }

    /// Attention of every chunk, parallel over (chunk, KV head, block of rows) work items: blocks let one
    /// long prompt spread over the workers too (gemma3-270m has a single KV head).
    private func attend(chunks: [ForwardChunk], starts: [Int], layer: Int, window: Int?, qkv: UnsafeMutablePointer<Float>,
                        qkvWidth: Int, out: UnsafeMutablePointer<Float>, threads: Int) {
        let c = configuration, kvHeads = c.numKeyValueHeads, d = c.headDim
        let group = c.numAttentionHeads / kvHeads, qDim = c.numAttentionHeads * d
        let block = CausalAttention.rowBlock
        let scale = Float(1 / parameters.queryPreAttentionScalar.squareRoot())
        // (chunk, first row, row count, KV head)
        var items: [(chunk: Int, row: Int, count: Int, head: Int)] = []
        for (ci, ch) in chunks.enumerated() {
            for r in stride(from: 0, to: ch.tokens.count, by: block) {
                for g in 0..<kvHeads { items.append((ci, r, min(block, ch.tokens.count - r), g)) }
            }
        }
        let work = { (range: Range<Int>) in
            var scratchSize = 1
            for item in items[range] {
                let start = chunks[item.chunk].cache.count + item.row
                scratchSize = max(scratchSize, WindowedAttention.scratchCount(rows: item.count, startPosition: start,
                                                                              groupSize: group, headDim: d, window: window))
            }
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchSize)
            defer { scratch.deallocate() }
            for item in items[range] {
                let ch = chunks[item.chunk], firstRow = starts[item.chunk] + item.row
                WindowedAttention.forwardGroup(
                    q: qkv + firstRow * qkvWidth, ldq: qkvWidth,
                    keys: ch.cache.plane(layer: layer, value: false, head: item.head), ldk: ch.cache.capacity,
                    values: ch.cache.plane(layer: layer, value: true, head: item.head),
                    startPosition: ch.cache.count + item.row, rows: item.count, headDim: d,
                    firstHead: item.head * group, groupSize: group, scale: scale, window: window,
                    out: out + firstRow * qDim, ldo: qDim, scratch: scratch)
            }
        }
        if threads > 1 && items.count > 1 {
            // Small per-head products, single-threaded inside each worker (OpenBLAS always is: `Gemm`).
            Parallel.forChunks(items.count, threads: threads, work)
        } else {
            work(0..<items.count)
        }
    }
}

/// The gemma3-only part of the configuration (`DecoderConfiguration.gemma3`), read from the same flat
/// config.json object as the shared keys (HF `Gemma3TextConfig`) or from `gemma3.*` GGUF metadata.
public struct Gemma3Parameters: Codable, Sendable, Equatable {
    /// Positions a sliding layer's query sees, itself included (`sliding_window`).
    public var slidingWindow: Int
    /// Per layer "sliding_attention" or "full_attention" (HF `layer_types`).
    public var layerTypes: [String]
    /// RoPE base of the sliding layers (`rope_local_base_freq`); global layers use `rope_theta`.
    public var ropeLocalBaseFrequency: Double
    /// Attention scores are scaled by this^-½ (`query_pre_attn_scalar`).
    public var queryPreAttentionScalar: Double
    /// The MLP activation (`hidden_activation`); gelu_pytorch_tanh is the one implemented.
    public var hiddenActivation: String
    /// cap · tanh(logits / cap) on the output when set (`final_logit_softcapping`).
    public var finalLogitSoftcapping: Double?
    /// Soft-capping of attention scores (`attn_logit_softcapping`); null in gemma3, rejected when set.
    public var attentionLogitSoftcapping: Double?

    enum CodingKeys: String, CodingKey {
        case slidingWindow = "sliding_window", layerTypes = "layer_types"
        case ropeLocalBaseFrequency = "rope_local_base_freq", queryPreAttentionScalar = "query_pre_attn_scalar"
        case hiddenActivation = "hidden_activation", finalLogitSoftcapping = "final_logit_softcapping"
        case attentionLogitSoftcapping = "attn_logit_softcapping"
        case pattern = "sliding_window_pattern", privatePattern = "_sliding_window_pattern"
        case numHiddenLayers = "num_hidden_layers", headDim = "head_dim"
    }

    public static let sliding = "sliding_attention", full = "full_attention"

    /// Explicit values (tests and the tiny-model factory).
    public init(slidingWindow: Int, layerTypes: [String], ropeLocalBaseFrequency: Double = 10_000,
                queryPreAttentionScalar: Double, hiddenActivation: String = "gelu_pytorch_tanh",
                finalLogitSoftcapping: Double? = nil, attentionLogitSoftcapping: Double? = nil) {
        self.slidingWindow = slidingWindow; self.layerTypes = layerTypes
        self.ropeLocalBaseFrequency = ropeLocalBaseFrequency; self.queryPreAttentionScalar = queryPreAttentionScalar
        self.hiddenActivation = hiddenActivation; self.finalLogitSoftcapping = finalLogitSoftcapping
        self.attentionLogitSoftcapping = attentionLogitSoftcapping
    }

    /// Layer types from a period: every `pattern`-th layer is global (HF `(i + 1) % pattern == 0`,
    /// llama.cpp `set_swa_pattern`: `il % n_pattern < n_pattern - 1` is sliding); 0 makes all sliding.
    public static func layerTypes(pattern: Int, layers: Int) -> [String] {
        (0..<layers).map { i in pattern == 0 || (i + 1) % pattern != 0 ? sliding : full }
    }

    /// Defaults as HF `Gemma3TextConfig` (sliding_window 4096, pattern 6, local base 10k, scalar 256).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let layers = try c.decode(Int.self, forKey: .numHiddenLayers)
        try DecoderConfiguration.checkLimit(layers, key: "num_hidden_layers", file: "config.json")
        slidingWindow = try c.decodeIfPresent(Int.self, forKey: .slidingWindow) ?? 4096
        if let types = try c.decodeIfPresent([String].self, forKey: .layerTypes) {
            layerTypes = types
        } else {
            let pattern = try c.decodeIfPresent(Int.self, forKey: .pattern) ?? c.decodeIfPresent(Int.self, forKey: .privatePattern) ?? 6
            layerTypes = Self.layerTypes(pattern: pattern, layers: layers)
        }
        ropeLocalBaseFrequency = try c.decodeIfPresent(Double.self, forKey: .ropeLocalBaseFrequency) ?? 10_000
        queryPreAttentionScalar = try c.decodeIfPresent(Double.self, forKey: .queryPreAttentionScalar)
            ?? c.decodeIfPresent(Double.self, forKey: .headDim) ?? 256
        hiddenActivation = try c.decodeIfPresent(String.self, forKey: .hiddenActivation) ?? "gelu_pytorch_tanh"
        finalLogitSoftcapping = try c.decodeIfPresent(Double.self, forKey: .finalLogitSoftcapping)
        attentionLogitSoftcapping = try c.decodeIfPresent(Double.self, forKey: .attentionLogitSoftcapping)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(slidingWindow, forKey: .slidingWindow)
        try c.encode(layerTypes, forKey: .layerTypes)
        try c.encode(ropeLocalBaseFrequency, forKey: .ropeLocalBaseFrequency)
        try c.encode(queryPreAttentionScalar, forKey: .queryPreAttentionScalar)
        try c.encode(hiddenActivation, forKey: .hiddenActivation)
        try c.encodeIfPresent(finalLogitSoftcapping, forKey: .finalLogitSoftcapping)
        try c.encodeIfPresent(attentionLogitSoftcapping, forKey: .attentionLogitSoftcapping)
    }

    /// The `gemma3.*` GGUF keys as llama.cpp reads them (`llama_model_gemma3::load_arch_hparams`): no
    /// `attention.sliding_window` means no sliding layers; the pattern is an array of per-layer flags, a
    /// period, or 6; the local base is `rope.freq_base_swa` or 10k; the query scale is 1/√head_dim except
    /// for the 62-layer 27B, which uses 1/√(hidden / heads).
    init(gguf: GGUFFile, layers: Int, hiddenSize: Int, heads: Int, headDim: Int) {
        let window = gguf.int("gemma3.attention.sliding_window") ?? 0
        slidingWindow = window
        if window <= 0 {
            layerTypes = [String](repeating: Self.full, count: layers)
        } else if let flags = gguf.metadata["gemma3.attention.sliding_window_pattern"]?.array {
            layerTypes = (0..<layers).map { i in i < flags.count && flags[i].bool == true ? Self.sliding : Self.full }
        } else {
            layerTypes = Self.layerTypes(pattern: gguf.int("gemma3.attention.sliding_window_pattern") ?? 6, layers: layers)
        }
        ropeLocalBaseFrequency = gguf.metadata["gemma3.rope.freq_base_swa"]?.double ?? 10_000
        queryPreAttentionScalar = Double(layers == 62 ? hiddenSize / max(heads, 1) : headDim)
        hiddenActivation = "gelu_pytorch_tanh"
        let cap = gguf.metadata["gemma3.final_logit_softcapping"]?.double ?? 0
        finalLogitSoftcapping = cap > 0 ? cap : nil
        attentionLogitSoftcapping = nil
    }

    /// Whether layer `i` attends through the sliding window.
    public func isSliding(layer i: Int) -> Bool { i < layerTypes.count && layerTypes[i] == Self.sliding }

    /// Checks what the kernels rely on.
    func validate(layers: Int, file: String) throws {
        func bad(_ key: String, _ why: String) -> ModelError { .invalidConfiguration(file: file, key: key, reason: why) }
        guard layerTypes.count == layers else {
            throw bad("layer_types", "has \(layerTypes.count) entries for \(layers) layers")
        }
        if let odd = layerTypes.first(where: { $0 != Self.sliding && $0 != Self.full }) {
            throw bad("layer_types", "'\(odd)' is neither \(Self.sliding) nor \(Self.full)")
        }
        guard !layerTypes.contains(Self.sliding) || slidingWindow > 0 else { throw bad("sliding_window", "must be positive") }
        guard queryPreAttentionScalar > 0 else { throw bad("query_pre_attn_scalar", "must be positive") }
        guard ["gelu_pytorch_tanh", "gelu_tanh"].contains(hiddenActivation) else {
            throw bad("hidden_activation", "'\(hiddenActivation)' is not supported (gelu_pytorch_tanh is)")
        }
        guard attentionLogitSoftcapping == nil else {
            throw bad("attn_logit_softcapping", "attention soft-capping (gemma2) is not supported")
        }
    }
}

// The llama / qwen2 decoder (HF `modeling_llama.py`, `modeling_qwen2.py`; llama.cpp `src/models/llama.cpp`,
// `qwen2.cpp`), in forward order: embed → N × [RMSNorm → q,k,v (+bias) → RoPE → causal GQA attention →
// o_proj → residual → RMSNorm → SwiGLU MLP → residual] → RMSNorm → lm_head (tied or not).
// One pass runs many sequences at once: every row of the activation matrix is one (sequence, position),
// so each weight is one sgemm per pass whether it serves a 512-token prefill or 64 decoding sequences.
import Tensors

/// The fp32 weights of one decoder layer, with q/k/v and gate/up fused for larger GEMMs.
public struct LlamaLayer: Sendable {
    var attentionNorm: [Float]   // (H)
    var qkv: [Float]             // (qDim + 2·kvDim, H): rows of q_proj, then k_proj, then v_proj
    var qkvBias: [Float]?        // (qDim + 2·kvDim) when attention_bias
    var output: [Float]          // (H, qDim)
    var mlpNorm: [Float]         // (H)
    var gateUp: [Float]          // (2·I, H): rows of gate_proj, then up_proj
    var down: [Float]            // (H, I)
}

/// Which rows of a chunk need logits.
public enum LogitRows: Sendable, Equatable {
    case none, last, all
}

/// Consecutive tokens of one sequence to run through the model, appended after its cached positions.
public struct ForwardChunk {
    public var cache: SequenceCache
    public var tokens: [Int]
    public var logits: LogitRows
    /// A chunk of `tokens` continuing `cache`.
    public init(cache: SequenceCache, tokens: [Int], logits: LogitRows) {
        self.cache = cache; self.tokens = tokens; self.logits = logits
    }
}

/// A llama-family decoder with its weights, runnable on batches of sequences.
public struct Llama: Sendable {
    public let configuration: DecoderConfiguration
    let embedding: [Float]       // (V, H)
    let finalNorm: [Float]       // (H)
    let lmHead: [Float]?         // (V, H), nil when tied to the embedding
    let layers: [LlamaLayer]
    let rope: RoPEFrequencies

    /// Builds the decoder from HF-named fp32 weights in PyTorch layout (see `loadFloatWeights`).
    public init(configuration c: DecoderConfiguration, weights: [String: Tensor]) throws {
        try c.validate(file: "configuration")
        func take(_ name: String, _ shape: [Int]) throws -> [Float] {
            guard let t = weights[name] else { throw ModelError.missingTensor(name: name) }
            guard t.shape == shape else {
                throw ModelError.shapeMismatch(tensor: name, expected: shape, got: t.shape)
            }
            return t.storage
        }
        let h = c.hiddenSize, qDim = c.numAttentionHeads * c.headDim, kvDim = c.numKeyValueHeads * c.headDim
        configuration = c
        embedding = try take("model.embed_tokens.weight", [c.vocabSize, h])
        finalNorm = try take("model.norm.weight", [h])
        lmHead = weights["lm_head.weight"] == nil && c.tieWordEmbeddings ? nil : try take("lm_head.weight", [c.vocabSize, h])
        layers = try (0..<c.numHiddenLayers).map { i in
            let p = "model.layers.\(i)."
            let bias: [Float]? = c.attentionBias
                ? try take(p + "self_attn.q_proj.bias", [qDim]) + take(p + "self_attn.k_proj.bias", [kvDim])
                    + take(p + "self_attn.v_proj.bias", [kvDim])
                : nil
            return LlamaLayer(
                attentionNorm: try take(p + "input_layernorm.weight", [h]),
                qkv: try take(p + "self_attn.q_proj.weight", [qDim, h]) + take(p + "self_attn.k_proj.weight", [kvDim, h])
                    + take(p + "self_attn.v_proj.weight", [kvDim, h]),
                qkvBias: bias,
                output: try take(p + "self_attn.o_proj.weight", [h, qDim]),
                mlpNorm: try take(p + "post_attention_layernorm.weight", [h]),
                gateUp: try take(p + "mlp.gate_proj.weight", [c.intermediateSize, h])
                    + take(p + "mlp.up_proj.weight", [c.intermediateSize, h]),
                down: try take(p + "mlp.down_proj.weight", [h, c.intermediateSize]))
        }
        rope = try c.ropeFrequencies()
    }

    /// A cache sized for `positions` positions of this model.
    public func makeCache(capacity positions: Int) -> SequenceCache {
        SequenceCache(layers: configuration.numHiddenLayers, kvHeads: configuration.numKeyValueHeads,
                      headDim: configuration.headDim, capacity: positions)
    }

    /// Bytes of fp32 weights held.
    public var weightBytes: Int {
        let perLayer = layers.first.map { $0.qkv.count + $0.output.count + $0.gateUp.count + $0.down.count
            + ($0.qkvBias?.count ?? 0) + 2 * $0.attentionNorm.count } ?? 0
        return 4 * (embedding.count + finalNorm.count + (lmHead?.count ?? 0) + perLayer * layers.count)
    }

    /// Floating-point operations of one token's forward pass through the weight GEMMs (2 per MAC), for
    /// reporting the fraction of peak reached.
    public var flopsPerToken: Double {
        let c = configuration
        let qkvOut = (c.numAttentionHeads + 2 * c.numKeyValueHeads) * c.headDim
        let perLayer = c.hiddenSize * (qkvOut + c.numAttentionHeads * c.headDim + 3 * c.intermediateSize)
        return 2 * Double(perLayer * c.numHiddenLayers + c.vocabSize * c.hiddenSize)
    }

    /// Runs the chunks as one batch: appends their keys/values to their caches and returns the logits
    /// of the requested rows, concatenated in chunk order ((rows, vocab) row-major).
    /// `threads` is the worker count for attention (the GEMMs use OpenBLAS's own threads).
    public func forward(_ chunks: [ForwardChunk], threads: Int = 2) throws -> [Float] {
        let c = configuration
        let h = c.hiddenSize, d = c.headDim, heads = c.numAttentionHeads, kvHeads = c.numKeyValueHeads
        let qDim = heads * d, kvDim = kvHeads * d, qkvWidth = qDim + 2 * kvDim, inter = c.intermediateSize
        let group = heads / kvHeads, half = d / 2
        // Row bookkeeping: chunk i covers rows starts[i] ..< starts[i] + tokens.count.
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
        let qkv = UnsafeMutablePointer<Float>.allocate(capacity: rows * qkvWidth) // (R, qDim + 2 kvDim)
        let attn = UnsafeMutablePointer<Float>.allocate(capacity: rows * qDim)    // (R, qDim)
        let gateUp = UnsafeMutablePointer<Float>.allocate(capacity: rows * 2 * inter) // (R, 2I)
        let act = UnsafeMutablePointer<Float>.allocate(capacity: rows * inter)    // (R, I)
        let cosTable = UnsafeMutablePointer<Float>.allocate(capacity: rows * half) // (R, d/2)
        let sinTable = UnsafeMutablePointer<Float>.allocate(capacity: rows * half)
        defer { for p in [x, normed, qkv, attn, gateUp, act, cosTable, sinTable] { p.deallocate() } }

        embedding.withUnsafeBufferPointer { e in
            for r in 0..<rows { (x + r * h).update(from: e.baseAddress! + tokens[r] * h, count: h) }
        }
        for r in 0..<rows { rope.angles(position: positions[r], cos: cosTable + r * half, sin: sinTable + r * half) }

        for (li, layer) in layers.enumerated() {
            // Attention block. (R, H) → (R, qkvWidth)
            layer.attentionNorm.withUnsafeBufferPointer { w in
                RMSNorm.forward(x: x, ld: h, weight: w.baseAddress!, eps: Float(c.rmsNormEps), rows: rows,
                                width: h, y: normed, ldy: h)
            }
            layer.qkv.withUnsafeBufferPointer { w in
                Gemm.multiplyTransposed(m: rows, n: qkvWidth, k: h, a: normed, lda: h, b: w.baseAddress!, ldb: h,
                                        c: qkv, ldc: qkvWidth)
            }
            if let bias = layer.qkvBias {
                for r in 0..<rows { for j in 0..<qkvWidth { qkv[r * qkvWidth + j] += bias[j] } }
            }
            for r in 0..<rows {
                let row = qkv + r * qkvWidth
                rope.rotate(row, heads: heads + kvHeads, cos: cosTable + r * half, sin: sinTable + r * half)
            }
            // Append this pass's keys and values to each sequence's cache.
            for (ci, ch) in chunks.enumerated() {
                for j in 0..<ch.tokens.count {
                    let row = qkv + (starts[ci] + j) * qkvWidth, pos = ch.cache.count + j
                    for g in 0..<kvHeads {
                        (ch.cache.plane(layer: li, value: false, head: g) + pos * d).update(from: row + qDim + g * d, count: d)
                        (ch.cache.plane(layer: li, value: true, head: g) + pos * d)
                            .update(from: row + qDim + kvDim + g * d, count: d)
                    }
                }
            }
            attend(chunks: chunks, starts: starts, layer: li, qkv: qkv, qkvWidth: qkvWidth, out: attn,
                   qDim: qDim, group: group, threads: threads)
            // x += attn · Woᵀ
            layer.output.withUnsafeBufferPointer { w in
                Gemm.multiplyTransposed(m: rows, n: h, k: qDim, a: attn, lda: qDim, b: w.baseAddress!, ldb: qDim,
                                        c: x, ldc: h, beta: 1)
            }
            // MLP block.
            layer.mlpNorm.withUnsafeBufferPointer { w in
                RMSNorm.forward(x: x, ld: h, weight: w.baseAddress!, eps: Float(c.rmsNormEps), rows: rows,
                                width: h, y: normed, ldy: h)
            }
            layer.gateUp.withUnsafeBufferPointer { w in
                Gemm.multiplyTransposed(m: rows, n: 2 * inter, k: h, a: normed, lda: h, b: w.baseAddress!, ldb: h,
                                        c: gateUp, ldc: 2 * inter)
            }
            SwiGLU.forward(gateUp: gateUp, ld: 2 * inter, rows: rows, width: inter, out: act, ldo: inter)
            layer.down.withUnsafeBufferPointer { w in
                Gemm.multiplyTransposed(m: rows, n: h, k: inter, a: act, lda: inter, b: w.baseAddress!, ldb: inter,
                                        c: x, ldc: h, beta: 1)
            }
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
        for (i, r) in selected.enumerated() {
            finalNorm.withUnsafeBufferPointer { w in
                RMSNorm.forward(x: x + r * h, ld: h, weight: w.baseAddress!, eps: Float(c.rmsNormEps), rows: 1,
                                width: h, y: normed + i * h, ldy: h)
            }
        }
        var logits = [Float](repeating: 0, count: selected.count * c.vocabSize)
        (lmHead ?? embedding).withUnsafeBufferPointer { w in
            logits.withUnsafeMutableBufferPointer { out in
                Gemm.multiplyTransposed(m: selected.count, n: c.vocabSize, k: h, a: normed, lda: h,
                                        b: w.baseAddress!, ldb: h, c: out.baseAddress!, ldc: c.vocabSize)
            }
        }
        return logits
    }

    /// Causal attention of every chunk, parallel over (chunk, KV head) work items.
    private func attend(chunks: [ForwardChunk], starts: [Int], layer: Int, qkv: UnsafeMutablePointer<Float>,
                        qkvWidth: Int, out: UnsafeMutablePointer<Float>, qDim: Int, group: Int, threads: Int) {
        let kvHeads = configuration.numKeyValueHeads, d = configuration.headDim
        let items = chunks.count * kvHeads
        let work = { (range: Range<Int>) in
            var scratchSize = 0
            for item in range {
                let ch = chunks[item / kvHeads]
                scratchSize = max(scratchSize, CausalAttention.scratchCount(rows: ch.tokens.count,
                                                                            startPosition: ch.cache.count, groupSize: group))
            }
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(scratchSize, 1))
            defer { scratch.deallocate() }
            for item in range {
                let ci = item / kvHeads, g = item % kvHeads, ch = chunks[ci]
                CausalAttention.forwardGroup(
                    q: qkv + starts[ci] * qkvWidth, ldq: qkvWidth,
                    keys: ch.cache.plane(layer: layer, value: false, head: g),
                    values: ch.cache.plane(layer: layer, value: true, head: g),
                    startPosition: ch.cache.count, rows: ch.tokens.count, headDim: d, firstHead: g * group,
                    groupSize: group, out: out + starts[ci] * qDim, ldo: qDim, scratch: scratch)
            }
        }
        if threads > 1 && items > 1 {
            // Small per-head products: run them single-threaded inside each worker.
            let blasThreads = Gemm.threads
            Gemm.setThreads(1)
            Parallel.forChunks(items, threads: threads, work)
            Gemm.setThreads(blasThreads)
        } else {
            work(0..<items)
        }
    }
}

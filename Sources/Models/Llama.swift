// The llama / qwen2 decoder (HF `modeling_llama.py`, `modeling_qwen2.py`; llama.cpp `src/models/llama.cpp`,
// `qwen2.cpp`), in forward order: embed → N × [RMSNorm → q,k,v (+bias) → RoPE → causal GQA attention →
// o_proj → residual → RMSNorm → SwiGLU MLP → residual] → RMSNorm → lm_head (tied or not).
// One pass runs many sequences at once: every row of the activation matrix is one (sequence, position),
// so each weight is one sgemm per pass whether it serves a 512-token prefill or 64 decoding sequences.
import Tensors

/// The weights of one decoder layer, with q/k/v and gate/up fused for larger GEMMs (norms and biases
/// fp32, Linear weights in the model's `WeightFormat`).
public struct LlamaLayer: Sendable {
    var attentionNorm: [Float]   // (H)
    var qkv: LinearWeight        // (qDim + 2·kvDim, H): rows of q_proj, then k_proj, then v_proj
    var qkvBias: [Float]?        // (qDim + 2·kvDim) when attention_bias
    var output: LinearWeight     // (H, qDim)
    var mlpNorm: [Float]         // (H)
    var gateUp: LinearWeight     // (2·I, H): rows of gate_proj, then up_proj
    var down: LinearWeight       // (H, I)
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
    /// How the Linear and embedding weights are held.
    public let weightFormat: WeightFormat
    let embedding: LinearWeight  // (V, H); also the lm_head when tied
    let finalNorm: [Float]       // (H)
    let lmHead: LinearWeight?    // (V, H), nil when tied to the embedding
    let layers: [LlamaLayer]
    let rope: RoPEFrequencies

    /// Builds the decoder from HF-named fp32 weights in PyTorch layout (see `loadFloatWeights`), kept fp32.
    public init(configuration c: DecoderConfiguration, weights: [String: Tensor]) throws {
        try self.init(configuration: c, weights: weights, weightFormat: .fp32)
    }

    /// Builds the decoder from HF-named fp32 weights, holding them in `weightFormat`.
    public init(configuration c: DecoderConfiguration, weights: [String: Tensor], weightFormat: WeightFormat) throws {
        try self.init(configuration: c, weightFormat: weightFormat, hasLMHead: weights["lm_head.weight"] != nil) { weights[$0] }
    }

    /// Builds the decoder from a source of HF-named fp32 tensors that is asked for each weight once, in
    /// order, so a loader can dequantise one tensor at a time and keep only the compact copy
    /// (`loadLlama(path:weightFormat:)`); `tensor` returns nil for a missing name.
    public init(configuration c: DecoderConfiguration, weightFormat: WeightFormat, hasLMHead: Bool,
                tensor: (String) throws -> Tensor?) throws {
        try c.validate(file: "configuration")
        func take(_ name: String, _ shape: [Int]) throws -> [Float] {
            guard let t = try tensor(name) else { throw ModelError.missingTensor(name: name, file: "") }
            guard t.shape == shape else {
                throw ModelError.shapeMismatch(tensor: name, expected: shape, got: t.shape)
            }
            return t.storage
        }
        func linear(_ values: [Float], _ rows: Int, _ cols: Int) -> LinearWeight {
            LinearWeight(values, rows: rows, cols: cols, format: weightFormat)
        }
        let h = c.hiddenSize, qDim = c.numAttentionHeads * c.headDim, kvDim = c.numKeyValueHeads * c.headDim
        configuration = c
        self.weightFormat = weightFormat
        embedding = linear(try take("model.embed_tokens.weight", [c.vocabSize, h]), c.vocabSize, h)
        finalNorm = try take("model.norm.weight", [h])
        lmHead = !hasLMHead && c.tieWordEmbeddings ? nil : linear(try take("lm_head.weight", [c.vocabSize, h]), c.vocabSize, h)
        layers = try (0..<c.numHiddenLayers).map { i in
            let p = "model.layers.\(i)."
            let bias: [Float]? = c.attentionBias
                ? try take(p + "self_attn.q_proj.bias", [qDim]) + take(p + "self_attn.k_proj.bias", [kvDim])
                    + take(p + "self_attn.v_proj.bias", [kvDim])
                : nil
            return LlamaLayer(
                attentionNorm: try take(p + "input_layernorm.weight", [h]),
                qkv: linear(try take(p + "self_attn.q_proj.weight", [qDim, h]) + take(p + "self_attn.k_proj.weight", [kvDim, h])
                    + take(p + "self_attn.v_proj.weight", [kvDim, h]), qDim + 2 * kvDim, h),
                qkvBias: bias,
                output: linear(try take(p + "self_attn.o_proj.weight", [h, qDim]), h, qDim),
                mlpNorm: try take(p + "post_attention_layernorm.weight", [h]),
                gateUp: linear(try take(p + "mlp.gate_proj.weight", [c.intermediateSize, h])
                    + take(p + "mlp.up_proj.weight", [c.intermediateSize, h]), 2 * c.intermediateSize, h),
                down: linear(try take(p + "mlp.down_proj.weight", [h, c.intermediateSize]), h, c.intermediateSize))
        }
        rope = try c.ropeFrequencies()
    }

    /// A cache sized for `positions` positions of this model.
    public func makeCache(capacity positions: Int) -> SequenceCache {
        SequenceCache(layers: configuration.numHiddenLayers, kvHeads: configuration.numKeyValueHeads,
                      headDim: configuration.headDim, capacity: positions)
    }

    /// Bytes of weights held (fp32 or compact, per `weightFormat`).
    public var weightBytes: Int {
        let perLayer = layers.first.map { $0.qkv.byteCount + $0.output.byteCount + $0.gateUp.byteCount + $0.down.byteCount
            + 4 * (($0.qkvBias?.count ?? 0) + 2 * $0.attentionNorm.count) } ?? 0
        return embedding.byteCount + 4 * finalNorm.count + (lmHead?.byteCount ?? 0) + perLayer * layers.count
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
    /// `threads` is the worker count for attention and the products (OpenBLAS itself stays single-threaded).
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

        for r in 0..<rows { embedding.row(tokens[r], into: x + r * h) }
        for r in 0..<rows { rope.angles(position: positions[r], cos: cosTable + r * half, sin: sinTable + r * half) }

        for (li, layer) in layers.enumerated() {
            // Attention block. (R, H) → (R, qkvWidth)
            normalize(x, with: layer.attentionNorm, rows: rows, into: normed, threads: threads)
            layer.qkv.apply(m: rows, x: normed, ldx: h, y: qkv, ldy: qkvWidth, threads: threads)
            rowWise(rows, width: qkvWidth, threads: threads) { rs in
                for r in rs {
                    let row = qkv + r * qkvWidth
                    if let bias = layer.qkvBias { for j in 0..<qkvWidth { row[j] += bias[j] } }
                    rope.rotate(row, heads: heads + kvHeads, cos: cosTable + r * half, sin: sinTable + r * half)
                }
            }
            // Append this pass's keys and values to each sequence's cache.
            for (ci, ch) in chunks.enumerated() {
                for j in 0..<ch.tokens.count {
                    let row = qkv + (starts[ci] + j) * qkvWidth, pos = ch.cache.count + j
                    for g in 0..<kvHeads {
                        ch.cache.store(layer: li, head: g, position: pos, key: row + qDim + g * d,
                                       value: row + qDim + kvDim + g * d)
                    }
                }
            }
            attend(chunks: chunks, starts: starts, layer: li, qkv: qkv, qkvWidth: qkvWidth, out: attn,
                   qDim: qDim, group: group, threads: threads)
            // x += attn · Woᵀ
            layer.output.apply(m: rows, x: attn, ldx: qDim, y: x, ldy: h, beta: 1, threads: threads)
            // MLP block.
            normalize(x, with: layer.mlpNorm, rows: rows, into: normed, threads: threads)
            layer.gateUp.apply(m: rows, x: normed, ldx: h, y: gateUp, ldy: 2 * inter, threads: threads)
            rowWise(rows, width: inter, threads: threads) { rs in
                SwiGLU.forward(gateUp: gateUp + rs.lowerBound * 2 * inter, ld: 2 * inter, rows: rs.count, width: inter,
                               out: act + rs.lowerBound * inter, ldo: inter)
            }
            layer.down.apply(m: rows, x: act, ldx: inter, y: x, ldy: h, beta: 1, threads: threads)
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
        // Every element is written by the product (beta 0), so the array is not zero-filled first.
        return [Float](unsafeUninitializedCapacity: selected.count * c.vocabSize) { out, n in
            (lmHead ?? embedding).apply(m: selected.count, x: normed, ldx: h, y: out.baseAddress!, ldy: c.vocabSize,
                                        threads: threads)
            n = selected.count * c.vocabSize
        }
    }

    /// Causal attention of every chunk, parallel over (chunk, KV head, block of rows) work items: a
    /// prompt chunk is cut into blocks of `CausalAttention.rowBlock` rows so that each block's score matrix
    /// stops at its own last visible position (the causal half is never computed) and a single long
    /// prompt still spreads over the workers.
    private func attend(chunks: [ForwardChunk], starts: [Int], layer: Int, qkv: UnsafeMutablePointer<Float>,
                        qkvWidth: Int, out: UnsafeMutablePointer<Float>, qDim: Int, group: Int, threads: Int) {
        let kvHeads = configuration.numKeyValueHeads, d = configuration.headDim
        var items: [(chunk: Int, head: Int, row0: Int, rows: Int)] = []
        for (ci, ch) in chunks.enumerated() {
            var blocks: [(row0: Int, rows: Int)] = []
            var r0 = 0
            while r0 < ch.tokens.count {
                let n = min(CausalAttention.rowBlock, ch.tokens.count - r0)
                blocks.append((r0, n))
                r0 += n
            }
            // A prompt's later blocks see more positions (block b costs ~b + 1): taken first-last,
            // second-second-last, …, so the workers' contiguous chunks get equal work (in order, the last
            // worker had 2.6 times the first one's share of a 512-token prompt).
            for j in 0..<blocks.count {
                let b = blocks[j % 2 == 0 ? j / 2 : blocks.count - 1 - j / 2]
                for g in 0..<kvHeads { items.append((ci, g, b.row0, b.rows)) }
            }
        }
        let work = { (range: Range<Int>) in
            var scratchSize = 0
            for item in items[range] {
                scratchSize = max(scratchSize, CausalAttention.scratchCount(
                    rows: item.rows, startPosition: chunks[item.chunk].cache.count + item.row0, groupSize: group, headDim: d))
            }
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(scratchSize, 1))
            defer { scratch.deallocate() }
            for item in items[range] {
                let ch = chunks[item.chunk], row = starts[item.chunk] + item.row0
                CausalAttention.forwardGroup(
                    q: qkv + row * qkvWidth, ldq: qkvWidth,
                    keys: ch.cache.plane(layer: layer, value: false, head: item.head), ldk: ch.cache.capacity,
                    values: ch.cache.plane(layer: layer, value: true, head: item.head),
                    startPosition: ch.cache.count + item.row0, rows: item.rows, headDim: d, firstHead: item.head * group,
                    groupSize: group, out: out + row * qDim, ldo: qDim, scratch: scratch)
            }
        }
        if threads > 1 && items.count > 1 {
            // Prompt blocks call sgemm, single-threaded inside each worker (OpenBLAS always is: `Gemm`).
            Parallel.forChunks(items.count, threads: threads, work)
        } else {
            work(0..<items.count)
        }
    }

    /// Runs a row-wise step (norms, bias + RoPE, SwiGLU) on row chunks over the workers when the pass is a
    /// prompt's worth of rows; a decode pass's few rows stay on this thread (a dispatch costs more than they do).
    /// Each row is computed by the same code either way, so results do not change. Serial, these steps left
    /// the second core idle for about 5% of a 512-token prefill (perf: SwiGLU 3%, forward's own loops 2%).
    @inline(__always)
    private func rowWise(_ rows: Int, width: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        Parallel.forChunks(rows, threads: rows * width >= 131_072 ? threads : 1, body)
    }

    /// RMSNorm of `rows` rows of width hiddenSize (x → y), row-wise over the workers for a prompt.
    private func normalize(_ x: UnsafePointer<Float>, with weight: [Float], rows: Int, into y: UnsafeMutablePointer<Float>,
                           threads: Int) {
        let h = configuration.hiddenSize
        weight.withUnsafeBufferPointer { w in
            rowWise(rows, width: h, threads: threads) { rs in
                RMSNorm.forward(x: x + rs.lowerBound * h, ld: h, weight: w.baseAddress!, eps: Float(configuration.rmsNormEps),
                                rows: rs.count, width: h, y: y + rs.lowerBound * h, ldy: h)
            }
        }
    }
}

// The gemma3 decoder on tiny random models against a naive Double forward written from HF
// `modeling_gemma3.py` (plain loops, no shared kernels): whole prompts with a window smaller than the
// prompt, KV-cache and batching equivalence, every checkpoint format, configuration parsing, and errors.
import Testing
import Foundation
import Checkpoints
import Tensors
import TestSupport
@testable import Models

private func maxDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

private let prompt = [5, 72, 101, 108, 108, 111, 44, 32, 119, 270, 280, 33]

/// HF Gemma3ForCausalLM in Double: returns the logits of every position ((tokens, vocab) row-major).
func naiveGemma3Logits(_ c: DecoderConfiguration, _ w: [String: Tensor], tokens: [Int]) throws -> [Float] {
    let g = try #require(c.gemma3)
    let h = c.hiddenSize, d = c.headDim, heads = c.numAttentionHeads, kvHeads = c.numKeyValueHeads, n = tokens.count
    func t(_ name: String) throws -> Tensor { try #require(w[name], "\(name)") }
    func matvec(_ m: Tensor, _ x: [Double]) -> [Double] {
        let cols = m.shape[1]
        return (0..<m.shape[0]).map { r in (0..<cols).reduce(0.0) { $0 + Double(m.storage[r * cols + $1]) * x[$1] } }
    }
    func rms(_ x: [Double], _ weight: Tensor, eps: Double) -> [Double] {   // Gemma3RMSNorm: x̂ · (1 + w)
        let s = 1 / (x.reduce(0) { $0 + $1 * $1 } / Double(x.count) + eps).squareRoot()
        return x.indices.map { x[$0] * s * (1 + Double(weight.storage[$0])) }
    }
    func rope(_ v: [Double], position: Int, base: Double) -> [Double] {   // rotate_half
        var out = v
        for i in 0..<(d / 2) {
            let a = Double(position) / pow(base, Double(2 * i) / Double(d))
            out[i] = v[i] * cos(a) - v[i + d / 2] * sin(a)
            out[i + d / 2] = v[i] * sin(a) + v[i + d / 2] * cos(a)
        }
        return out
    }
    let emb = try t("model.embed_tokens.weight")
    var x = tokens.map { tok in (0..<h).map { Double(emb.storage[tok * h + $0]) * Double(h).squareRoot() } }
    for l in 0..<c.numHiddenLayers {
        let p = "model.layers.\(l).", sliding = g.layerTypes[l] == "sliding_attention"
        let base = sliding ? g.ropeLocalBaseFrequency : c.ropeTheta
        var q = [[[Double]]](), k = [[[Double]]](), v = [[[Double]]]()   // [position][head][d]
        for i in 0..<n {
            let hn = rms(x[i], try t(p + "input_layernorm.weight"), eps: c.rmsNormEps)
            let qa = matvec(try t(p + "self_attn.q_proj.weight"), hn), ka = matvec(try t(p + "self_attn.k_proj.weight"), hn)
            let va = matvec(try t(p + "self_attn.v_proj.weight"), hn)
            q.append(try (0..<heads).map { rope(rms(Array(qa[$0 * d..<($0 + 1) * d]), try t(p + "self_attn.q_norm.weight"), eps: c.rmsNormEps), position: i, base: base) })
            k.append(try (0..<kvHeads).map { rope(rms(Array(ka[$0 * d..<($0 + 1) * d]), try t(p + "self_attn.k_norm.weight"), eps: c.rmsNormEps), position: i, base: base) })
            v.append((0..<kvHeads).map { Array(va[$0 * d..<($0 + 1) * d]) })
        }
        for i in 0..<n {
            var attn = [Double]()
            for hd in 0..<heads {
                let kv = hd / (heads / kvHeads)
                let keys = (0...i).filter { !sliding || i - $0 < g.slidingWindow }
                let scores = keys.map { j in (0..<d).reduce(0.0) { $0 + q[i][hd][$1] * k[j][kv][$1] } / g.queryPreAttentionScalar.squareRoot() }
                let m = scores.max()!, e = scores.map { exp($0 - m) }, z = e.reduce(0, +)
                attn += (0..<d).map { dim in keys.indices.reduce(0.0) { $0 + e[$1] / z * v[keys[$1]][kv][dim] } }
            }
            let o = rms(matvec(try t(p + "self_attn.o_proj.weight"), attn), try t(p + "post_attention_layernorm.weight"), eps: c.rmsNormEps)
            x[i] = x[i].indices.map { x[i][$0] + o[$0] }
            let hn = rms(x[i], try t(p + "pre_feedforward_layernorm.weight"), eps: c.rmsNormEps)
            let gate = matvec(try t(p + "mlp.gate_proj.weight"), hn), up = matvec(try t(p + "mlp.up_proj.weight"), hn)
            let act = gate.indices.map { j -> Double in
                let a = gate[j]
                return 0.5 * a * (1 + tanh((2 / Double.pi).squareRoot() * (a + 0.044715 * a * a * a))) * up[j]
            }
            let f = rms(matvec(try t(p + "mlp.down_proj.weight"), act), try t(p + "post_feedforward_layernorm.weight"), eps: c.rmsNormEps)
            x[i] = x[i].indices.map { x[i][$0] + f[$0] }
        }
    }
    var logits = [Float]()
    for i in 0..<n {
        var row = matvec(emb, rms(x[i], try t("model.norm.weight"), eps: c.rmsNormEps))
        if let cap = g.finalLogitSoftcapping { row = row.map { cap * tanh($0 / cap) } }
        logits += row.map { Float($0) }
    }
    return logits
}

@Suite struct Gemma3Tests {
    /// The whole prompt (12 tokens, window 4 on layers 0 and 2) matches the naive forward; the window
    /// matters (a window of 64 gives other logits), and so does final soft-capping when set.
    @Test(arguments: [(4, nil), (64, nil), (3, 5.0)] as [(Int, Double?)])
    func forwardMatchesNaiveReference(_ variant: (Int, Double?)) throws {
        let c = TinyModelFactory.gemma3Configuration(window: variant.0, finalLogitSoftcapping: variant.1)
        let w = TinyModelFactory.gemma3Weights(c)
        let model = try Gemma3(configuration: c, weights: w)
        let fast = try model.forward([ForwardChunk(cache: model.makeCache(capacity: 4), tokens: prompt, logits: .all)])
        let slow = try naiveGemma3Logits(c, w, tokens: prompt)
        #expect(maxDiff(fast, slow) < 2e-3, "max |Δlogit| \(maxDiff(fast, slow))")
        if let cap = variant.1 { #expect(fast.allSatisfy { abs($0) <= Float(cap) }) }
        if variant.0 == 4 {
            let wide = try naiveGemma3Logits(TinyModelFactory.gemma3Configuration(window: 64), w, tokens: prompt)
            let v = c.vocabSize
            // Positions inside the window agree, later ones do not.
            #expect(maxDiff(Array(fast[0..<(4 * v)]), Array(wide[0..<(4 * v)])) < 2e-3)
            #expect(maxDiff(Array(fast[(11 * v)...]), Array(wide[(11 * v)...])) > 1e-2)
        }
    }

    /// Prefill-all, 5 + one token at a time, and uneven chunks give the same logits (the cache grows past
    /// its initial capacity and decode rows cross the window).
    @Test func kvCacheEqualsFullRecompute() throws {
        let c = TinyModelFactory.gemma3Configuration()
        let model = try Gemma3(configuration: c, weights: TinyModelFactory.gemma3Weights(c))
        let full = try model.forward([ForwardChunk(cache: model.makeCache(capacity: 4), tokens: prompt, logits: .all)])
        let cache = model.makeCache(capacity: 4)
        var incremental = try model.forward([ForwardChunk(cache: cache, tokens: Array(prompt[0..<5]), logits: .all)])
        for tok in prompt[5...] { incremental += try model.forward([ForwardChunk(cache: cache, tokens: [tok], logits: .last)]) }
        #expect(cache.count == prompt.count)
        #expect(maxDiff(full, incremental) < 1e-4)
        let chunked = model.makeCache(capacity: 2)
        var pieces = [Float]()
        for range in [0..<3, 3..<7, 7..<12] {
            pieces += try model.forward([ForwardChunk(cache: chunked, tokens: Array(prompt[range]), logits: .all)])
        }
        #expect(maxDiff(full, pieces) < 1e-4)
    }

    /// Sequences run together (prefill chunks beside a decode row) give what they give alone.
    @Test func batchedEqualsUnbatched() throws {
        let c = TinyModelFactory.gemma3Configuration()
        let model = try Gemma3(configuration: c, weights: TinyModelFactory.gemma3Weights(c))
        let a = Array(prompt[0..<7]), b = [9, 8, 7], e = Array(prompt.reversed())
        let alone = try [a, b, e].flatMap { try model.forward([ForwardChunk(cache: model.makeCache(capacity: 16), tokens: $0, logits: .last)]) }
        let together = try model.forward([a, b, e].map { ForwardChunk(cache: model.makeCache(capacity: 16), tokens: $0, logits: .last) },
                                         threads: 2)
        #expect(maxDiff(alone, together) < 1e-4)
        let cache1 = model.makeCache(capacity: 16), cache2 = model.makeCache(capacity: 16)
        _ = try model.forward([ForwardChunk(cache: cache1, tokens: a, logits: .none)])
        let mixed = try model.forward([ForwardChunk(cache: cache1, tokens: [3], logits: .last),
                                       ForwardChunk(cache: cache2, tokens: b, logits: .last)], threads: 2)
        let reference = try model.forward([ForwardChunk(cache: model.makeCache(capacity: 16), tokens: a + [3], logits: .last)])
        #expect(maxDiff(Array(mixed[0..<c.vocabSize]), reference) < 1e-4)
        #expect(maxDiff(Array(mixed[c.vocabSize...]), Array(alone[c.vocabSize..<(2 * c.vocabSize)])) < 1e-4)
    }

    /// A long prompt runs in several 64-row attention blocks (spread over the workers) and still matches
    /// token-by-token decoding.
    @Test func longPromptBlocksMatchDecoding() throws {
        let c = TinyModelFactory.gemma3Configuration(window: 40)
        let model = try Gemma3(configuration: c, weights: TinyModelFactory.gemma3Weights(c))
        let tokens = (0..<150).map { ($0 * 37 + 11) % c.vocabSize }
        let full = try model.forward([ForwardChunk(cache: model.makeCache(capacity: 150), tokens: tokens, logits: .all)], threads: 2)
        let cache = model.makeCache(capacity: 150)
        var stepwise = [Float]()
        for tok in tokens { stepwise += try model.forward([ForwardChunk(cache: cache, tokens: [tok], logits: .last)], threads: 1) }
        #expect(maxDiff(full, stepwise) < 1e-3)
    }

    /// HF folder and GGUF (F32 exactly; Q8_0 within quantisation error) load back to the same logits:
    /// proves the gemma3 name table, llama.cpp's 1 + w norm convention and the `gemma3.*` keys.
    @Test func everyFormatGivesTheSameLogits() throws {
        let c = TinyModelFactory.gemma3Configuration()
        let w = TinyModelFactory.gemma3Weights(c)
        let reference = try Gemma3(configuration: c, weights: w)
            .forward([ForwardChunk(cache: SequenceCache(layers: 3, kvHeads: 2, headDim: 16, capacity: 16), tokens: prompt, logits: .all)])
        let dir = try TinyModelFactory.temporaryDirectory("gemma3")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try TinyModelFactory.writeFolder(to: dir.appendingPathComponent("hf"), configuration: c, weights: w)
        let f32 = try TinyModelFactory.writeGemma3GGUF(to: dir.appendingPathComponent("f32.gguf"), configuration: c, weights: w)
        let q8 = try TinyModelFactory.writeGemma3GGUF(to: dir.appendingPathComponent("q8.gguf"), configuration: c, weights: w, type: .q8_0)
        for (url, tolerance) in [(folder, Float(1e-4)), (f32, 1e-4), (q8, 0.1)] {
            let (loadedConfig, loaded) = try loadFloatWeights(path: url.path)
            #expect(loadedConfig.gemma3 == c.gemma3 && loadedConfig.modelType == Gemma3.modelType)
            #expect(abs((loaded["model.layers.0.self_attn.q_norm.weight"]?.storage[0] ?? 9) - w["model.layers.0.self_attn.q_norm.weight"]!.storage[0]) < 1e-6)
            let model = try makeDecoder(configuration: loadedConfig, weights: loaded)
            #expect(model is Gemma3)
            let logits = try model.forward([ForwardChunk(cache: model.makeCache(capacity: 16), tokens: prompt, logits: .all)], threads: 2)
            #expect(maxDiff(reference, logits) < tolerance, "\(url.lastPathComponent): \(maxDiff(reference, logits))")
        }
    }

    @Test func missingWeightIsNamed() throws {
        let c = TinyModelFactory.gemma3Configuration()
        var w = TinyModelFactory.gemma3Weights(c)
        w["model.layers.1.self_attn.k_norm.weight"] = nil
        #expect(throws: ModelError.missingTensor(name: "model.layers.1.self_attn.k_norm.weight")) {
            try Gemma3(configuration: c, weights: w)
        }
        w = TinyModelFactory.gemma3Weights(c)
        w["model.layers.2.post_feedforward_layernorm.weight"] = nil
        #expect(throws: ModelError.missingTensor(name: "model.layers.2.post_feedforward_layernorm.weight")) {
            try makeDecoder(configuration: c, weights: w)
        }
    }

    /// Gemma-3-270m's config.json (HF hub, `model_type: gemma3_text`) and a pattern-only variant.
    @Test func decodesGemma3TextConfig() throws {
        let types = (0..<18).map { ($0 + 1) % 6 == 0 ? "\"full_attention\"" : "\"sliding_attention\"" }.joined(separator: ", ")
        let json = """
        {"_sliding_window_pattern": 6, "architectures": ["Gemma3ForCausalLM"], "attention_bias": false,
         "attn_logit_softcapping": null, "bos_token_id": 2, "eos_token_id": 1, "final_logit_softcapping": null,
         "head_dim": 256, "hidden_activation": "gelu_pytorch_tanh", "hidden_size": 640, "intermediate_size": 2048,
         "layer_types": [\(types)], "max_position_embeddings": 32768, "model_type": "gemma3_text",
         "num_attention_heads": 4, "num_hidden_layers": 18, "num_key_value_heads": 1, "query_pre_attn_scalar": 256,
         "rms_norm_eps": 1e-06, "rope_local_base_freq": 10000.0, "rope_scaling": null, "rope_theta": 1000000.0,
         "sliding_window": 512, "vocab_size": 262144}
        """
        let c = try JSONDecoder().decode(DecoderConfiguration.self, from: Data(json.utf8))
        try c.validate(file: "config.json")
        let g = try #require(c.gemma3)
        #expect(c.modelType == "gemma3_text" && c.headDim == 256 && c.tieWordEmbeddings && c.ropeTheta == 1e6)
        #expect(g.slidingWindow == 512 && g.queryPreAttentionScalar == 256 && g.finalLogitSoftcapping == nil)
        #expect((0..<18).filter { !g.isSliding(layer: $0) } == [5, 11, 17])
        // Without layer_types the period gives the same layout (HF `sliding_window_pattern`).
        let patternOnly = json.replacingOccurrences(of: "\"layer_types\": [\(types)], ", with: "")
        let p = try JSONDecoder().decode(DecoderConfiguration.self, from: Data(patternOnly.utf8))
        #expect(p.gemma3?.layerTypes == g.layerTypes)
        // Encoding keeps the gemma3 keys (written into tiny HF folders).
        let again = try JSONDecoder().decode(DecoderConfiguration.self, from: JSONEncoder().encode(c))
        #expect(again == c)
    }

    /// GGUF without a pattern key gets llama.cpp's period 6; wrong or unsupported keys are named.
    @Test func ggufDefaultsAndBadKeys() throws {
        #expect(Gemma3Parameters.layerTypes(pattern: 6, layers: 13).enumerated().filter { $0.element == "full_attention" }.map(\.offset) == [5, 11])
        let c = TinyModelFactory.gemma3Configuration()
        let dir = try TinyModelFactory.temporaryDirectory("gemma3-keys")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try TinyModelFactory.writeGemma3GGUF(to: dir.appendingPathComponent("p.gguf"), configuration: c,
                                                       weights: TinyModelFactory.gemma3Weights(c), writePattern: false)
        let loaded = try DecoderConfiguration(gguf: GGUFFile(url: url))
        #expect(loaded.gemma3?.layerTypes == [String](repeating: "sliding_attention", count: 3))
        var bad = c
        bad.gemma3?.hiddenActivation = "relu"
        #expect(throws: ModelError.invalidConfiguration(file: "x", key: "hidden_activation", reason: "'relu' is not supported (gelu_pytorch_tanh is)")) {
            try bad.validate(file: "x")
        }
        bad = c
        bad.gemma3 = nil
        #expect(throws: ModelError.self) { try Gemma3(configuration: bad, weights: [:]) }
    }
}

// The trainable llama/qwen2 decoder: a packed-batch forward that keeps the activations its backward
// needs, and the backward, layer by layer in reverse (llm.c train_gpt2.c `gpt2_forward`/`gpt2_backward`).
// Only the rows whose next token is scored go through the LM head, so prompts cost no vocabulary matmul.

import Foundation
import Inference
import Models
import Tensors

/// One sequence to score: `tokens[scoredFrom...]` are the tokens whose log-probs are computed.
public struct ScoredSequence: Sendable, Hashable {
    /// The tokens.
    public var tokens: [Int]
    /// Index of the first scored token (≥ 1; the prompt length for a rollout).
    public var scoredFrom: Int
    /// Bundles a sequence.
    public init(tokens: [Int], scoredFrom: Int) { self.tokens = tokens; self.scoredFrom = scoredFrom }
}

/// Per-sequence log-probs and entropies of the scored tokens.
public struct ScoredOutput: Sendable {
    /// The log probs.
    public var logProbs: [[Double]]
    /// The entropies.
    public var entropies: [[Double]]
}

/// The decoder's configuration and parameters (HF names, flat fp32 storage).
public struct PolicyModel: Sendable {
    /// The engine's configuration (config.json or GGUF keys), unchanged: rollouts and learner share it.
    public let configuration: DecoderConfiguration
    /// The parameters θ.
    public var parameters: ParameterSet
    let layers: [LayerOffsets]
    let embed: Int, finalNorm: Int, head: Int

    struct LayerOffsets: Sendable {
        var norm1, wq, wk, wv, bq, bk, bv, wo, norm2, gate, up, down: Int
    }

    /// Wraps HF-named tensors (e.g. from `Models.loadFloatWeights`) for training.
    public init(configuration: DecoderConfiguration, tensors: [String: Tensor]) throws {
        try configuration.validateTrainable()
        try self.init(configuration: configuration,
                      parameters: ParameterSet(layout: configuration.parameterShapes, tensors: tensors))
    }

    /// Wraps a parameter set already laid out for `configuration`.
    public init(configuration: DecoderConfiguration, parameters: ParameterSet) throws {
        try configuration.validateTrainable()
        guard parameters.slots.map(\.name) == configuration.parameterShapes.map(\.name) else {
            throw TrainingError.unsupportedConfiguration("parameter layout does not match the configuration")
        }
        self.configuration = configuration
        self.parameters = parameters
        let p = parameters
        layers = (0..<configuration.numHiddenLayers).map { l in
            let n = "model.layers.\(l)."
            return LayerOffsets(norm1: p.offset(n + "input_layernorm.weight"), wq: p.offset(n + "self_attn.q_proj.weight"),
                                wk: p.offset(n + "self_attn.k_proj.weight"), wv: p.offset(n + "self_attn.v_proj.weight"),
                                bq: p.offset(n + "self_attn.q_proj.bias"), bk: p.offset(n + "self_attn.k_proj.bias"),
                                bv: p.offset(n + "self_attn.v_proj.bias"), wo: p.offset(n + "self_attn.o_proj.weight"),
                                norm2: p.offset(n + "post_attention_layernorm.weight"), gate: p.offset(n + "mlp.gate_proj.weight"),
                                up: p.offset(n + "mlp.up_proj.weight"), down: p.offset(n + "mlp.down_proj.weight"))
        }
        embed = p.offset("model.embed_tokens.weight")
        finalNorm = p.offset("model.norm.weight")
        head = configuration.tieWordEmbeddings ? embed : p.offset("lm_head.weight")
    }

    /// Loads a GGUF file or HF folder (via `Models.loadFloatWeights`, as the engine does) as a trainable fp32 model.
    public static func load(path: String) throws -> PolicyModel {
        var (configuration, weights) = try loadFloatWeights(path: path)
        // A tied checkpoint may still carry lm_head.weight (some GGUF exports); the trainer keeps one copy.
        if configuration.tieWordEmbeddings { weights.removeValue(forKey: "lm_head.weight") }
        return try PolicyModel(configuration: configuration, tensors: weights)
    }

    /// A seeded random decoder (normal(0, 0.02) weights, unit norms), for tests and benchmarks.
    public static func random(configuration: DecoderConfiguration, seed: UInt64, scale: Float = 0.02) throws -> PolicyModel {
        var p = ParameterSet(layout: configuration.parameterShapes)
        var rng = SeededNormal(seed: seed)
        for s in p.slots {
            let isNorm = s.name.hasSuffix("layernorm.weight") || s.name == "model.norm.weight"
            for i in s.offset..<(s.offset + s.count) { p.values[i] = isNorm ? 1 : scale * rng.next() }
        }
        return try PolicyModel(configuration: configuration, parameters: p)
    }

    /// Log-probs and entropies of the scored tokens; keeps the activations in `workspace` for `backward`.
    public func forward(_ batch: [ScoredSequence], workspace: DecoderWorkspace) throws -> ScoredOutput {
        let cfg = configuration
        try workspace.plan(batch, configuration: cfg)
        let w = workspace
        let c = cfg.hiddenSize, n = w.rows, eps = Float(cfg.rmsNormEps)
        var logProbs = [Double](repeating: 0, count: w.targets.count), entropies = logProbs
        parameters.values.withUnsafeBufferPointer { pb in
            w.refreshLowPrecisionWeights(pb)
            let p = pb.baseAddress!, mm = w.linearProducts(p)
            embeddingForward(w.residual[0], table: p + embed, tokens: w.tokens, c: c)        // (N, C)
            // With gradient checkpointing every layer writes the same activation buffers; backward recomputes them.
            for l in layers.indices { layerForward(l, parameters: p, workspace: w) }
            let last = w.residual[layers.count]
            rmsNormForward(w.xnF, rinv: w.rinvF, x: last, w: p + finalNorm, rows: n, c: c, eps: eps)
            for (r, row) in w.targetRows.enumerated() { (w.xT + r * c).update(from: w.xnF + row * c, count: c) }  // (R, C)
            mm.forward(w.logits, w.xT, head, rows: w.targets.count, inFeatures: c, outFeatures: cfg.vocabSize)  // (R, V)
            takenLogSoftmaxForward(logits: w.logits, targets: w.targets, vocab: cfg.vocabSize,
                                   logProbs: &logProbs, entropies: &entropies)
        }
        var outLP: [[Double]] = [], outEnt: [[Double]] = [], r = 0
        for s in batch {
            let k = s.tokens.count - s.scoredFrom
            outLP.append(Array(logProbs[r..<(r + k)])); outEnt.append(Array(entropies[r..<(r + k)])); r += k
        }
        return ScoredOutput(logProbs: outLP, entropies: outEnt)
    }

    /// One decoder layer: residual[l + 1] = f(residual[l]), keeping in `layer[l]` what its backward reads.
    /// Deterministic (same sgemm calls, disjoint parallel outputs), so recomputing it under gradient
    /// checkpointing reproduces the activations bit for bit.
    func layerForward(_ l: Int, parameters p: UnsafePointer<Float>, workspace w: DecoderWorkspace) {
        let cfg = configuration, o = layers[l], a = w.layer[l]
        let c = cfg.hiddenSize, qd = cfg.numAttentionHeads * cfg.headDim, kd = cfg.numKeyValueHeads * cfg.headDim
        let inter = cfg.intermediateSize, n = w.rows, eps = Float(cfg.rmsNormEps), mm = w.linearProducts(p)
        rmsNormForward(a.xn1, rinv: a.rinv1, x: w.residual[l], w: p + o.norm1, rows: n, c: c, eps: eps)
        mm.forward(a.q, a.xn1, o.wq, rows: n, inFeatures: c, outFeatures: qd)        // (N, Q)
        mm.forward(a.k, a.xn1, o.wk, rows: n, inFeatures: c, outFeatures: kd)        // (N, K)
        mm.forward(a.v, a.xn1, o.wv, rows: n, inFeatures: c, outFeatures: kd)        // (N, K)
        if cfg.attentionBias {
            biasForward(a.q, b: p + o.bq, rows: n, f: qd)
            biasForward(a.k, b: p + o.bk, rows: n, f: kd)
            biasForward(a.v, b: p + o.bv, rows: n, f: kd)
        }
        ropeApply(a.q, positions: w.positions, heads: cfg.numAttentionHeads, headDim: cfg.headDim, table: w.rope, inverse: false)
        ropeApply(a.k, positions: w.positions, heads: cfg.numKeyValueHeads, headDim: cfg.headDim, table: w.rope, inverse: false)
        attentionForward(out: a.attnOut, probs: a.probs, q: a.q, k: a.k, v: a.v, segments: w.segments,
                         heads: cfg.numAttentionHeads, kvHeads: cfg.numKeyValueHeads, headDim: cfg.headDim)
        a.xMid.update(from: w.residual[l], count: n * c)                                   // (N, C)
        mm.forward(a.xMid, a.attnOut, o.wo, rows: n, inFeatures: qd, outFeatures: c, accumulate: true)
        rmsNormForward(a.xn2, rinv: a.rinv2, x: a.xMid, w: p + o.norm2, rows: n, c: c, eps: eps)
        mm.forward(a.gate, a.xn2, o.gate, rows: n, inFeatures: c, outFeatures: inter)  // (N, I)
        mm.forward(a.up, a.xn2, o.up, rows: n, inFeatures: c, outFeatures: inter)      // (N, I)
        swiGLUForward(a.h, gate: a.gate, up: a.up, count: n * inter)
        w.residual[l + 1].update(from: a.xMid, count: n * c)
        mm.forward(w.residual[l + 1], a.h, o.down, rows: n, inFeatures: inter, outFeatures: c, accumulate: true)
    }

    /// Accumulates ∂loss/∂θ into `gradients` given ∂loss/∂logp of every scored token of the last forward.
    public func backward(dLogProbs: [[Double]], workspace w: DecoderWorkspace, gradients: inout ParameterSet) throws {
        let flat = dLogProbs.flatMap { $0 }
        guard flat.count == w.targets.count else {
            throw TrainingError.invalidBatch("\(flat.count) log-prob gradients for \(w.targets.count) scored tokens")
        }
        let cfg = configuration
        let c = cfg.hiddenSize, qd = cfg.numAttentionHeads * cfg.headDim, kd = cfg.numKeyValueHeads * cfg.headDim
        let inter = cfg.intermediateSize, n = w.rows
        parameters.values.withUnsafeBufferPointer { pb in
            gradients.values.withUnsafeMutableBufferPointer { gb in
                let p = pb.baseAddress!, g = gb.baseAddress!, mm = w.linearProducts(p)
                takenLogSoftmaxBackward(probs: w.logits, targets: w.targets, vocab: cfg.vocabSize, dLogProbs: flat)
                w.dxT.update(repeating: 0, count: w.targets.count * c)
                mm.backward(dx: w.dxT, dw: g + head, dy: w.logits, x: w.xT, head,
                               rows: w.targets.count, inFeatures: c, outFeatures: cfg.vocabSize, dyIsDisposable: true)
                w.dxn.update(repeating: 0, count: n * c)
                for (r, row) in w.targetRows.enumerated() {
                    let d = w.dxn + row * c, s = w.dxT + r * c
                    for i in 0..<c { d[i] += s[i] }
                }
                w.dx.update(repeating: 0, count: n * c)                                              // (N, C)
                rmsNormBackward(dx: w.dx, dw: g + finalNorm, dy: w.dxn, x: w.residual[layers.count],
                                w: p + finalNorm, rinv: w.rinvF, rows: n, c: c)
                for (l, o) in layers.enumerated().reversed() {
                    if w.gradientCheckpointing { layerForward(l, parameters: p, workspace: w) }
                    let a = w.layer[l]
                    // MLP: residual[l+1] = xMid + down(silu(gate(xn2)) · up(xn2))
                    w.dh.update(repeating: 0, count: n * inter)
                    mm.backward(dx: w.dh, dw: g + o.down, dy: w.dx, x: a.h, o.down, rows: n, inFeatures: inter, outFeatures: c)
                    swiGLUBackward(dGate: w.dGate, dUp: w.dUp, dh: w.dh, gate: a.gate, up: a.up, count: n * inter)
                    w.dxn.update(repeating: 0, count: n * c)
                    mm.backward(dx: w.dxn, dw: g + o.gate, dy: w.dGate, x: a.xn2, o.gate, rows: n, inFeatures: c, outFeatures: inter)
                    mm.backward(dx: w.dxn, dw: g + o.up, dy: w.dUp, x: a.xn2, o.up, rows: n, inFeatures: c, outFeatures: inter)
                    rmsNormBackward(dx: w.dx, dw: g + o.norm2, dy: w.dxn, x: a.xMid, w: p + o.norm2, rinv: a.rinv2, rows: n, c: c)
                    // Attention: xMid = residual[l] + o_proj(attn(rope(q), rope(k), v))
                    w.dAttn.update(repeating: 0, count: n * qd)
                    mm.backward(dx: w.dAttn, dw: g + o.wo, dy: w.dx, x: a.attnOut, o.wo, rows: n, inFeatures: qd, outFeatures: c)
                    w.dq.update(repeating: 0, count: n * qd)
                    w.dk.update(repeating: 0, count: n * kd)
                    w.dv.update(repeating: 0, count: n * kd)
                    attentionBackward(dq: w.dq, dk: w.dk, dv: w.dv, dOut: w.dAttn, probs: a.probs, q: a.q, k: a.k, v: a.v,
                                      scratch: w.dScores, longest: w.longest, segments: w.segments, heads: cfg.numAttentionHeads,
                                      kvHeads: cfg.numKeyValueHeads, headDim: cfg.headDim)
                    ropeApply(w.dq, positions: w.positions, heads: cfg.numAttentionHeads, headDim: cfg.headDim, table: w.rope, inverse: true)
                    ropeApply(w.dk, positions: w.positions, heads: cfg.numKeyValueHeads, headDim: cfg.headDim, table: w.rope, inverse: true)
                    if cfg.attentionBias {
                        biasBackward(db: g + o.bq, dy: w.dq, rows: n, f: qd)
                        biasBackward(db: g + o.bk, dy: w.dk, rows: n, f: kd)
                        biasBackward(db: g + o.bv, dy: w.dv, rows: n, f: kd)
                    }
                    w.dxn.update(repeating: 0, count: n * c)
                    mm.backward(dx: w.dxn, dw: g + o.wq, dy: w.dq, x: a.xn1, o.wq, rows: n, inFeatures: c, outFeatures: qd)
                    mm.backward(dx: w.dxn, dw: g + o.wk, dy: w.dk, x: a.xn1, o.wk, rows: n, inFeatures: c, outFeatures: kd)
                    mm.backward(dx: w.dxn, dw: g + o.wv, dy: w.dv, x: a.xn1, o.wv, rows: n, inFeatures: c, outFeatures: kd)
                    rmsNormBackward(dx: w.dx, dw: g + o.norm1, dy: w.dxn, x: w.residual[l], w: p + o.norm1, rinv: a.rinv1, rows: n, c: c)
                }
                embeddingBackward(dTable: g + embed, dOut: w.dx, tokens: w.tokens, c: c)
            }
        }
    }
}

/// Box–Muller normals from `SplitMix64` (seeded weights for tiny test models).
struct SeededNormal {
    var rng: SplitMix64
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }
    mutating func next() -> Float {
        let u1 = max(rng.nextUnit(), 1e-300), u2 = rng.nextUnit()
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }
}

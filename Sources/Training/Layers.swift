// The decoder's layers as forward/backward pairs side by side, in the style of llm.c train_gpt2.c
// (`layernorm_forward`/`layernorm_backward`…): the forward fills what its backward needs, gradients
// accumulate with `+=`, and every buffer carries its shape. Semantics follow transformers'
// modeling_llama.py (LlamaRMSNorm, rotate_half RoPE, repeat_kv GQA, SiLU-gated MLP).
// N = tokens in the packed batch, C = hidden, Q = heads·head_dim, K = kv_heads·head_dim, I = intermediate.

import Foundation
import Tensors

/// Workers for the loops between sgemms (the machine's cores, at most 8).
let workerThreads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))

// MARK: - Embedding

/// out (N, C) = table[tokens[n]] (V, C).
func embeddingForward(_ out: UnsafeMutablePointer<Float>, table: UnsafePointer<Float>, tokens: [Int], c: Int) {
    for (n, tok) in tokens.enumerated() { (out + n * c).update(from: table + tok * c, count: c) }
}

/// dTable[tokens[n]] += dOut[n].
func embeddingBackward(dTable: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, tokens: [Int], c: Int) {
    for (n, tok) in tokens.enumerated() {
        let d = dTable + tok * c, s = dOut + n * c
        for i in 0..<c { d[i] += s[i] }
    }
}

// MARK: - RMSNorm

/// y (N, C) = x · rinv · w with rinv (N) = 1/sqrt(mean(x²) + eps), as LlamaRMSNorm (fp32 throughout).
func rmsNormForward(_ y: UnsafeMutablePointer<Float>, rinv: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
                    w: UnsafePointer<Float>, rows: Int, c: Int, eps: Float) {
    Parallel.forChunks(rows, threads: workerThreads) { range in
    for n in range {
        let xr = x + n * c, yr = y + n * c
        var ss: Float = 0
        for i in 0..<c { ss += xr[i] * xr[i] }
        let r = 1 / (ss / Float(c) + eps).squareRoot()
        rinv[n] = r
        for i in 0..<c { yr[i] = xr[i] * r * w[i] }
    }
    }
}

/// dx (N, C) += rinv·(dy·w − x·rinv²·mean(dy·w·x)); dw (C) += Σ_n dy·x·rinv.
func rmsNormBackward(dx: UnsafeMutablePointer<Float>, dw: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                     x: UnsafePointer<Float>, w: UnsafePointer<Float>, rinv: UnsafePointer<Float>, rows: Int, c: Int) {
    for n in 0..<rows {
        let xr = x + n * c, dyr = dy + n * c, dxr = dx + n * c, r = rinv[n]
        var dot: Float = 0
        for i in 0..<c { dot += dyr[i] * w[i] * xr[i] }
        let k = r * r * r * dot / Float(c)
        for i in 0..<c {
            dxr[i] += r * dyr[i] * w[i] - k * xr[i]
            dw[i] += dyr[i] * xr[i] * r
        }
    }
}

// MARK: - Bias (qwen2 q/k/v)

/// y (N, F) += b (F).
func biasForward(_ y: UnsafeMutablePointer<Float>, b: UnsafePointer<Float>, rows: Int, f: Int) {
    for n in 0..<rows { let yr = y + n * f; for i in 0..<f { yr[i] += b[i] } }
}

/// db (F) += Σ_n dy (N, F).
func biasBackward(db: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, rows: Int, f: Int) {
    for n in 0..<rows { let dr = dy + n * f; for i in 0..<f { db[i] += dr[i] } }
}

// MARK: - RoPE

/// cos/sin tables (positions, D/2) for rotate_half RoPE: angle = pos · invFreq[i] (θ^(−2i/D), possibly scaled).
struct RotaryTable {
    var cos: [Float], sin: [Float]
    let half: Int
    let inverseFrequencies: [Double]
    let positions: Int
    init(inverseFrequencies inv: [Double], positions: Int) {
        half = inv.count; inverseFrequencies = inv; self.positions = positions
        cos = [Float](repeating: 0, count: positions * half); sin = cos
        for p in 0..<positions {
            for i in 0..<half {
                let a = Double(p) * inv[i]
                cos[p * half + i] = Float(Foundation.cos(a)); sin[p * half + i] = Float(Foundation.sin(a))
            }
        }
    }
}

/// In place on x (N, heads·D): (x1, x2) → (x1·cos − x2·sin, x2·cos + x1·sin) per head at each row's position.
/// With `inverse` it applies the transposed rotation, which is the backward pass.
func ropeApply(_ x: UnsafeMutablePointer<Float>, positions: [Int], heads: Int, headDim: Int,
               table: RotaryTable, inverse: Bool) {
    let half = headDim / 2, s: Float = inverse ? -1 : 1
    table.cos.withUnsafeBufferPointer { cp in
        table.sin.withUnsafeBufferPointer { sp in
            for (n, pos) in positions.enumerated() {
                let c = cp.baseAddress! + pos * half, sn = sp.baseAddress! + pos * half
                for h in 0..<heads {
                    let v = x + n * heads * headDim + h * headDim
                    for i in 0..<half {
                        let a = v[i], b = v[i + half], si = s * sn[i]
                        v[i] = a * c[i] - b * si
                        v[i + half] = b * c[i] + a * si
                    }
                }
            }
        }
    }
}

// MARK: - Causal attention with GQA

/// One packed sequence: rows [offset, offset+length) of the batch.
struct Segment { var offset: Int, length: Int, probOffset: Int }

/// out (N, Q) = softmax(q kᵀ/√D + causal) v per head; probs (Σ H·L·L) keeps P for the backward.
func attentionForward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                      q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                      segments: [Segment], heads: Int, kvHeads: Int, headDim: Int) {
    let qd = heads * headDim, kd = kvHeads * headDim, group = heads / kvHeads
    let scale = 1 / Float(headDim).squareRoot()
    // Work items are (segment, kv head): disjoint outputs, so they run on parallel workers, each with
    // single-threaded sgemms (threads 1).
    Parallel.forChunks(segments.count * kvHeads, threads: workerThreads) { items in
    for item in items {
        let seg = segments[item / kvHeads], l = seg.length, o = seg.offset
        for h in (item % kvHeads * group)..<((item % kvHeads + 1) * group) {
            let kh = h / group
            let p = probs + seg.probOffset + h * l * l                 // (L, L)
            Gemm.product(transA: false, transB: true, m: l, n: l, k: headDim, alpha: scale,
                 a: q + o * qd + h * headDim, lda: qd, b: k + o * kd + kh * headDim, ldb: kd, beta: 0, c: p, ldc: l)
            for i in 0..<l {
                let row = p + i * l
                // Inlined 8-lane exp (FastMath, ~2e-7 relative): libm's expf was a call per score.
                let mx = FastMath.maximum(row, count: i + 1)
                let inv = Float(1 / FastMath.expInPlace(row, count: i + 1, shift: mx))
                for j in 0...i { row[j] *= inv }
                for j in (i + 1)..<max(l, i + 1) { row[j] = 0 }
            }
            Gemm.product(transA: false, transB: false, m: l, n: headDim, k: l, alpha: 1, a: p, lda: l,
                 b: v + o * kd + kh * headDim, ldb: kd, beta: 0, c: out + o * qd + h * headDim, ldc: qd)
        }
    }
    }
}

/// From dOut (N, Q): dq (N, Q), dk, dv (N, K) += …; `scratch` holds one (L, L) dP per worker for the longest segment.
func attentionBackward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
                       dOut: UnsafePointer<Float>, probs: UnsafePointer<Float>, q: UnsafePointer<Float>,
                       k: UnsafePointer<Float>, v: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                       longest: Int, segments: [Segment], heads: Int, kvHeads: Int, headDim: Int) {
    let qd = heads * headDim, kd = kvHeads * headDim, group = heads / kvHeads
    let scale = 1 / Float(headDim).squareRoot()
    let items = segments.count * kvHeads, workers = min(workerThreads, items)
    // One worker per contiguous block of (segment, kv head) items; each owns a dP scratch and writes
    // only its own rows of dq and its kv head's columns of dk/dv. sgemms single-threaded (threads 1), as in the forward.
    Parallel.forChunks(workers, threads: workers) { ws in
    for w in ws {
    let scratch = scratch + w * longest * longest
    for item in (items * w / workers)..<(items * (w + 1) / workers) {
        let seg = segments[item / kvHeads], l = seg.length, o = seg.offset
        for h in (item % kvHeads * group)..<((item % kvHeads + 1) * group) {
            let kh = h / group
            let p = probs + seg.probOffset + h * l * l
            let dO = dOut + o * qd + h * headDim
            // dV (L, D) += Pᵀ dO
            Gemm.product(transA: true, transB: false, m: l, n: headDim, k: l, alpha: 1, a: p, lda: l, b: dO, ldb: qd,
                 beta: 1, c: dv + o * kd + kh * headDim, ldc: kd)
            // dP (L, L) = dO Vᵀ
            Gemm.product(transA: false, transB: true, m: l, n: l, k: headDim, alpha: 1, a: dO, lda: qd,
                 b: v + o * kd + kh * headDim, ldb: kd, beta: 0, c: scratch, ldc: l)
            // dS = P ⊙ (dP − Σ_j dP·P), causal entries only
            for i in 0..<l {
                let pr = p + i * l, dr = scratch + i * l
                var dot: Float = 0
                for j in 0...i { dot += pr[j] * dr[j] }
                for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) }
                for j in (i + 1)..<max(l, i + 1) { dr[j] = 0 }
            }
            // dQ += scale · dS K ; dK += scale · dSᵀ Q
            Gemm.product(transA: false, transB: false, m: l, n: headDim, k: l, alpha: scale, a: scratch, lda: l,
                 b: k + o * kd + kh * headDim, ldb: kd, beta: 1, c: dq + o * qd + h * headDim, ldc: qd)
            Gemm.product(transA: true, transB: false, m: l, n: headDim, k: l, alpha: scale, a: scratch, lda: l,
                 b: q + o * qd + h * headDim, ldb: qd, beta: 1, c: dk + o * kd + kh * headDim, ldc: kd)
        }
    }
    }
    }
}

// MARK: - SwiGLU

@inline(__always) private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}
@inline(__always) private func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// h (N, I) = silu(gate) · up. 8 lanes with FastMath's exp: one exp per activation, ~200 M per step.
func swiGLUForward(_ h: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int) {
    Parallel.forChunks(count, threads: workerThreads) { range in
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let g = load8(gate + i)
            store8(g / (1 + FastMath.exp(-g)) * load8(up + i), h + i)
            i += 8
        }
        while i < range.upperBound {
            let g = gate[i]
            h[i] = g / (1 + FastMath.exp(-g)) * up[i]
            i += 1
        }
    }
}

/// dGate = dh · up · silu'(gate), dUp = dh · silu(gate) (both overwritten).
func swiGLUBackward(dGate: UnsafeMutablePointer<Float>, dUp: UnsafeMutablePointer<Float>, dh: UnsafePointer<Float>,
                    gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int) {
    Parallel.forChunks(count, threads: workerThreads) { range in
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let g = load8(gate + i), d = load8(dh + i), s = 1 / (1 + FastMath.exp(-g))
            store8(d * load8(up + i) * s * (1 + g * (1 - s)), dGate + i)
            store8(d * g * s, dUp + i)
            i += 8
        }
        while i < range.upperBound {
            let g = gate[i], s = 1 / (1 + FastMath.exp(-g))
            dGate[i] = dh[i] * up[i] * s * (1 + g * (1 - s))
            dUp[i] = dh[i] * g * s
            i += 1
        }
    }
}

// MARK: - Log-softmax of the taken tokens

/// For logits (R, V): logp[r] = log softmax(logits[r])[targets[r]], entropy[r] = −Σ p log p.
/// Overwrites logits with the probabilities p, which is all the backward needs. One exp per entry:
/// with e_j = exp(x_j − max) and S = Σ e_j, entropy = log S − Σ e_j (x_j − max) / S.
func takenLogSoftmaxForward(logits: UnsafeMutablePointer<Float>, targets: [Int], vocab: Int,
                            logProbs: inout [Double], entropies: inout [Double]) {
    logProbs.withUnsafeMutableBufferPointer { lpOut in
    entropies.withUnsafeMutableBufferPointer { entOut in
    targets.withUnsafeBufferPointer { tg in
    Parallel.forChunks(tg.count, threads: workerThreads) { range in
    for r in range {
        let y = tg[r], row = logits + r * vocab
        let mx = FastMath.maximum(row, count: vocab)
        let taken = row[y] - mx
        // 8 lanes with FastMath's exp (49k exps per scored token); partial sums folded into Double.
        var sum = 0.0, weighted = 0.0, s8 = SIMD8<Float>(), w8 = SIMD8<Float>(), j = 0
        let m8 = SIMD8<Float>(repeating: mx)
        while j + 8 <= vocab {
            let d = load8(row + j) - m8, e = FastMath.exp(d)
            store8(e, row + j); s8 += e; w8 += e * d
            j += 8
            if j & 1023 == 0 { sum += Double(s8.sum()); weighted += Double(w8.sum()); s8 = SIMD8(); w8 = SIMD8() }
        }
        sum += Double(s8.sum()); weighted += Double(w8.sum())
        while j < vocab {
            let d = row[j] - mx, e = FastMath.exp(d)
            row[j] = e; sum += Double(e); weighted += Double(e * d)
            j += 1
        }
        let inv = Float(1 / sum)
        j = 0
        let i8 = SIMD8<Float>(repeating: inv)
        while j + 8 <= vocab { store8(load8(row + j) * i8, row + j); j += 8 }
        while j < vocab { row[j] *= inv; j += 1 }
        let logSum = Foundation.log(sum)
        lpOut[r] = Double(taken) - logSum
        entOut[r] = logSum - weighted / sum
    }
    }
    }
    }
    }
}

/// dlogits[r] = g[r] · (onehot(targets[r]) − p[r]), in place over the probabilities.
func takenLogSoftmaxBackward(probs: UnsafeMutablePointer<Float>, targets: [Int], vocab: Int, dLogProbs: [Double]) {
    Parallel.forChunks(targets.count, threads: workerThreads) { range in
        for r in range {
            let row = probs + r * vocab, g = Float(dLogProbs[r])
            for j in 0..<vocab { row[j] = -g * row[j] }
            row[targets[r]] += g
        }
    }
}

// Causal scaled-dot-product attention with grouped-query heads (GQA, Ainslie et al. 2023) over a
// KV cache, as HF `LlamaAttention` with `repeat_kv`: query head h reads KV head h / (heads / kvHeads).
// Keys are cached transposed, (headDim, capacity) per KV head, so that decode computes 8 positions'
// scores per FMA lane-wise with no horizontal sums, and prefill's Q·Kᵀ is a plain (NoTrans) sgemm.
// The cache holds fp16 (llama.cpp's default cache type): decode streams half the bytes and converts 8
// values per vcvtph2ps. Prefill converts the block's keys/values to fp32 scratch and runs two sgemms per
// head (scores, then scores · V). The naive kernel beside it loops in Double over fp32 keys in
// (positions, headDim) order.
import Foundation

/// The KV cache's element type: fp16, except on Intel macOS where Swift has no Float16.
#if os(macOS) && arch(x86_64)
public typealias KVElement = Float
#else
public typealias KVElement = Float16
#endif

/// Attention of a chunk of consecutive positions of one sequence against its cached keys/values.
public enum CausalAttention {
    /// Rows per attention work item of a prompt chunk (the decoders cut each chunk into blocks of this
    /// many rows from its start). A block's products (scores, scores · V) are sgemms whose per-row results
    /// depend on the block's shape, so the engine ends every unfinished prompt chunk on a multiple of this
    /// (`BatchGenerator`): a prompt is then cut into the same blocks whether it is prefilled alone or
    /// beside other sequences.
    public static let rowBlock = 64

    /// Scratch floats `forwardGroup` needs for `rows` rows ending at `startPosition + rows` (scores, plus
    /// fp32 copies of the keys and values for a prompt block).
    public static func scratchCount(rows: Int, startPosition: Int, groupSize: Int, headDim: Int) -> Int {
        let total = startPosition + rows
        return max(rows, groupSize) * total + (rows > 1 || headDim % 8 != 0 ? 2 * headDim * total : 0)
    }

    /// Attention for the query heads `firstHead ..< firstHead + groupSize`, which share one KV head.
    /// - q: `rows` rows (stride `ldq`); head h of row r is at `q + r·ldq + h·headDim`.
    /// - keys: the KV head's keys transposed, dimension i of position t at `keys[i·ldk + t]`.
    /// - values: (positions, headDim) contiguous. Both hold at least `startPosition + rows` positions
    ///   (this chunk's keys already written).
    /// - out: like q (stride `ldo`). Row r sees positions `0 ... startPosition + r`.
    @inlinable
    public static func forwardGroup(
        q: UnsafePointer<Float>, ldq: Int, keys: UnsafePointer<KVElement>, ldk: Int, values: UnsafePointer<KVElement>,
        startPosition: Int, rows: Int, headDim d: Int, firstHead: Int, groupSize: Int,
        out: UnsafeMutablePointer<Float>, ldo: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        let total = startPosition + rows
        let scale = 1 / Float(d).squareRoot()
        if rows == 1 && d % 8 == 0 {
            // Heads in pairs (each cached vector converted once for two heads), an odd one alone.
            var h = firstHead
            while h + 2 <= firstHead + groupSize {
                decodeHeadPair(q: q + h * d, keys: keys, ldk: ldk, values: values, total: total, headDim: d, scale: scale,
                               out: out + h * d, scores: scratch)
                h += 2
            }
            if h < firstHead + groupSize {
                decodeHead(q: q + h * d, keys: keys, ldk: ldk, values: values, total: total, headDim: d, scale: scale,
                           out: out + h * d, scores: scratch)
            }
            return
        }
        // fp32 copies of the visible keys (d, total) and values (total, d) after the scores' rows.
        let kf = scratch + max(rows, groupSize) * total, vf = kf + d * total
        for i in 0..<d { convert(keys + i * ldk, count: total, into: kf + i * total) }
        convert(values, count: total * d, into: vf)
        for h in firstHead..<(firstHead + groupSize) {
            Gemm.multiply(m: rows, n: total, k: d, a: q + h * d, lda: ldq, b: kf, ldb: total,
                          c: scratch, ldc: total, alpha: scale)
            for r in 0..<rows {
                let row = scratch + r * total
                let visible = startPosition + r + 1
                Softmax.inPlace(row, count: visible)
                if visible < total { (row + visible).initialize(repeating: 0, count: total - visible) }
            }
            Gemm.multiply(m: rows, n: d, k: total, a: scratch, lda: total, b: vf, ldb: d,
                          c: out + h * d, ldc: ldo)
        }
    }

    /// 8 cached values as fp32.
    @inlinable @inline(__always)
    static func load8(_ p: UnsafePointer<KVElement>) -> SIMD8<Float> {
        SIMD8<Float>(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<KVElement>.self))
    }

    /// Converts `count` cached values to fp32.
    @inlinable
    public static func convert(_ x: UnsafePointer<KVElement>, count: Int, into out: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 8 <= count {
            UnsafeMutableRawPointer(out + i).storeBytes(of: load8(x + i), as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { out[i] = Float(x[i]); i += 1 }
    }

    @inlinable @inline(__always)
    static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// Decode (one query row, one head): scores 8 positions per vector from the transposed keys, softmax,
    /// then the weighted sum of values 32 dimensions at a time in registers (BLAS calls on one-row
    /// operands cost more in packing and call overhead than the arithmetic).
    @inlinable
    static func decodeHead(q: UnsafePointer<Float>, keys: UnsafePointer<KVElement>, ldk: Int, values: UnsafePointer<KVElement>,
                           total: Int, headDim d: Int, scale: Float, out: UnsafeMutablePointer<Float>,
                           scores: UnsafeMutablePointer<Float>) {
        var t = 0
        while t + 32 <= total {
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            for i in 0..<d {
                let k = keys + i * ldk + t, qi = SIMD8<Float>(repeating: q[i])
                a0.addProduct(qi, load8(k)); a1.addProduct(qi, load8(k + 8))
                a2.addProduct(qi, load8(k + 16)); a3.addProduct(qi, load8(k + 24))
            }
            store8(a0 * scale, scores + t); store8(a1 * scale, scores + t + 8)
            store8(a2 * scale, scores + t + 16); store8(a3 * scale, scores + t + 24)
            t += 32
        }
        scoreTail(q: q, keys: keys, ldk: ldk, from: t, total: total, headDim: d, scale: scale, scores: scores)
        Softmax.inPlace(scores, count: total)
        var i = 0
        while i + 32 <= d {
            var o0 = SIMD8<Float>(), o1 = SIMD8<Float>(), o2 = SIMD8<Float>(), o3 = SIMD8<Float>()
            for t in 0..<total {
                let v = values + t * d + i, p = SIMD8<Float>(repeating: scores[t])
                o0.addProduct(p, load8(v)); o1.addProduct(p, load8(v + 8))
                o2.addProduct(p, load8(v + 16)); o3.addProduct(p, load8(v + 24))
            }
            store8(o0, out + i); store8(o1, out + i + 8); store8(o2, out + i + 16); store8(o3, out + i + 24)
            i += 32
        }
        valueTail(scores: scores, values: values, total: total, headDim: d, from: i, out: out)
    }

    /// Scores of positions t0 ..< total that the 32-wide loop left: 8 at a time, then one by one.
    @inlinable @inline(__always)
    static func scoreTail(q: UnsafePointer<Float>, keys: UnsafePointer<KVElement>, ldk: Int, from t0: Int, total: Int,
                          headDim d: Int, scale: Float, scores: UnsafeMutablePointer<Float>) {
        var t = t0
        while t + 8 <= total {
            var a0 = SIMD8<Float>()
            for i in 0..<d { a0.addProduct(SIMD8<Float>(repeating: q[i]), load8(keys + i * ldk + t)) }
            store8(a0 * scale, scores + t)
            t += 8
        }
        while t < total {
            var s: Float = 0
            for i in 0..<d { s += q[i] * Float(keys[i * ldk + t]) }
            scores[t] = s * scale
            t += 1
        }
    }

    /// Output dimensions i0 ..< d (a multiple of 8) that the 32-wide loop left, 8 at a time.
    @inlinable @inline(__always)
    static func valueTail(scores: UnsafePointer<Float>, values: UnsafePointer<KVElement>, total: Int, headDim d: Int,
                          from i0: Int, out: UnsafeMutablePointer<Float>) {
        var i = i0
        while i < d {
            var o0 = SIMD8<Float>()
            for t in 0..<total { o0.addProduct(SIMD8<Float>(repeating: scores[t]), load8(values + t * d + i)) }
            store8(o0, out + i)
            i += 8
        }
    }

    /// Decode for two adjacent query heads of one KV head (q and out hold head 0 then head 1, `scores`
    /// has room for 2 · total): in the 32-wide loops every key and value vector is converted from fp16 once
    /// and used by both heads (GQA groups: 3 in SmolLM2, 7 in Qwen2.5-0.5B; perf put the conversions at a
    /// third of decode attention); the short tails run per head. Per head the arithmetic is `decodeHead`'s,
    /// in the same order, so results are identical.
    @inlinable
    static func decodeHeadPair(q: UnsafePointer<Float>, keys: UnsafePointer<KVElement>, ldk: Int, values: UnsafePointer<KVElement>,
                               total: Int, headDim d: Int, scale: Float, out: UnsafeMutablePointer<Float>,
                               scores: UnsafeMutablePointer<Float>) {
        let q1 = q + d, s1 = scores + total, out1 = out + d
        var t = 0
        while t + 32 <= total {
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>(), b3 = SIMD8<Float>()
            for i in 0..<d {
                let k = keys + i * ldk + t, x = SIMD8<Float>(repeating: q[i]), y = SIMD8<Float>(repeating: q1[i])
                let k0 = load8(k), k1 = load8(k + 8), k2 = load8(k + 16), k3 = load8(k + 24)
                a0.addProduct(x, k0); a1.addProduct(x, k1); a2.addProduct(x, k2); a3.addProduct(x, k3)
                b0.addProduct(y, k0); b1.addProduct(y, k1); b2.addProduct(y, k2); b3.addProduct(y, k3)
            }
            store8(a0 * scale, scores + t); store8(a1 * scale, scores + t + 8)
            store8(a2 * scale, scores + t + 16); store8(a3 * scale, scores + t + 24)
            store8(b0 * scale, s1 + t); store8(b1 * scale, s1 + t + 8)
            store8(b2 * scale, s1 + t + 16); store8(b3 * scale, s1 + t + 24)
            t += 32
        }
        scoreTail(q: q, keys: keys, ldk: ldk, from: t, total: total, headDim: d, scale: scale, scores: scores)
        scoreTail(q: q1, keys: keys, ldk: ldk, from: t, total: total, headDim: d, scale: scale, scores: s1)
        Softmax.inPlace(scores, count: total)
        Softmax.inPlace(s1, count: total)
        var i = 0
        while i + 32 <= d {
            var o0 = SIMD8<Float>(), o1 = SIMD8<Float>(), o2 = SIMD8<Float>(), o3 = SIMD8<Float>()
            var p0 = SIMD8<Float>(), p1 = SIMD8<Float>(), p2 = SIMD8<Float>(), p3 = SIMD8<Float>()
            for t in 0..<total {
                let v = values + t * d + i, x = SIMD8<Float>(repeating: scores[t]), y = SIMD8<Float>(repeating: s1[t])
                let v0 = load8(v), v1 = load8(v + 8), v2 = load8(v + 16), v3 = load8(v + 24)
                o0.addProduct(x, v0); o1.addProduct(x, v1); o2.addProduct(x, v2); o3.addProduct(x, v3)
                p0.addProduct(y, v0); p1.addProduct(y, v1); p2.addProduct(y, v2); p3.addProduct(y, v3)
            }
            store8(o0, out + i); store8(o1, out + i + 8); store8(o2, out + i + 16); store8(o3, out + i + 24)
            store8(p0, out1 + i); store8(p1, out1 + i + 8); store8(p2, out1 + i + 16); store8(p3, out1 + i + 24)
            i += 32
        }
        valueTail(scores: scores, values: values, total: total, headDim: d, from: i, out: out)
        valueTail(scores: s1, values: values, total: total, headDim: d, from: i, out: out1)
    }

    /// Reference: q is (rows, heads·d), keys/values are (kvHeads, positions, d); returns (rows, heads·d).
    public static func naive(q: [Float], keys: [Float], values: [Float], positions: Int, startPosition: Int,
                             rows: Int, heads: Int, kvHeads: Int, headDim d: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * heads * d)
        let group = heads / kvHeads
        for r in 0..<rows {
            for h in 0..<heads {
                let kv = h / group
                let visible = startPosition + r + 1
                var scores = [Double](repeating: 0, count: visible)
                for t in 0..<visible {
                    var s = 0.0
                    for i in 0..<d {
                        s += Double(q[r * heads * d + h * d + i]) * Double(keys[(kv * positions + t) * d + i])
                    }
                    scores[t] = s / Double(d).squareRoot()
                }
                let m = scores.max() ?? 0
                let e = scores.map { Foundation.exp($0 - m) }
                let z = e.reduce(0, +)
                for i in 0..<d {
                    var acc = 0.0
                    for t in 0..<visible { acc += e[t] / z * Double(values[(kv * positions + t) * d + i]) }
                    out[r * heads * d + h * d + i] = Float(acc)
                }
            }
        }
        return out
    }
}

// Causal GQA attention with an optional sliding window and an explicit score scale, for gemma3's local
// layers (HF `Gemma3Attention` with `sliding_window`, scale `query_pre_attn_scalar^-0.5`; llama.cpp
// `llama_hparams::is_masked_swa`, LLAMA_SWA_TYPE_STANDARD). The query at position p sees key position t
// iff t ≤ p and p - t < window, i.e. the last `window` positions including itself; without a window it
// is plain causal attention. Kept apart from `CausalAttention` (whose scale is fixed at 1/√d) so the two
// kernels evolve independently. Prompt chunks run two sgemms per head over only the key span the rows
// can see; decode (one row) runs an 8-lane SIMD loop over that span. The cache is the engine's fp16 one
// with keys transposed (see `CausalAttention`); the visible span is first converted to fp32 scratch in
// (positions, headDim) order for both keys and values. A naive Double reference sits beside it.
import Foundation

/// Attention of consecutive positions of one sequence against its cached keys/values, windowed or not.
public enum WindowedAttention {
    /// The first key position the query at `position` may read.
    @inlinable @inline(__always)
    public static func firstVisible(position: Int, window: Int?) -> Int {
        guard let window else { return 0 }
        return max(0, position - window + 1)
    }

    /// Scratch floats `forwardGroup` needs for `rows` rows ending at `startPosition + rows`.
    public static func scratchCount(rows: Int, startPosition: Int, groupSize: Int, headDim: Int, window: Int?) -> Int {
        let span = startPosition + rows - firstVisible(position: startPosition, window: window)
        return max(rows, groupSize) * max(span, 1) + 2 * headDim * max(span, 1)
    }

    /// fp32 copies of the visible span `lo ..< lo + span` of a cached KV head: keys from their transposed
    /// (headDim, ldk) layout into (span, headDim), values as stored.
    @inlinable
    static func gather(keys: UnsafePointer<KVElement>, ldk: Int, values: UnsafePointer<KVElement>, lo: Int, span: Int,
                       headDim d: Int, keysOut: UnsafeMutablePointer<Float>, valuesOut: UnsafeMutablePointer<Float>) {
        for i in 0..<d {
            let row = keys + i * ldk + lo
            for t in 0..<span { keysOut[t * d + i] = Float(row[t]) }
        }
        CausalAttention.convert(values + lo * d, count: span * d, into: valuesOut)
    }

    /// Attention for the query heads `firstHead ..< firstHead + groupSize`, which share one KV head.
    /// - q: `rows` rows (stride `ldq`); head h of row r is at `q + r·ldq + h·headDim`.
    /// - keys: the KV head's cached keys transposed, dimension i of position t at `keys[i·ldk + t]`;
    ///   values: (positions, headDim) contiguous. Both hold at least `startPosition + rows` positions
    ///   (this chunk's keys already written).
    /// - scale: multiplies q·k before the softmax.
    /// - out: like q (stride `ldo`). Row r is at position `startPosition + r`.
    @inlinable
    public static func forwardGroup(
        q: UnsafePointer<Float>, ldq: Int, keys cachedKeys: UnsafePointer<KVElement>, ldk: Int,
        values cachedValues: UnsafePointer<KVElement>,
        startPosition: Int, rows: Int, headDim d: Int, firstHead: Int, groupSize: Int, scale: Float, window: Int?,
        out: UnsafeMutablePointer<Float>, ldo: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        guard rows > 0 else { return }
        let lo = firstVisible(position: startPosition, window: window), total = startPosition + rows
        let span = total - lo
        // Scores first, then the fp32 keys and values of the span (indexed from `lo`).
        let keys = scratch + max(rows, groupSize) * span, values = keys + span * d
        gather(keys: cachedKeys, ldk: ldk, values: cachedValues, lo: lo, span: span, headDim: d,
               keysOut: keys, valuesOut: values)
        if rows == 1 && d % 8 == 0 && groupSize <= 8 {
            decodeGroup(q: q + firstHead * d, keys: keys, values: values, count: span, headDim: d,
                        groupSize: groupSize, scale: scale, out: out + firstHead * d, scratch: scratch)
            return
        }
        for h in firstHead..<(firstHead + groupSize) {
            Gemm.multiplyTransposed(m: rows, n: span, k: d, a: q + h * d, lda: ldq, b: keys, ldb: d,
                                    c: scratch, ldc: span, alpha: scale)
            for r in 0..<rows {
                let row = scratch + r * span
                let p = startPosition + r
                let first = firstVisible(position: p, window: window) - lo, end = p + 1 - lo
                if first > 0 { row.initialize(repeating: 0, count: first) }
                Softmax.inPlace(row + first, count: end - first)
                if end < span { (row + end).initialize(repeating: 0, count: span - end) }
            }
            Gemm.multiply(m: rows, n: d, k: span, a: scratch, lda: span, b: values, ldb: d,
                          c: out + h * d, ldc: ldo)
        }
    }

    /// Decode (one query row) over `count` visible keys: the group's heads read each key and value once.
    @inlinable
    static func decodeGroup(q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, count: Int,
                            headDim d: Int, groupSize: Int, scale: Float, out: UnsafeMutablePointer<Float>,
                            scratch: UnsafeMutablePointer<Float>) {
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
            UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
        }
        for t in 0..<count {
            let k = keys + t * d
            for g in 0..<groupSize {
                let qh = q + g * d
                var acc = SIMD8<Float>()
                var i = 0
                while i < d { acc += load(qh + i) * load(k + i); i += 8 }
                scratch[g * count + t] = acc.sum() * scale
            }
        }
        for g in 0..<groupSize { Softmax.inPlace(scratch + g * count, count: count) }
        for g in 0..<groupSize { (out + g * d).update(repeating: 0, count: d) }
        for t in 0..<count {
            let v = values + t * d
            for g in 0..<groupSize {
                let p = SIMD8<Float>(repeating: scratch[g * count + t]), o = out + g * d
                var i = 0
                while i < d {
                    let r = UnsafeMutableRawPointer(o + i)
                    r.storeBytes(of: r.loadUnaligned(as: SIMD8<Float>.self) + p * load(v + i), as: SIMD8<Float>.self)
                    i += 8
                }
            }
        }
    }

    /// Reference: q is (rows, heads·d), keys/values are (kvHeads, positions, d); returns (rows, heads·d).
    public static func naive(q: [Float], keys: [Float], values: [Float], positions: Int, startPosition: Int,
                             rows: Int, heads: Int, kvHeads: Int, headDim d: Int, scale: Double,
                             window: Int?) -> [Float] {
        var out = [Float](repeating: 0, count: rows * heads * d)
        let group = heads / kvHeads
        for r in 0..<rows {
            let p = startPosition + r
            for h in 0..<heads {
                let kv = h / group
                // Visible: t ≤ p and (no window or p - t < window).
                let visible = (0...p).filter { t in window.map { p - t < $0 } ?? true }
                let scores = visible.map { t -> Double in
                    var s = 0.0
                    for i in 0..<d { s += Double(q[r * heads * d + h * d + i]) * Double(keys[(kv * positions + t) * d + i]) }
                    return s * scale
                }
                let m = scores.max() ?? 0
                let e = scores.map { Foundation.exp($0 - m) }
                let z = e.reduce(0, +)
                for i in 0..<d {
                    var acc = 0.0
                    for (j, t) in visible.enumerated() { acc += e[j] / z * Double(values[(kv * positions + t) * d + i]) }
                    out[r * heads * d + h * d + i] = Float(acc)
                }
            }
        }
        return out
    }
}

// Causal scaled-dot-product attention with grouped-query heads (GQA, Ainslie et al. 2023) over a
// KV cache, as HF `LlamaAttention` with `repeat_kv`: query head h reads KV head h / (heads / kvHeads).
// The fast kernel runs two sgemms per head (scores, then scores · V); decode (one row) runs an
// 8-lane SIMD loop that reads each cached key/value once for the whole GQA group. The naive kernel beside it loops in Double.
import Foundation

/// Attention of a chunk of consecutive positions of one sequence against its cached keys/values.
public enum CausalAttention {
    /// Scratch floats `forwardGroup` needs for `rows` rows ending at `startPosition + rows`.
    public static func scratchCount(rows: Int, startPosition: Int, groupSize: Int) -> Int {
        max(rows, groupSize) * (startPosition + rows)
    }

    /// Attention for the query heads `firstHead ..< firstHead + groupSize`, which share one KV head.
    /// - q: `rows` rows (stride `ldq`); head h of row r is at `q + r·ldq + h·headDim`.
    /// - keys, values: the KV head's cache, (positions, headDim) contiguous, holding at least
    ///   `startPosition + rows` positions (this chunk's keys already written).
    /// - out: like q (stride `ldo`). Row r sees positions `0 ... startPosition + r`.
    @inlinable
    public static func forwardGroup(
        q: UnsafePointer<Float>, ldq: Int, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
        startPosition: Int, rows: Int, headDim d: Int, firstHead: Int, groupSize: Int,
        out: UnsafeMutablePointer<Float>, ldo: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        let total = startPosition + rows
        let scale = 1 / Float(d).squareRoot()
        if rows == 1 && d % 8 == 0 && groupSize <= 8 {
            decodeGroup(q: q + firstHead * d, keys: keys, values: values, total: total, headDim: d,
                        groupSize: groupSize, scale: scale, out: out + firstHead * d, scratch: scratch)
            return
        }
        for h in firstHead..<(firstHead + groupSize) {
            Gemm.multiplyTransposed(m: rows, n: total, k: d, a: q + h * d, lda: ldq, b: keys, ldb: d,
                                    c: scratch, ldc: total, alpha: scale)
            for r in 0..<rows {
                let row = scratch + r * total
                let visible = startPosition + r + 1
                Softmax.inPlace(row, count: visible)
                if visible < total { (row + visible).initialize(repeating: 0, count: total - visible) }
            }
            Gemm.multiply(m: rows, n: d, k: total, a: scratch, lda: total, b: values, ldb: d,
                          c: out + h * d, ldc: ldo)
        }
    }

    /// Decode (one query row): the group's heads read each cached key and value once, in 8-lane SIMD
    /// (BLAS calls on 1–3 row operands cost more in packing and call overhead than the arithmetic).
    @inlinable
    static func decodeGroup(q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, total: Int,
                            headDim d: Int, groupSize: Int, scale: Float, out: UnsafeMutablePointer<Float>,
                            scratch: UnsafeMutablePointer<Float>) {
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
            UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
        }
        for t in 0..<total {
            let k = keys + t * d
            for g in 0..<groupSize {
                let qh = q + g * d
                var acc = SIMD8<Float>()
                var i = 0
                while i < d { acc += load(qh + i) * load(k + i); i += 8 }
                scratch[g * total + t] = acc.sum() * scale
            }
        }
        for g in 0..<groupSize { Softmax.inPlace(scratch + g * total, count: total) }
        out.update(repeating: 0, count: groupSize * d)
        for t in 0..<total {
            let v = values + t * d
            for g in 0..<groupSize {
                let p = SIMD8<Float>(repeating: scratch[g * total + t]), o = out + g * d
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

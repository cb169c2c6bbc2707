// Compact weights for the decode path: int8 blocks of 32 values with one fp32 scale each, llama.cpp's
// Q8_0 (`quantize_row_q8_0`: d = max|x| / 127, q = round(x / d)). A (rows, cols) weight takes
// cols + cols/8 bytes per row instead of 4·cols, so a memory-bound decode step reads 3.8× fewer bytes.
// Activations are quantised the same way per row just before each product (`Q8Gemm`), as llama.cpp
// does for its Q8_0 / Q4_x dot products.

/// A row-major (rows, cols) matrix stored as Q8_0 blocks; `cols` is a multiple of 32.
public struct Q8Matrix: Sendable {
    /// Values per block (one scale each).
    public static let blockSize = 32
    public let rows: Int
    public let cols: Int
    /// rows × cols int8 values, row-major.
    public let quants: [Int8]
    /// rows × (cols / 32) scales: block b of row r is `quants[r·cols + 32b ..< +32] · scales[r·cols/32 + b]`.
    public let scales: [Float]
    /// rows × (cols / 32) values −16 · Σ q over each block, used only by the AVX-512 VNNI kernel
    /// (`Q8Gemm+VNNI.swift`; empty in other builds): that kernel feeds activations as x + 128 (unsigned, as
    /// vpdpbusd requires) and starts each of a block's 8 int32 lanes at this value, so the lanes sum to
    /// Σ x·q exactly (8 · −16 · Σq = −128 · Σq).
    public let offsetCorrections: [Int32]

    /// Quantises a row-major fp32 matrix; nil when `cols` is not a multiple of 32 (callers keep fp32 then).
    public init?(_ values: UnsafePointer<Float>, rows: Int, cols: Int) {
        guard cols > 0, cols % Self.blockSize == 0, rows > 0 else { return nil }
        self.rows = rows; self.cols = cols
        let blocks = cols / Self.blockSize
        var s = [Float](repeating: 0, count: rows * blocks)
        quants = [Int8](unsafeUninitializedCapacity: rows * cols) { q, n in
            s.withUnsafeMutableBufferPointer { sp in
                for r in 0..<rows {
                    Q8Gemm.quantizeActivations(values + r * cols, lda: cols, rows: 1, cols: cols,
                                               quants: q.baseAddress! + r * cols, scales: sp.baseAddress! + r * blocks)
                }
            }
            n = rows * cols
        }
        scales = s
        #if R1AUDIT_AVX512VNNI
        offsetCorrections = quants.withUnsafeBufferPointer { Self.offsetCorrections($0.baseAddress!, count: rows * cols) }
        #else
        offsetCorrections = []
        #endif
    }

    #if R1AUDIT_AVX512VNNI
    /// −16 · Σ q for each block of 32 of `count` values (see `offsetCorrections`).
    static func offsetCorrections(_ q: UnsafePointer<Int8>, count: Int) -> [Int32] {
        (0..<(count / blockSize)).map { b in
            var sum: Int32 = 0
            for i in 0..<blockSize { sum &+= Int32(q[b * blockSize + i]) }
            return -16 &* sum
        }
    }
    #endif

    /// Quantises a row-major fp32 array of `rows × cols`; nil as above or when the count is wrong.
    public init?(_ values: [Float], rows: Int, cols: Int) {
        guard values.count == rows * cols else { return nil }
        guard let m = values.withUnsafeBufferPointer({ Q8Matrix($0.baseAddress!, rows: rows, cols: cols) }) else { return nil }
        self = m
    }

    /// Bytes held (quants and scales).
    public var byteCount: Int { quants.count + 4 * scales.count }

    /// Q8_0 quantisation of `count` (a multiple of 32) values, one scale per block of 32 (scalar
    /// reference; `Q8Gemm.quantizeActivations` is the vectorised twin used on the hot path).
    @inlinable
    public static func quantizeRow(_ x: UnsafePointer<Float>, count: Int, quants q: UnsafeMutablePointer<Int8>,
                                   scales s: UnsafeMutablePointer<Float>) {
        for b in 0..<(count / blockSize) {
            let xb = x + b * blockSize
            var amax: Float = 0
            for i in 0..<blockSize { amax = max(amax, abs(xb[i])) }
            let d = amax / 127, id: Float = d > 0 ? 1 / d : 0
            s[b] = d
            // Through Int32: Int8(Float) went through a generic, per-element library conversion.
            for i in 0..<blockSize { q[b * blockSize + i] = Int8(truncatingIfNeeded: Int32((xb[i] * id).rounded(.toNearestOrEven))) }
        }
    }

    /// Writes rows `first ..< first + count` back as fp32 into `out` (row stride `cols`).
    public func dequantize(rows first: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
        quants.withUnsafeBufferPointer { q in
            scales.withUnsafeBufferPointer { s in
                Self.dequantize(q.baseAddress! + first * cols, scales: s.baseAddress! + first * (cols / Self.blockSize),
                                count: count * cols, into: out)
            }
        }
    }

    /// `count` (a multiple of 32) Q8_0 values back to fp32: 8 at a time (vpmovsxbd + vcvtdq2ps with AVX2).
    @inlinable
    public static func dequantize(_ q: UnsafePointer<Int8>, scales s: UnsafePointer<Float>, count: Int,
                                  into out: UnsafeMutablePointer<Float>) {
        for b in 0..<(count / blockSize) {
            let d = s[b], qb = q + b * blockSize, ob = out + b * blockSize
            let dv = SIMD8<Float>(repeating: d)
            for j in stride(from: 0, to: blockSize, by: 8) {
                let bytes = UnsafeRawPointer(qb + j).loadUnaligned(as: SIMD8<Int8>.self)
                UnsafeMutableRawPointer(ob + j).storeBytes(of: SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: bytes)) * dv,
                                                           as: SIMD8<Float>.self)
            }
        }
    }
}

// Compact weights for the decode path: int8 blocks of 32 values with one fp32 scale each, llama.cpp's
// Q8_0 (`quantize_row_q8_0`: d = max|x| / 127, q = round(x / d)). A (rows, cols) weight takes
// cols + cols/8 bytes per row instead of 4·cols, so a memory-bound decode step reads 3.8× fewer bytes.
// Activations are quantised the same way per row just before each product (`Q8Gemm`), as llama.cpp
// does for its Q8_0 / Q4_x dot products.

/// A (rows, cols) matrix stored as Q8_0 blocks; `cols` is a multiple of 32.
///
/// Portable and AVX2 builds keep the quants row-major. AVX-512 VNNI builds keep them in column panels
/// (`panelWidth` weight rows interleaved 4 bytes at a time, each byte stored as q + 128) so that one
/// vpdpbusd multiplies 4 activation bytes, broadcast, by the same 4 positions of 16 weight rows and its 16
/// int32 lanes end a block as 16 complete block dot products (`Q8Gemm+VNNI.swift`). Read single values
/// through `quant(_:_:)` and `scale(_:block:)`, which know the layout.
public struct Q8Matrix: Sendable {
    /// Values per block (one scale each).
    public static let blockSize = 32
    #if R1AUDIT_AVX512VNNI
    /// Weight rows per panel in the VNNI layout (one 512-bit register of int32 lanes).
    public static let panelWidth = 16
    #endif
    public let rows: Int
    public let cols: Int
    /// The int8 values: row-major (rows × cols), or in VNNI builds `panels` panels of 16 rows, each
    /// cols / 4 groups of 64 bytes (row j's 4 bytes at 4j), holding q + 128 read as unsigned; the rows
    /// that pad the last panel hold 0 (stored 128).
    public let quants: [Int8]
    /// The fp32 block scales: row-major (rows × cols/32), or in VNNI builds per panel, block by block,
    /// 16 per block (the panel's rows in order).
    public let scales: [Float]

    /// Quantises a row-major fp32 matrix; nil when `cols` is not a multiple of 32 (callers keep fp32 then).
    public init?(_ values: UnsafePointer<Float>, rows: Int, cols: Int) {
        guard cols > 0, cols % Self.blockSize == 0, rows > 0 else { return nil }
        self.rows = rows; self.cols = cols
        let blocks = cols / Self.blockSize
        var s = [Float](repeating: 0, count: rows * blocks)
        let q = [Int8](unsafeUninitializedCapacity: rows * cols) { q, n in
            s.withUnsafeMutableBufferPointer { sp in
                for r in 0..<rows {
                    Q8Gemm.quantizeActivations(values + r * cols, lda: cols, rows: 1, cols: cols,
                                               quants: q.baseAddress! + r * cols, scales: sp.baseAddress! + r * blocks)
                }
            }
            n = rows * cols
        }
        #if R1AUDIT_AVX512VNNI
        (quants, scales) = Self.panelLayout(quants: q, scales: s, rows: rows, cols: cols)
        #else
        (quants, scales) = (q, s)
        #endif
    }

    /// Panels of the number of rows, rounded up (VNNI builds; 0 otherwise).
    public var panels: Int {
        #if R1AUDIT_AVX512VNNI
        (rows + Self.panelWidth - 1) / Self.panelWidth
        #else
        0
        #endif
    }

    /// The quantised value at (row, col), whatever the layout.
    @inlinable
    public func quant(_ r: Int, _ c: Int) -> Int8 {
        #if R1AUDIT_AVX512VNNI
        Int8(bitPattern: UInt8(bitPattern: quants[Self.panelOffset(r, c, cols: cols)]) ^ 0x80)
        #else
        quants[r * cols + c]
        #endif
    }

    /// The scale of block b of row r, whatever the layout.
    @inlinable
    public func scale(_ r: Int, block b: Int) -> Float {
        #if R1AUDIT_AVX512VNNI
        scales[Self.panelScaleOffset(r, b, blocks: cols / Self.blockSize)]
        #else
        scales[r * (cols / Self.blockSize) + b]
        #endif
    }

    #if R1AUDIT_AVX512VNNI
    /// Where (r, c) lives in the panel layout.
    @inlinable
    static func panelOffset(_ r: Int, _ c: Int, cols: Int) -> Int {
        (r / panelWidth) * panelWidth * cols + (c / 4) * (4 * panelWidth) + (r % panelWidth) * 4 + c % 4
    }

    /// Where the scale of block b of row r lives in the panel layout.
    @inlinable
    static func panelScaleOffset(_ r: Int, _ b: Int, blocks: Int) -> Int {
        (r / panelWidth) * panelWidth * blocks + b * panelWidth + r % panelWidth
    }

    /// Row-major quants and scales rearranged into panels (see `quants`).
    static func panelLayout(quants q: [Int8], scales s: [Float], rows: Int, cols: Int) -> ([Int8], [Float]) {
        let blocks = cols / blockSize, panels = (rows + panelWidth - 1) / panelWidth
        var pq = [Int8](repeating: Int8(bitPattern: 0x80), count: panels * panelWidth * cols)
        var ps = [Float](repeating: 0, count: panels * panelWidth * blocks)
        for r in 0..<rows {
            for c in 0..<cols { pq[panelOffset(r, c, cols: cols)] = Int8(bitPattern: UInt8(bitPattern: q[r * cols + c]) ^ 0x80) }
            for b in 0..<blocks { ps[panelScaleOffset(r, b, blocks: blocks)] = s[r * blocks + b] }
        }
        return (pq, ps)
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
        #if R1AUDIT_AVX512VNNI
        // One row of a panel is 4 bytes in every 64: gathered here, off the hot path (embedding lookups of
        // a tied table, the panel/sgemm path, tests).
        for r in first..<(first + count) {
            for c in 0..<cols { out[(r - first) * cols + c] = Float(quant(r, c)) * scale(r, block: c / Self.blockSize) }
        }
        #else
        quants.withUnsafeBufferPointer { q in
            scales.withUnsafeBufferPointer { s in
                Self.dequantize(q.baseAddress! + first * cols, scales: s.baseAddress! + first * (cols / Self.blockSize),
                                count: count * cols, into: out)
            }
        }
        #endif
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

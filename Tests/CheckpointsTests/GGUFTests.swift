// Tests of the GGUF reader/writer and dequantisation (llama.cpp ggml-quants.c semantics).
import Foundation
import Testing
@testable import Checkpoints
import Tensors

/// A fresh temporary directory per call.
func temporaryDirectory() throws -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}

/// Seeded pseudo-random values in [-scale, scale] (SplitMix64-style, no Foundation randomness).
func seededValues(_ n: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var s = seed
    return (0..<n).map { _ in
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Float(z >> 40) / Float(1 << 24) * 2 - 1) * scale
    }
}

@Suite("GGUF")
struct GGUFTests {
    @Test func f32RoundTripIsBitExactWithMetadata() throws {
        let dir = try temporaryDirectory()
        let a = try Tensor(shape: [3, 64], storage: seededValues(192, seed: 1))
        let b = try Tensor(shape: [5], storage: [1, -2, .pi, 1e-30, -0.0])
        var w = GGUFWriter()
        w.set("general.architecture", .string("llama"))
        w.set("llama.block_count", .uint32(2))
        w.set("x.f", .float32(0.5)); w.set("x.b", .bool(true)); w.set("x.i64", .int64(-7))
        w.set("tokenizer.ggml.tokens", .array([.string("a"), .string("é"), .string("")]))
        w.set("x.ints", .array([.int32(1), .int32(-2)]))
        try w.add("a", a); try w.add("b", b)
        let url = dir.appendingPathComponent("t.gguf")
        try w.write(to: url)
        let f = try GGUFFile(url: url)
        #expect(f.version == 3)
        #expect(f.architecture == "llama")
        #expect(f.int("llama.block_count") == 2)
        #expect(f.metadata["x.f"] == .float32(0.5))
        #expect(f.metadata["x.b"]?.bool == true)
        #expect(f.metadata["x.i64"]?.int == -7)
        #expect(f.metadata["tokenizer.ggml.tokens"]?.stringArray == ["a", "é", ""])
        #expect(f.metadata["x.ints"]?.intArray == [1, -2])
        #expect(f.metadataKeys.first == "general.architecture")
        #expect(f.info("a")?.dimensions == [64, 3])
        #expect(f.info("a")?.offset ?? 1 % 32 == 0)
        let ra = try f.dequantize("a"), rb = try f.dequantize("b")
        #expect(ra.shape == [3, 64])
        #expect(ra.storage.map(\.bitPattern) == a.storage.map(\.bitPattern))
        #expect(rb.storage.map(\.bitPattern) == b.storage.map(\.bitPattern))
        #expect(try f.rawBytes("b").count == 20)
    }

    /// Worst-case error of one element after quantisation, relative to the block's max magnitude.
    static let bounds: [(GGMLType, Float)] = [
        (.f16, 1e-3), (.bf16, 8e-3), (.q8_0, 1.0 / 127), (.q4_0, 1.0 / 8), (.q4_1, 1.0 / 15), (.q5_0, 1.0 / 16), (.q4_K, 2.0 / 15),
    ]

    @Test(arguments: bounds)
    func quantiseThenDequantiseStaysWithinTheBlockBound(type: GGMLType, relative: Float) throws {
        let n = 512
        let x = seededValues(n, seed: UInt64(type.rawValue) + 10, scale: 3)
        let bytes = try Quantize.quantize(type, x)
        #expect(bytes.count == type.byteCount(elements: n))
        let y = try bytes.withUnsafeBytes { try Dequantize.values(type, $0, count: n) }
        let bs = max(type.blockSize, 32)
        for blk in 0..<(n / bs) {
            let r = (blk * bs)..<((blk + 1) * bs)
            let block = Array(x[r])
            let amax: Float = block.map { abs($0) }.max() ?? 0
            let hi: Float = block.max() ?? 0
            let lo: Float = min(0, block.min() ?? 0)
            let bound: Float = relative * max(amax, hi - lo) * 1.05 + 1e-6
            for i in r { #expect(abs(x[i] - y[i]) <= bound, "\(type) element \(i): \(x[i]) → \(y[i]), bound \(bound)") }
        }
    }

    @Test func quantisedTensorsRoundTripThroughTheWriter() throws {
        let dir = try temporaryDirectory()
        var w = GGUFWriter()
        let x = try Tensor(shape: [2, 256], storage: seededValues(512, seed: 3))
        for t in [GGMLType.f16, .q8_0, .q4_0, .q4_1, .q4_K] { try w.add("w.\(t)", x, as: t) }
        let url = dir.appendingPathComponent("q.gguf")
        try w.write(to: url)
        let f = try GGUFFile(url: url)
        for t in [GGMLType.f16, .q8_0, .q4_0, .q4_1, .q4_K] {
            let info = try #require(f.info("w.\(t)"))
            #expect(info.type == t)
            let direct = try Quantize.quantize(t, x.storage).withUnsafeBytes { try Dequantize.values(t, $0, count: 512) }
            #expect(try f.dequantize("w.\(t)").storage == direct)
        }
    }

    @Test func handCheckedQ8_0Block() throws {
        var block: [UInt8] = [0x00, 0x38]  // fp16 0.5
        block += (0..<32).map { (j: Int) -> UInt8 in UInt8(bitPattern: Int8(j - 16)) }
        let y = try block.withUnsafeBytes { try Dequantize.values(.q8_0, $0, count: 32) }
        let want: [Float] = (0..<32).map { (j: Int) -> Float in Float(j - 16) * 0.5 }
        #expect(y == want)
    }

    @Test func handCheckedQ4_0AndQ4_1Blocks() throws {
        // d = 2.0 (0x4000); byte j = lo | hi << 4 with lo = j, hi = 15 - j
        let qs: [UInt8] = (0..<16).map { (j: Int) -> UInt8 in UInt8(j) | (UInt8(15 - j) << 4) }
        let y0 = try ([0x00, 0x40] + qs).withUnsafeBytes { try Dequantize.values(.q4_0, $0, count: 32) }
        let lo: [Float] = (0..<16).map { (j: Int) -> Float in Float(j - 8) * 2 }
        let hi: [Float] = (0..<16).map { (j: Int) -> Float in Float(7 - j) * 2 }
        #expect(Array(y0[0..<16]) == lo)
        #expect(Array(y0[16..<32]) == hi)
        // q4_1 with d = 1.0 (0x3C00), m = -1.5 (0xBE00)
        let y1 = try ([0x00, 0x3C, 0x00, 0xBE] + qs).withUnsafeBytes { try Dequantize.values(.q4_1, $0, count: 32) }
        #expect(y1[0] == -1.5)
        #expect(y1[15] == 13.5)
        #expect(y1[16] == 13.5)
        #expect(y1[31] == -1.5)
    }

    @Test func handCheckedQ5_0Block() throws {
        // d = 1, every element 5-bit value 17 for the first half (bit 4 set), 3 for the second: y = q - 16
        let qh: UInt32 = 0x0000_FFFF
        var b: [UInt8] = [0x00, 0x3C]
        withUnsafeBytes(of: qh.littleEndian) { b += $0 }
        b += [UInt8](repeating: 0x31, count: 16)  // lo = 1, hi = 3
        let y = try b.withUnsafeBytes { try Dequantize.values(.q5_0, $0, count: 32) }
        #expect([y[0], y[15], y[16], y[31]] == [1, 1, -13, -13])
    }

    @Test func handCheckedQ6_KBlock() throws {
        // ql = 0x21 (lo 1, hi 2), qh = 0 → q1 = 1-32, q3 = 2-32; scales all 2; d = 0.5 → y = 0.5*2*q
        var b = [UInt8](repeating: 0x21, count: 128) + [UInt8](repeating: 0, count: 64) + [UInt8](repeating: 2, count: 16)
        b += [0x00, 0x38]
        let y = try b.withUnsafeBytes { try Dequantize.values(.q6_K, $0, count: 256) }
        #expect([y[0], y[32], y[64], y[96], y[255]] == [-31, -31, -30, -30, -30])
    }

    @Test func truncatedFilesNameWhatIsMissing() throws {
        let dir = try temporaryDirectory()
        var w = GGUFWriter()
        w.set("general.architecture", .string("llama"))
        try w.add("tok_embd.weight", Tensor(shape: [4, 32], storage: seededValues(128, seed: 4)), as: .q8_0)
        let full = w.serialized()
        for cut in [3, 10, 30, 60, full.count - 40] {
            let url = dir.appendingPathComponent("cut\(cut).gguf")
            try Data(full[0..<cut]).write(to: url)
            #expect {
                _ = try GGUFFile(url: url)
            } throws: { error in
                guard case let .truncated(file, what, _, _, _) = error as? CheckpointError else { return false }
                return file == "cut\(cut).gguf" && (cut < full.count - 40 || what.contains("tok_embd.weight"))
            }
        }
    }

    @Test func corruptHeadersGiveTypedErrors() throws {
        let dir = try temporaryDirectory()
        var w = GGUFWriter()
        w.set("k", .uint32(1))
        var bytes = w.serialized()
        let bad = dir.appendingPathComponent("bad.gguf")
        bytes[0] = 0x58
        try Data(bytes).write(to: bad)
        #expect(throws: CheckpointError.badMagic(file: "bad.gguf", found: 0x4655_4758)) { try GGUFFile(url: bad) }
        bytes[0] = 0x47; bytes[4] = 7
        try Data(bytes).write(to: bad)
        #expect(throws: CheckpointError.unsupportedVersion(file: "bad.gguf", version: 7)) { try GGUFFile(url: bad) }
        bytes[4] = 3
        bytes[16] = 0xFF; bytes[23] = 0x7F  // absurd metadata count
        try Data(bytes).write(to: bad)
        #expect { try GGUFFile(url: bad) } throws: { ($0 as? CheckpointError).map { if case .truncated = $0 { true } else { false } } ?? false }
        #expect(throws: CheckpointError.fileNotFound(path: dir.appendingPathComponent("none.gguf").path)) {
            try GGUFFile(url: dir.appendingPathComponent("none.gguf"))
        }
    }

    @Test func unknownTensorIsAnError() throws {
        let dir = try temporaryDirectory()
        var w = GGUFWriter()
        try w.add("a", Tensor(shape: [32], storage: seededValues(32, seed: 5)))
        let url = dir.appendingPathComponent("u.gguf")
        try w.write(to: url)
        let f = try GGUFFile(url: url)
        #expect(throws: CheckpointError.tensorNotFound(file: "u.gguf", tensor: "b")) { try f.dequantize("b") }
    }
}

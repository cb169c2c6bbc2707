// A GGUF v3 writer (alignment 32), the inverse of GGUFFile; follows llama.cpp ggml/src/gguf.cpp
// (gguf_write_to_buf) and gguf-py's GGUFWriter: header, metadata, tensor infos, padding, aligned data.
import Foundation
import Tensors

/// Builds a GGUF file in memory and writes it out. Used by tests and tiny-model fixtures.
public struct GGUFWriter: Sendable {
    /// Metadata in insertion order.
    public private(set) var metadata: [(key: String, value: GGUFValue)] = []
    private var tensorEntries: [(name: String, dims: [Int], type: GGMLType, bytes: [UInt8])] = []
    /// Data alignment (`general.alignment`), 32 by default.
    public let alignment = 32

    /// An empty writer.
    public init() {}

    /// Sets (or replaces) a metadata value.
    public mutating func set(_ key: String, _ value: GGUFValue) {
        if let i = metadata.firstIndex(where: { $0.key == key }) { metadata[i].value = value } else { metadata.append((key, value)) }
    }

    /// Adds `tensor` (PyTorch order, outermost first) quantised to `type` (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q4_K).
    /// The innermost dimension must be a multiple of the type's block size.
    public mutating func add(_ name: String, _ tensor: Tensor, as type: GGMLType = .f32) throws {
        guard !tensorEntries.contains(where: { $0.name == name }) else {
            throw CheckpointError.invalidTensor(file: "<writer>", tensor: name, reason: "added twice")
        }
        guard !tensor.shape.isEmpty, tensor.shape.count <= 4 else {
            throw CheckpointError.invalidTensor(file: "<writer>", tensor: name, reason: "GGUF tensors have 1…4 dimensions, got \(tensor.shape)")
        }
        let dims = Array(tensor.shape.reversed())
        guard dims[0] % type.blockSize == 0 else {
            throw CheckpointError.cannotQuantize(type: type.description, count: dims[0],
                                                 reason: "tensor '\(name)' row length is not a multiple of \(type.blockSize)")
        }
        tensorEntries.append((name, dims, type, try Quantize.quantize(type, tensor.storage)))
    }

    /// Adds already-encoded bytes for a tensor with GGML-order `dimensions`.
    public mutating func addRaw(_ name: String, dimensions: [Int], type: GGMLType, bytes: [UInt8]) throws {
        guard let n = type.byteCount(elements: dimensions.reduce(1, *)), n == bytes.count else {
            throw CheckpointError.invalidTensor(file: "<writer>", tensor: name, reason: "\(bytes.count) bytes do not hold \(dimensions) of \(type)")
        }
        tensorEntries.append((name, dimensions, type, bytes))
    }

    /// The complete file contents.
    public func serialized() -> [UInt8] {
        var out = [UInt8]()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        func str(_ s: String) { let b = Array(s.utf8); u64(UInt64(b.count)); out += b }
        func value(_ v: GGUFValue) {
            switch v {
            case let .uint8(x): out.append(x)
            case let .int8(x): out.append(UInt8(bitPattern: x))
            case let .uint16(x): withUnsafeBytes(of: x.littleEndian) { out += $0 }
            case let .int16(x): withUnsafeBytes(of: x.littleEndian) { out += $0 }
            case let .uint32(x): u32(x)
            case let .int32(x): withUnsafeBytes(of: x.littleEndian) { out += $0 }
            case let .float32(x): u32(x.bitPattern)
            case let .bool(x): out.append(x ? 1 : 0)
            case let .string(s): str(s)
            case let .array(a):
                u32(a.first?.typeID ?? 8); u64(UInt64(a.count))
                for e in a { value(e) }
            case let .uint64(x): u64(x)
            case let .int64(x): withUnsafeBytes(of: x.littleEndian) { out += $0 }
            case let .float64(x): u64(x.bitPattern)
            }
        }
        u32(0x4655_4747); u32(3)
        u64(UInt64(tensorEntries.count)); u64(UInt64(metadata.count))
        for (k, v) in metadata { str(k); u32(v.typeID); value(v) }
        var offset = 0
        var offsets = [Int]()
        for t in tensorEntries {
            offsets.append(offset)
            offset += (t.bytes.count + alignment - 1) / alignment * alignment
        }
        for (t, off) in zip(tensorEntries, offsets) {
            str(t.name); u32(UInt32(t.dims.count))
            for d in t.dims { u64(UInt64(d)) }
            u32(t.type.rawValue); u64(UInt64(off))
        }
        func pad() { while out.count % alignment != 0 { out.append(0) } }
        pad()
        for t in tensorEntries { out += t.bytes; pad() }
        return out
    }

    /// Writes the file atomically to `url`.
    public func write(to url: URL) throws {
        do { try Data(serialized()).write(to: url, options: .atomic) } catch {
            throw CheckpointError.writeFailed(path: url.path, reason: error.localizedDescription)
        }
    }
}

// A memory-mapped GGUF (v2/v3) reader. Follows llama.cpp ggml/src/gguf.cpp (gguf_init_from_file_impl):
// header, key/value metadata, tensor infos, alignment padding, then the tensor data; each count and length
// is checked against the bytes left before anything is allocated.
import Foundation
import Tensors

/// One tensor's entry in a GGUF tensor table.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The GGUF tensor name, e.g. `blk.0.attn_q.weight`.
    public let name: String
    /// GGML order: `ne0` (innermost, contiguous) first. A (out, in) matrix is `[in, out]`.
    public let dimensions: [Int]
    /// Element type.
    public let type: GGMLType
    /// Offset of the data from the start of the data section.
    public let offset: Int

    /// Number of elements.
    public var elementCount: Int { dimensions.reduce(1, *) }
    /// Bytes of data.
    public var byteCount: Int { type.byteCount(elements: elementCount) ?? 0 }
    /// The PyTorch-order shape (outermost first): `dimensions` reversed.
    public var shape: [Int] { dimensions.reversed() }
}

/// A GGUF file, mapped read-only. Metadata and the tensor table are parsed at init; tensor bytes stay in the mapping.
public final class GGUFFile: @unchecked Sendable {
    /// The file read.
    public let url: URL
    /// GGUF version (2 or 3).
    public let version: UInt32
    /// All metadata key/value pairs.
    public let metadata: [String: GGUFValue]
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// The tensor table in file order.
    public let tensors: [GGUFTensorInfo]
    /// `general.alignment` (default 32).
    public let alignment: Int
    /// Absolute byte offset of the data section.
    public let dataOffset: Int

    private let mapping: MappedFile
    private let index: [String: Int]

    /// Maps and parses `url`. Throws `CheckpointError` for a missing, truncated, corrupt or unsupported file.
    public init(url: URL) throws {
        self.url = url
        let map = try MappedFile(url: url)
        mapping = map
        let file = url.lastPathComponent
        var c = ByteCursor(base: map.base, count: map.count, file: file)

        let magic = try c.read(UInt32.self, "magic")
        guard magic == 0x4655_4747 else { throw CheckpointError.badMagic(file: file, found: magic) }
        version = try c.read(UInt32.self, "version")
        guard version == 2 || version == 3 else { throw CheckpointError.unsupportedVersion(file: file, version: version) }
        let nTensors = try c.read(UInt64.self, "tensor count")
        let nKV = try c.read(UInt64.self, "metadata count")
        // Each KV needs at least 8 (key length) + 4 (type) + 1 bytes; each tensor info at least 8 + 4 + 4 + 8.
        guard nKV <= UInt64(c.remaining / 13) else {
            throw CheckpointError.truncated(file: file, what: "\(nKV) metadata entries", offset: c.offset,
                                            needed: Int(clamping: nKV) &* 13, available: c.remaining)
        }
        guard nTensors <= UInt64(c.remaining / 24) else {
            throw CheckpointError.truncated(file: file, what: "\(nTensors) tensor infos", offset: c.offset,
                                            needed: Int(clamping: nTensors) &* 24, available: c.remaining)
        }

        var meta = [String: GGUFValue](), keys = [String]()
        keys.reserveCapacity(Int(nKV))
        for i in 0..<Int(nKV) {
            let key = try c.readString("key of metadata entry \(i)")
            let type = try c.read(UInt32.self, "type of '\(UntrustedText.excerpt(key))'")
            let value = try Self.readValue(&c, type: type, key: key, file: file, depth: 0)
            guard meta.updateValue(value, forKey: key) == nil else {
                throw CheckpointError.invalidMetadata(file: file, key: key, reason: "duplicate key")
            }
            keys.append(key)
        }
        metadata = meta; metadataKeys = keys

        var align = 32
        if let a = meta["general.alignment"] {
            guard let v = a.int, v > 0, v <= 1 << 20, v & (v - 1) == 0 else {
                throw CheckpointError.invalidMetadata(file: file, key: "general.alignment", reason: "must be a power of two up to 2^20, got \(a.int.map(String.init) ?? "a value of type \(a.typeID)")")
            }
            align = v
        }
        alignment = align

        var infos = [GGUFTensorInfo](); infos.reserveCapacity(Int(nTensors))
        var idx = [String: Int]()
        for i in 0..<Int(nTensors) {
            let name = try c.readString("name of tensor \(i)")
            let nDims = try c.read(UInt32.self, "dimension count of '\(UntrustedText.excerpt(name))'")
            guard nDims >= 1, nDims <= 4 else {
                throw CheckpointError.invalidTensor(file: file, tensor: name, reason: "\(nDims) dimensions (1…4 allowed)")
            }
            var dims = [Int](); var total = 1
            for d in 0..<Int(nDims) {
                let n = try c.read(UInt64.self, "dimension \(d) of '\(UntrustedText.excerpt(name))'")
                guard n <= UInt64(Int32.max) else {
                    throw CheckpointError.invalidTensor(file: file, tensor: name, reason: "dimension \(d) is \(n)")
                }
                let (t, o) = total.multipliedReportingOverflow(by: Int(n))
                guard !o else { throw CheckpointError.invalidTensor(file: file, tensor: name, reason: "element count overflows") }
                total = t; dims.append(Int(n))
            }
            let rawType = try c.read(UInt32.self, "type of '\(UntrustedText.excerpt(name))'")
            guard let type = GGMLType(rawValue: rawType) else {
                throw CheckpointError.unsupportedTensorType(file: file, tensor: name, type: rawType)
            }
            guard dims[0] % type.blockSize == 0 else {
                throw CheckpointError.invalidTensor(file: file, tensor: name, reason: "row length \(dims[0]) is not a multiple of the \(type) block size \(type.blockSize)")
            }
            let off = try c.read(UInt64.self, "offset of '\(UntrustedText.excerpt(name))'")
            guard off <= UInt64(map.count), Int(off) % align == 0 else {
                throw CheckpointError.invalidTensor(file: file, tensor: name, reason: "data offset \(off) is out of range or not aligned to \(align)")
            }
            guard idx.updateValue(infos.count, forKey: name) == nil else {
                throw CheckpointError.invalidTensor(file: file, tensor: name, reason: "duplicate tensor name")
            }
            infos.append(GGUFTensorInfo(name: name, dimensions: dims, type: type, offset: Int(off)))
        }
        tensors = infos; index = idx

        let start = (c.offset + align - 1) / align * align
        dataOffset = start
        let dataBytes = map.count - min(start, map.count)
        for t in infos {
            guard let n = t.type.byteCount(elements: t.elementCount) else {
                throw CheckpointError.invalidTensor(file: file, tensor: t.name, reason: "size overflows")
            }
            guard start <= map.count, t.offset <= dataBytes, n <= dataBytes - t.offset else {
                throw CheckpointError.truncated(file: file, what: "data of tensor '\(UntrustedText.excerpt(t.name))'", offset: start + t.offset,
                                                needed: n, available: max(0, dataBytes - t.offset))
            }
        }
    }

    private static func readValue(_ c: inout ByteCursor, type: UInt32, key: String, file: String, depth: Int) throws -> GGUFValue {
        switch type {
        case 0: return .uint8(try c.read(UInt8.self, "value of '\(UntrustedText.excerpt(key))'"))
        case 1: return .int8(try c.read(Int8.self, "value of '\(UntrustedText.excerpt(key))'"))
        case 2: return .uint16(try c.read(UInt16.self, "value of '\(UntrustedText.excerpt(key))'"))
        case 3: return .int16(try c.read(Int16.self, "value of '\(UntrustedText.excerpt(key))'"))
        case 4: return .uint32(try c.read(UInt32.self, "value of '\(UntrustedText.excerpt(key))'"))
        case 5: return .int32(try c.read(Int32.self, "value of '\(UntrustedText.excerpt(key))'"))
        case 6: return .float32(Float(bitPattern: try c.read(UInt32.self, "value of '\(UntrustedText.excerpt(key))'")))
        case 7:
            let b = try c.read(UInt8.self, "value of '\(UntrustedText.excerpt(key))'")
            guard b <= 1 else { throw CheckpointError.invalidMetadata(file: file, key: key, reason: "bool byte \(b)") }
            return .bool(b == 1)
        case 8: return .string(try c.readString("value of '\(UntrustedText.excerpt(key))'"))
        case 9:
            guard depth == 0 else { throw CheckpointError.invalidMetadata(file: file, key: key, reason: "nested arrays are not supported") }
            let elemType = try c.read(UInt32.self, "array type of '\(UntrustedText.excerpt(key))'")
            let n = try c.read(UInt64.self, "array length of '\(UntrustedText.excerpt(key))'")
            let minSize: Int
            switch elemType {
            case 0, 1, 7: minSize = 1
            case 2, 3: minSize = 2
            case 4, 5, 6: minSize = 4
            case 8, 10, 11, 12: minSize = 8
            case 9: minSize = 12
            default: throw CheckpointError.invalidMetadata(file: file, key: key, reason: "unknown array element type \(elemType)")
            }
            guard n <= UInt64(c.remaining / minSize) else {
                throw CheckpointError.truncated(file: file, what: "array '\(UntrustedText.excerpt(key))' of \(n) elements", offset: c.offset,
                                                needed: Int(clamping: n) &* minSize, available: c.remaining)
            }
            var out = [GGUFValue](); out.reserveCapacity(Int(n))
            for _ in 0..<Int(n) { out.append(try readValue(&c, type: elemType, key: key, file: file, depth: depth + 1)) }
            return .array(out)
        case 10: return .uint64(try c.read(UInt64.self, "value of '\(UntrustedText.excerpt(key))'"))
        case 11: return .int64(try c.read(Int64.self, "value of '\(UntrustedText.excerpt(key))'"))
        case 12: return .float64(Double(bitPattern: try c.read(UInt64.self, "value of '\(UntrustedText.excerpt(key))'")))
        default: throw CheckpointError.invalidMetadata(file: file, key: key, reason: "unknown value type \(type)")
        }
    }

    /// The tensor info for `name`, if present.
    public func info(_ name: String) -> GGUFTensorInfo? { index[name].map { tensors[$0] } }

    /// The tensor's bytes inside the mapping (valid while this `GGUFFile` is alive).
    public func rawBytes(_ name: String) throws -> UnsafeRawBufferPointer {
        guard let t = info(name) else { throw CheckpointError.tensorNotFound(file: url.lastPathComponent, tensor: name) }
        return UnsafeRawBufferPointer(start: mapping.base + dataOffset + t.offset, count: t.byteCount)
    }

    /// The tensor dequantised to fp32, shape in PyTorch order (`(ne1, ne0)` for a matrix).
    public func dequantize(_ name: String) throws -> Tensor {
        guard let t = info(name) else { throw CheckpointError.tensorNotFound(file: url.lastPathComponent, tensor: name) }
        guard t.type.canDequantize else {
            throw CheckpointError.unsupportedTensorType(file: url.lastPathComponent, tensor: name, type: t.type.rawValue)
        }
        let raw = try rawBytes(name)
        let n = t.elementCount
        let values = try [Float](unsafeUninitializedCapacity: n) { buf, initialized in
            if n > 0, let dst = buf.baseAddress, let src = raw.baseAddress {
                try Dequantize.row(t.type, src, count: n, into: dst)
            }
            initialized = n
        }
        return try Tensor(shape: t.shape, storage: values)
    }

    /// A string metadata value, or nil.
    public func string(_ key: String) -> String? { metadata[key]?.string }
    /// An integer metadata value, or nil.
    public func int(_ key: String) -> Int? { metadata[key]?.int }
    /// The model architecture (`general.architecture`), e.g. `llama` or `qwen2`.
    public var architecture: String? { string("general.architecture") }
}

// safetensors reader (memory-mapped) and F32 writer, following the format spec of huggingface/safetensors
// (8-byte little-endian header length, JSON header {name: {dtype, shape, data_offsets}, __metadata__}, data).
import Foundation
import Tensors

/// One tensor's entry in a safetensors header.
public struct SafetensorsEntry: Sendable, Equatable {
    /// `F32`, `F16`, `BF16`, …
    public let dtype: String
    /// PyTorch-order shape.
    public let shape: [Int]
    /// Byte range inside the data section.
    public let begin: Int, end: Int
}

/// A `.safetensors` file, mapped read-only; tensors are converted to fp32 on request.
public final class SafetensorsFile: @unchecked Sendable {
    /// The file read.
    public let url: URL
    /// Header entries by tensor name.
    public let entries: [String: SafetensorsEntry]
    /// `__metadata__` string pairs.
    public let metadata: [String: String]
    private let mapping: MappedFile
    private let dataOffset: Int

    /// Tensor names, sorted.
    public var tensorNames: [String] { entries.keys.sorted() }

    /// Maps and parses `url`; throws `CheckpointError` for a truncated or corrupt header.
    public init(url: URL) throws {
        self.url = url
        let map = try MappedFile(url: url)
        mapping = map
        let file = url.lastPathComponent
        var c = ByteCursor(base: map.base, count: map.count, file: file)
        let n = try c.read(UInt64.self, "header length")
        guard n <= UInt64(c.remaining) else {
            throw CheckpointError.truncated(file: file, what: "JSON header", offset: 8, needed: Int(clamping: n), available: c.remaining)
        }
        // The reference implementation refuses headers above 100 MB (safetensors `MAX_HEADER_SIZE`).
        guard n <= 100_000_000 else {
            throw CheckpointError.invalidMetadata(file: file, key: "<header>", reason: "header length \(n) exceeds the 100 MB limit")
        }
        let headerBytes = Data(bytes: map.base + 8, count: Int(n))
        dataOffset = 8 + Int(n)
        let dataBytes = map.count - dataOffset
        guard let json = (try? JSONSerialization.jsonObject(with: headerBytes)) as? [String: Any] else {
            throw CheckpointError.invalidMetadata(file: file, key: "<header>", reason: "the JSON header does not parse as an object")
        }
        var es = [String: SafetensorsEntry](), meta = [String: String]()
        for (name, v) in json {
            if name == "__metadata__" {
                if let m = v as? [String: Any] { for (k, x) in m { meta[k] = x as? String ?? "\(x)" } }
                continue
            }
            guard let d = v as? [String: Any], let dtype = d["dtype"] as? String,
                  let shape = d["shape"] as? [Int], let offs = d["data_offsets"] as? [Int], offs.count == 2 else {
                throw CheckpointError.invalidTensor(file: file, tensor: name, reason: "header entry lacks dtype, shape or data_offsets")
            }
            guard offs[0] >= 0, offs[0] <= offs[1] else {
                throw CheckpointError.invalidTensor(file: file, tensor: name,
                                                    reason: "data_offsets [\(offs[0]), \(offs[1])] are not an ordered range of non-negative offsets")
            }
            guard offs[1] <= dataBytes else {
                throw CheckpointError.truncated(file: file, what: "data of tensor '\(UntrustedText.excerpt(name))'", offset: dataOffset + min(offs[0], dataBytes),
                                                needed: offs[1] - offs[0], available: dataBytes - min(offs[0], dataBytes))
            }
            guard shape.count <= 8, shape.allSatisfy({ $0 >= 0 && $0 <= Int(Int32.max) }) else {
                throw CheckpointError.invalidTensor(file: file, tensor: name, reason: "shape \(shape.prefix(9)) has more than 8 dimensions or a dimension outside 0…2^31−1")
            }
            if let size = Self.elementSize(dtype) {
                var count = size
                for s in shape {
                    let (r, o) = count.multipliedReportingOverflow(by: s)
                    guard !o else {
                        throw CheckpointError.invalidTensor(file: file, tensor: name, reason: "shape \(shape) of \(dtype) needs more than 2^63 bytes (the size overflows)")
                    }
                    count = r
                }
                guard count == offs[1] - offs[0] else {
                    throw CheckpointError.invalidTensor(file: file, tensor: name,
                                                        reason: "shape \(shape) of \(dtype) needs \(count) bytes, data_offsets give \(offs[1] - offs[0])")
                }
            }
            es[name] = SafetensorsEntry(dtype: dtype, shape: shape, begin: offs[0], end: offs[1])
        }
        entries = es; metadata = meta
    }

    static func elementSize(_ dtype: String) -> Int? {
        switch dtype {
        case "F64", "I64", "U64": return 8
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16", "U16": return 2
        case "I8", "U8", "BOOL": return 1
        default: return nil
        }
    }

    /// The raw bytes of a tensor inside the mapping (valid while this object is alive).
    public func rawBytes(_ name: String) throws -> UnsafeRawBufferPointer {
        guard let e = entries[name] else { throw CheckpointError.tensorNotFound(file: url.lastPathComponent, tensor: name) }
        return UnsafeRawBufferPointer(start: mapping.base + dataOffset + e.begin, count: e.end - e.begin)
    }

    /// The tensor converted to fp32 (F32, F16 and BF16 are supported).
    public func tensor(_ name: String) throws -> Tensor {
        guard let e = entries[name] else { throw CheckpointError.tensorNotFound(file: url.lastPathComponent, tensor: name) }
        let type: GGMLType
        switch e.dtype {
        case "F32": type = .f32
        case "F16": type = .f16
        case "BF16": type = .bf16
        default:
            throw CheckpointError.invalidTensor(file: url.lastPathComponent, tensor: name,
                                                reason: "dtype \(e.dtype) is not supported (F32, F16, BF16)")
        }
        let count = e.shape.reduce(1, *)
        return try Tensor(shape: e.shape, storage: Dequantize.values(type, try rawBytes(name), count: count))
    }
}

/// Writes safetensors files (the training stage's checkpoints): F32, or BF16 rounded to nearest even.
public enum SafetensorsWriter {
    /// The element type written.
    public enum DType: String, Sendable, CaseIterable {
        case f32 = "F32", bf16 = "BF16"
        var size: Int { self == .f32 ? 4 : 2 }
    }

    /// fp32 → bf16 bits, round to nearest even (NaN stays a quiet NaN), as torch's `.to(torch.bfloat16)`.
    public static func bf16Bits(_ x: Float) -> UInt16 {
        if x.isNaN { return 0x7FC0 }
        let b = x.bitPattern
        return UInt16(truncatingIfNeeded: (b &+ 0x7FFF &+ ((b >> 16) & 1)) >> 16)
    }

    /// Writes `tensors` as `dtype` in the given order, with optional `__metadata__`.
    public static func write(_ tensors: [(String, Tensor)], to url: URL, metadata: [String: String] = [:], dtype: DType = .f32) throws {
        var header = [String: Any]()
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, t) in tensors {
            guard header[name] == nil else {
                throw CheckpointError.invalidTensor(file: url.lastPathComponent, tensor: name, reason: "written twice")
            }
            header[name] = ["dtype": dtype.rawValue, "shape": t.shape, "data_offsets": [offset, offset + dtype.size * t.count]] as [String: Any]
            offset += dtype.size * t.count
        }
        var json: Data
        do { json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]) } catch {
            throw CheckpointError.writeFailed(path: url.path, reason: "header: \(error.localizedDescription)")
        }
        while (8 + json.count) % 8 != 0 { json.append(0x20) }  // pad with spaces so the data is 8-byte aligned
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for (_, t) in tensors {
            switch dtype {
            case .f32: t.storage.withUnsafeBytes { out.append(contentsOf: $0) }
            case .bf16: t.storage.map { bf16Bits($0).littleEndian }.withUnsafeBytes { out.append(contentsOf: $0) }
            }
        }
        do { try out.write(to: url, options: .atomic) } catch {
            throw CheckpointError.writeFailed(path: url.path, reason: error.localizedDescription)
        }
    }
}

// A read-only memory mapping of a whole file, shared by the GGUF and safetensors readers
// (llama.cpp src/llama-mmap.cpp: map once, hand out pointers into the mapping).
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory; unmapped when the last reference goes away.
final class MappedFile: @unchecked Sendable {
    /// Start of the mapping (never written through).
    let base: UnsafeRawPointer
    /// Size of the file in bytes.
    let count: Int
    /// Path, for error messages.
    let path: String

    init(url: URL) throws {
        path = url.path
        var st = stat()
        guard stat(path, &st) == 0 else { throw CheckpointError.fileNotFound(path: path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw CheckpointError.cannotOpen(path: path, reason: "not a regular file")
        }
        let size = Int(st.st_size)
        guard size > 0 else {
            throw CheckpointError.truncated(file: path, what: "header", offset: 0, needed: 8, available: 0)
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CheckpointError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw CheckpointError.cannotOpen(path: path, reason: "mmap: " + String(cString: strerror(errno)))
        }
        base = UnsafeRawPointer(p)
        count = size
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), count) }
}

/// A bounds-checked little-endian reader over a byte range (every read checks the bytes left first).
struct ByteCursor {
    let base: UnsafeRawPointer
    let count: Int
    let file: String
    var offset: Int = 0

    var remaining: Int { count - offset }

    mutating func need(_ n: Int, _ what: @autoclosure () -> String) throws {
        guard n >= 0, n <= remaining else {
            throw CheckpointError.truncated(file: file, what: what(), offset: offset, needed: n, available: remaining)
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try need(MemoryLayout<T>.size, what())
        let v = base.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: v)
    }

    mutating func readString(_ what: @autoclosure () -> String) throws -> String {
        let n = try read(UInt64.self, what())
        guard n <= UInt64(remaining) else {
            throw CheckpointError.truncated(file: file, what: what(), offset: offset, needed: Int(clamping: n), available: remaining)
        }
        let len = Int(n)
        let buf = UnsafeRawBufferPointer(start: base + offset, count: len)
        offset += len
        return String(decoding: buf, as: UTF8.self)
    }
}

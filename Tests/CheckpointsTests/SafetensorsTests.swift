// Tests of the safetensors reader/writer and Hugging Face folders (sharded index included).
import Foundation
import Testing
@testable import Checkpoints
import Tensors

@Suite("Safetensors")
struct SafetensorsTests {
    @Test func f32RoundTripIsBitExact() throws {
        let dir = try temporaryDirectory()
        let a = try Tensor(shape: [2, 3], storage: [1, -2, 3.5, .leastNonzeroMagnitude, -0.0, 7])
        let b = try Tensor(shape: [4], storage: seededValues(4, seed: 9))
        let url = dir.appendingPathComponent("m.safetensors")
        try SafetensorsWriter.write([("a", a), ("b.weight", b)], to: url, metadata: ["format": "pt"])
        let f = try SafetensorsFile(url: url)
        #expect(f.tensorNames == ["a", "b.weight"])
        #expect(f.metadata["format"] == "pt")
        #expect(try f.tensor("a").storage.map(\.bitPattern) == a.storage.map(\.bitPattern))
        #expect(try f.tensor("a").shape == [2, 3])
        #expect(try f.tensor("b.weight") == b)
        #expect(throws: CheckpointError.tensorNotFound(file: "m.safetensors", tensor: "c")) { try f.tensor("c") }
    }

    /// Writes a safetensors file by hand with F16 and BF16 entries.
    @Test func f16AndBF16AreWidened() throws {
        let dir = try temporaryDirectory()
        let header = #"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]}}"#
        var bytes = [UInt8]()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
        bytes += Array(header.utf8)
        bytes += [0x00, 0x3C, 0x00, 0xC0]  // fp16 1.0, -2.0
        bytes += [0x80, 0x3F, 0x40, 0x40]  // bf16 1.0, 3.0
        let url = dir.appendingPathComponent("h.safetensors")
        try Data(bytes).write(to: url)
        let f = try SafetensorsFile(url: url)
        #expect(try f.tensor("h").storage == [1, -2])
        #expect(try f.tensor("b").storage == [1, 3])
    }

    @Test func truncatedAndCorruptFilesAreErrors() throws {
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("m.safetensors")
        try SafetensorsWriter.write([("a", Tensor(shape: [8], storage: seededValues(8, seed: 2)))], to: url)
        let full = try Data(contentsOf: url)
        let cut = dir.appendingPathComponent("cut.safetensors")
        try full.prefix(full.count - 4).write(to: cut)
        #expect { try SafetensorsFile(url: cut) } throws: { e in
            if case let .truncated(file, what, _, _, _) = e as? CheckpointError { return file == "cut.safetensors" && what.contains("'a'") }
            return false
        }
        var bad = full; bad[9] = UInt8(ascii: "!")
        try bad.write(to: cut)
        #expect(throws: CheckpointError.invalidMetadata(file: "cut.safetensors", key: "<header>",
                                                        reason: "the JSON header does not parse as an object")) { try SafetensorsFile(url: cut) }
        try Data([0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 1]).write(to: cut)
        #expect { try SafetensorsFile(url: cut) } throws: { e in
            if case .truncated = e as? CheckpointError { return true } else { return false }
        }
    }

    @Test func shardedHuggingFaceFolder() throws {
        let dir = try temporaryDirectory()
        try Data(#"{"model_type":"llama","hidden_size":8}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
        let a = try Tensor(shape: [2, 2], storage: [1, 2, 3, 4]), b = try Tensor(shape: [3], storage: [5, 6, 7])
        try SafetensorsWriter.write([("a", a)], to: dir.appendingPathComponent("model-00001-of-00002.safetensors"))
        try SafetensorsWriter.write([("b", b)], to: dir.appendingPathComponent("model-00002-of-00002.safetensors"))
        let index = #"{"metadata":{},"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"}}"#
        try Data(index.utf8).write(to: dir.appendingPathComponent("model.safetensors.index.json"))
        let folder = try HFCheckpointFolder(url: dir)
        #expect(folder.tensorNames == ["a", "b"])
        #expect(try folder.tensor("b") == b)
        #expect(folder.config["model_type"] as? String == "llama")
        #expect(folder.file("tokenizer.json") == nil)
        #expect(throws: CheckpointError.fileNotFound(path: dir.appendingPathComponent("nope").path)) {
            try HFCheckpointFolder(url: dir.appendingPathComponent("nope"))
        }
    }
}

// Hostile GGUF and safetensors files: error messages stay short and free of control characters, and
// sizes that overflow are reported as such (issue 22).
import Foundation
import Testing
@testable import Checkpoints
import Tensors

/// Whether `text` holds a character that drives a terminal (C0/C1 controls, DEL, bidi controls).
func hasControlCharacters(_ text: String) -> Bool { text.unicodeScalars.contains(where: UntrustedText.needsEscape) }

/// An input and its expected excerpt, shown in the test log by the (escaped) expectation only, so the
/// log itself never carries the raw control characters.
struct ExcerptCase: Sendable, CustomTestStringConvertible {
    let input: String, expected: String
    init(_ input: String, _ expected: String) { self.input = input; self.expected = expected }
    var testDescription: String { expected }
}

@Suite("Hostile files")
struct HostileFileTests {
    @Test(arguments: [
        ExcerptCase("plain", "plain"),
        ExcerptCase("a\nb\rc\td", "a\\nb\\rc\\td"),
        ExcerptCase("\u{1B}[2J", "\\u{1B}[2J"),
        ExcerptCase("x\u{202E}y\u{200B}z\u{7F}", "x\\u{202E}y\\u{200B}z\\u{7F}"),
        ExcerptCase(String(repeating: "k", count: 200), String(repeating: "k", count: 80) + "…"),
        ExcerptCase(String(repeating: "\u{1B}", count: 100), String(repeating: "\\u{1B}", count: 13) + "…"),
    ])
    func excerptEscapesAndBounds(_ c: ExcerptCase) {
        #expect(UntrustedText.excerpt(c.input) == c.expected)
    }

    /// The key length of `general.name` corrupted so the "key" swallows the rest of the file, which holds
    /// megabytes of ESC sequences and newlines: the error is short and has no control character.
    @Test func corruptedKeyLengthGivesAShortEscapedError() throws {
        let dir = try temporaryDirectory()
        var w = GGUFWriter()
        w.set("general.architecture", .string("llama"))
        w.set("general.name", .string("tiny"))
        w.set("x.payload", .string(String(repeating: "\u{1B}[31m\n\u{1B}]0;pwned\u{07}", count: 50_000)))
        try w.add("a", Tensor(shape: [4], storage: [1, 2, 3, 4]))
        var bytes = w.serialized()
        let name = Array("general.name".utf8)
        let at = try #require((0...(bytes.count - name.count)).first { Array(bytes[$0..<($0 + name.count)]) == name })
        let corrupt = UInt64(bytes.count - at - 2)  // leaves 2 bytes: the value type (4 bytes) cannot be read
        withUnsafeBytes(of: corrupt.littleEndian) { for (i, b) in $0.enumerated() { bytes[at - 8 + i] = b } }
        let url = dir.appendingPathComponent("flipped.gguf")
        try Data(bytes).write(to: url)
        let error = try #require(throws: CheckpointError.self) { try GGUFFile(url: url) }
        let message = error.localizedDescription
        #expect(message.count < 700, "message of \(message.count) characters")
        #expect(!hasControlCharacters(message))
        #expect(message.contains("flipped.gguf") && message.contains("general.name") && message.contains("…"))
    }

    /// A key made of terminal escapes (a duplicate, so it lands in the message) is printed escaped.
    @Test func hostileKeyIsEscapedInTheMessage() {
        let key = "\u{1B}]0;owned\u{07}\n\u{1B}[2J" + String(repeating: "x", count: 10_000)
        let e = CheckpointError.invalidMetadata(file: "m\n.gguf", key: key, reason: "duplicate key")
        let message = e.localizedDescription
        #expect(!hasControlCharacters(message))
        #expect(message.contains("\\u{1B}]0;owned\\u{7}\\n") && message.contains("m\\n.gguf") && message.count < 300)
    }

    /// Writes a safetensors file with `header` as its JSON header and `dataBytes` zero bytes of data.
    func safetensors(_ header: String, dataBytes: Int = 8) throws -> URL {
        var out = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(Data(header.utf8)); out.append(Data(count: dataBytes))
        let url = try temporaryDirectory().appendingPathComponent("hostile.safetensors")
        try out.write(to: url)
        return url
    }

    /// A shape whose byte size exceeds Int.max was reported as "needs -34359738360 bytes" under -Ounchecked.
    @Test(arguments: ["[2147483647, 2147483647, 2]", "[2147483647, 2147483647, 2147483647]"])
    func overflowingShapeIsAnOverflowError(shape: String) throws {
        let url = try safetensors(#"{"a":{"dtype":"F64","shape":\#(shape),"data_offsets":[0,8]}}"#)
        let error = try #require(throws: CheckpointError.self) { try SafetensorsFile(url: url) }
        guard case let .invalidTensor(file, tensor, reason) = error else { Issue.record("got \(error)"); return }
        #expect(file == "hostile.safetensors" && tensor == "a" && reason.contains("overflows") && !reason.contains("-"))
    }

    @Test(arguments: ["[-5,3]", "[8,2]", "[0,9223372036854775807]", "[9223372036854775807,9223372036854775807]"])
    func badDataOffsetsAreErrorsNotTraps(offsets: String) throws {
        let url = try safetensors(#"{"a":{"dtype":"U8","shape":[8],"data_offsets":\#(offsets)}}"#)
        #expect(throws: CheckpointError.self) { try SafetensorsFile(url: url) }
    }

    @Test func hugeAlignmentIsRejected() throws {
        var w = GGUFWriter()
        w.set("general.alignment", .uint64(1 << 62))
        let url = try temporaryDirectory().appendingPathComponent("align.gguf")
        try w.write(to: url)
        #expect { try GGUFFile(url: url) } throws: { e in
            if case let .invalidMetadata(_, key, _) = e as? CheckpointError { return key == "general.alignment" }
            return false
        }
    }
}

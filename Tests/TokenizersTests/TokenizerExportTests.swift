// A checkpoint started from a GGUF must carry HF tokenizer files that our folder loader reads back as the
// same tokenizer (moved here from TrainingTests with `TokenizerExport`), and a tokenizer that has no
// tokenizer.json form is refused with a message naming the file.

import Checkpoints
import Foundation
import Testing
import TestSupport
@testable import Tokenizers

@Suite struct TokenizerExportTests {
    static let smolLM2 = FileManager.default.homeDirectoryForCurrentUser
        .appendingPathComponent(".cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    static var hasSmolLM2: Bool { FileManager.default.fileExists(atPath: smolLM2) }

    static let texts = [
        "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.",
        "<|im_start|>user\nWhat is 12,345 × 6.7?<|im_end|>\n", "  leading spaces\tand\ttabs\n\n", "naïve café — 東京 🙂 x²+y²",
        "The answer is $\\boxed{\\frac{3}{4}}$.", "it's they're I'M 1234567 3.14159",
    ]

    /// Writes a GGUF's tokenizer as HF files and compares what our folder loader reads back with the GGUF's own.
    static func expectRoundTrip(gguf: URL, family: String) throws {
        let dir = try TinyModelFactory.temporaryDirectory("tokexport")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, data) in try TokenizerExport.huggingFaceFiles(gguf: gguf) { try data.write(to: dir.appendingPathComponent(name)) }
        for f in ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), "\(f) missing")
        }
        let a = try TokenizerExport.fingerprint(gguf: gguf, texts: texts)
        let b = try TokenizerExport.fingerprint(folder: dir, texts: texts)
        #expect(a.family == family && b.family == family)
        #expect(a.tokens == b.tokens)
        #expect(a.special == b.special)
        #expect(a.bos == b.bos && a.addsBOS == b.addsBOS && a.eos == b.eos)
        #expect(a.chatTemplate == b.chatTemplate)
        for (i, t) in texts.enumerated() { #expect(a.encodings[i] == b.encodings[i], "\(t)") }
    }

    @Test func ggufTokenizerRoundTripsThroughTokenizerJSON() throws {
        let dir = try TinyModelFactory.temporaryDirectory("tokgguf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = TinyModelFactory.configuration()
        let gguf = try TinyModelFactory.writeGGUF(to: dir.appendingPathComponent("tiny.gguf"), configuration: d,
                                                  weights: TinyModelFactory.weights(d))
        try Self.expectRoundTrip(gguf: gguf, family: "gpt2")
    }

    /// Each pre-tokenizer family is spelled so that the folder loader detects the same family.
    @Test func preTokenizerFamiliesAreDetectedBack() throws {
        let dir = try TinyModelFactory.temporaryDirectory("pre")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pairs = try TokenizerExport.familiesReadBack(folder: dir)
        #expect(pairs.count == 4)
        for p in pairs { #expect(p.written == p.detected) }
    }

    /// A SentencePiece GGUF (tokenizer.ggml.model "llama") has no byte-level BPE tokenizer.json to write.
    @Test func sentencePieceGGUFIsNotExportable() throws {
        let dir = try TinyModelFactory.temporaryDirectory("tokexport-sp")
        defer { try? FileManager.default.removeItem(at: dir) }
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.set("tokenizer.ggml.model", .string("llama"))
        let url = dir.appendingPathComponent("sp.gguf")
        try writer.write(to: url)
        let error = try #require(throws: TokenizerError.self) { try TokenizerExport.huggingFaceFiles(gguf: url) }
        guard case let .notExportable(file, reason) = error else {
            Issue.record("expected notExportable, got \(error)")
            return
        }
        #expect(file == "sp.gguf")
        #expect(reason.contains("'llama' is not supported"))
        let message = error.localizedDescription
        #expect(message.hasPrefix("sp.gguf: the tokenizer cannot be exported as Hugging Face files"))
    }

    @Test(.enabled(if: hasSmolLM2, "needs scripts/fetch-models"))
    func smolLM2TokenizerRoundTrips() throws {
        try Self.expectRoundTrip(gguf: URL(fileURLWithPath: Self.smolLM2), family: "smollm")
    }
}

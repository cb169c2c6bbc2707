// The bridge from engine checkpoints to the trainer: llama3 / linear RoPE scaling must give the
// trainer the same log-probs as the engine (rollouts and learner agree), and a checkpoint started
// from a GGUF must carry HF tokenizer files that our loader reads back as the same tokenizer.

import Engine
import Foundation
import Models
import Testing
import TestSupport
@testable import Training

@Suite struct ModelBridgeTests {
    /// A tiny llama whose llama3 scaling touches all three frequency bands (head_dim 8: wavelengths
    /// 6.3, 63, 628, 6283 against original 64 / high 4 → 16 and low 1 → 64).
    static func scaledFolder(_ scaling: RoPEScalingParameters?) throws -> (URL, [Int]) {
        var d = TinyModelFactory.configuration()
        d.ropeScaling = scaling
        let dir = try TinyModelFactory.temporaryDirectory("rope")
        try TinyModelFactory.writeFolder(to: dir, configuration: d, weights: TinyModelFactory.weights(d))
        let tokens = (0..<48).map { ($0 * 37 + 11) % 296 }
        return (dir, tokens)
    }

    @Test(arguments: ["llama3", "linear"])
    func scaledRoPEMatchesTheEngine(type: String) throws {
        let scaling = RoPEScalingParameters(type: type, factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4,
                                            originalMaxPositionEmbeddings: 64)
        let (dir, tokens) = try Self.scaledFolder(scaling)
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try PolicyModel.load(path: dir.path)
        #expect(policy.configuration.ropeScaling?.type == type)
        let engine = try LocalBackend.load(path: dir.path, threads: 1, weightFormat: .fp32).scoreTokens(tokens).logprobs
        let mine = try policy.forward([ScoredSequence(tokens: tokens, scoredFrom: 1)], workspace: DecoderWorkspace()).logProbs[0]
        #expect(mine.count == engine.count)
        // The engine caches keys/values in fp16 (llama.cpp's default cache type), the trainer keeps fp32:
        // log-probs agree to ~1e-3, not to fp32 rounding.
        for (a, b) in zip(mine, engine) { #expect(abs(a - b) < 3e-3, "trainer \(a) vs engine \(b)") }
        // Not vacuous: plain RoPE gives different log-probs on the same weights.
        var plain = policy.configuration
        plain.ropeScaling = nil
        let unscaled = try PolicyModel(configuration: plain, parameters: policy.parameters)
            .forward([ScoredSequence(tokens: tokens, scoredFrom: 1)], workspace: DecoderWorkspace()).logProbs[0]
        #expect(zip(unscaled, engine).map { abs($0 - $1) }.max() ?? 0 > 3e-2)
        // The checkpoint's config.json carries the scaling in HF spelling.
        let json = try JSONEncoder().encode(policy.configuration)
        let back = try JSONDecoder().decode(DecoderConfiguration.self, from: json)
        #expect(back == policy.configuration)
        #expect(String(decoding: json, as: UTF8.self).contains("\"rope_type\":\"\(type)\""))
    }

    @Test func unknownScalingIsRejected() throws {
        var cfg = TinyDecoders.llama
        cfg.ropeScaling = RoPEScalingParameters(type: "yarn", factor: 4)
        #expect(throws: TrainingError.self) { try cfg.validateTrainable() }
    }

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

    @Test(.enabled(if: RealModels.hasSmolLM2, "needs scripts/fetch-models"))
    func smolLM2TokenizerRoundTrips() throws {
        try Self.expectRoundTrip(gguf: URL(fileURLWithPath: RealModels.smolLM2), family: "smollm")
    }
}

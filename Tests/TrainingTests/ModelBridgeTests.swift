// The bridge from engine checkpoints to the trainer: llama3 / linear RoPE scaling must give the
// trainer the same log-probs as the engine (rollouts and learner agree). The GGUF → HF tokenizer files
// round trip is tested with `TokenizerExport` in TokenizersTests.

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
}

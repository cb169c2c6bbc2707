// The decoder on tiny random models: every checkpoint format gives the same logits, the KV cache gives
// the same logits as recomputing from scratch, and batching sequences together changes nothing.
import Testing
import Foundation
import Checkpoints
import Tensors
import TestSupport
@testable import Models

private func maxDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

private let prompt = [5, 72, 101, 108, 108, 111, 44, 32, 119, 270, 280, 33]

@Suite struct DecoderTests {
    @Test(arguments: ["llama", "qwen2"])
    func kvCacheDecodeEqualsFullRecompute(_ arch: String) throws {
        let c = TinyModelFactory.configuration(modelType: arch)
        let model = try Llama(configuration: c, weights: TinyModelFactory.weights(c))
        let full = try model.forward([ForwardChunk(cache: model.makeCache(capacity: 4), tokens: prompt, logits: .all)])
        // Prefill 5 tokens, then one token at a time (the cache grows past its initial capacity).
        let cache = model.makeCache(capacity: 4)
        var incremental = try model.forward([ForwardChunk(cache: cache, tokens: Array(prompt[0..<5]), logits: .all)])
        for t in prompt[5...] {
            incremental += try model.forward([ForwardChunk(cache: cache, tokens: [t], logits: .last)])
        }
        #expect(cache.count == prompt.count)
        #expect(maxDiff(full, incremental) < 1e-4)
    }

    @Test func batchedEqualsUnbatched() throws {
        let c = TinyModelFactory.configuration()
        let model = try Llama(configuration: c, weights: TinyModelFactory.weights(c))
        let a = Array(prompt[0..<7]), b = [9, 8, 7], d = Array(prompt.reversed())
        let alone = try [a, b, d].flatMap { try model.forward([ForwardChunk(cache: model.makeCache(capacity: 16), tokens: $0, logits: .last)]) }
        let together = try model.forward([a, b, d].map { ForwardChunk(cache: model.makeCache(capacity: 16), tokens: $0, logits: .last) },
                                         threads: 2)
        #expect(maxDiff(alone, together) < 1e-4)
        // A decode row mixed with a prefill chunk in one pass.
        let cache1 = model.makeCache(capacity: 16), cache2 = model.makeCache(capacity: 16)
        _ = try model.forward([ForwardChunk(cache: cache1, tokens: a, logits: .none)])
        let mixed = try model.forward([ForwardChunk(cache: cache1, tokens: [3], logits: .last),
                                       ForwardChunk(cache: cache2, tokens: b, logits: .last)])
        let reference = try model.forward([ForwardChunk(cache: model.makeCache(capacity: 16), tokens: a + [3], logits: .last)])
        #expect(maxDiff(Array(mixed[0..<c.vocabSize]), reference) < 1e-4)
        #expect(maxDiff(Array(mixed[c.vocabSize...]), Array(alone[c.vocabSize..<(2 * c.vocabSize)])) < 1e-4)
    }

    @Test func rejectsTokensOutsideTheVocabulary() throws {
        let c = TinyModelFactory.configuration()
        let model = try Llama(configuration: c, weights: TinyModelFactory.weights(c))
        #expect(throws: ModelError.tokenOutOfRange(token: c.vocabSize, vocabularySize: c.vocabSize)) {
            try model.forward([ForwardChunk(cache: model.makeCache(capacity: 2), tokens: [c.vocabSize], logits: .last)])
        }
    }

    @Test func missingWeightIsNamed() throws {
        let c = TinyModelFactory.configuration()
        var w = TinyModelFactory.weights(c)
        w["model.layers.1.mlp.up_proj.weight"] = nil
        #expect(throws: ModelError.missingTensor(name: "model.layers.1.mlp.up_proj.weight")) {
            try Llama(configuration: c, weights: w)
        }
    }

    /// Every format loads back to the same logits: HF folder and F32 GGUF exactly (up to rounding), F16,
    /// Q8_0 and Q4_0 within their quantisation error. The GGUF path also proves the q/k un-permutation.
    @Test(arguments: [("llama", true), ("qwen2", false)])
    func everyFormatGivesTheSameLogits(_ variant: (String, Bool)) throws {
        let c = TinyModelFactory.configuration(modelType: variant.0, tied: variant.1)
        let w = TinyModelFactory.weights(c)
        let reference = try Llama(configuration: c, weights: w)
            .forward([ForwardChunk(cache: SequenceCache(layers: 2, kvHeads: 2, headDim: 8, capacity: 16), tokens: prompt, logits: .all)])
        let dir = try TinyModelFactory.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [(String, Float)] = [(try TinyModelFactory.writeFolder(to: dir.appendingPathComponent("hf"), configuration: c, weights: w).path, 1e-4)]
        for (type, tolerance) in [(GGMLType.f32, Float(1e-4)), (.f16, 0.05), (.q8_0, 0.1), (.q4_0, 1.5)] {
            let url = dir.appendingPathComponent("tiny-\(type).gguf")
            try TinyModelFactory.writeGGUF(to: url, configuration: c, weights: w, type: type)
            paths.append((url.path, tolerance))
        }
        for (path, tolerance) in paths {
            let (loadedConfig, loaded) = try loadFloatWeights(path: path)
            #expect(loadedConfig.numKeyValueHeads == 2 && loadedConfig.tieWordEmbeddings == c.tieWordEmbeddings)
            #expect((loaded["lm_head.weight"] == nil) == c.tieWordEmbeddings)
            let logits = try Llama(configuration: loadedConfig, weights: loaded)
                .forward([ForwardChunk(cache: SequenceCache(layers: 2, kvHeads: 2, headDim: 8, capacity: 16), tokens: prompt, logits: .all)])
            let diff = maxDiff(reference, logits)
            #expect(diff < tolerance, "\(URL(fileURLWithPath: path).lastPathComponent): max logit diff \(diff)")
        }
    }
}

// The decoder with Q8_0 weights (`WeightFormat.q8`) on tiny random models: logits track the fp32
// model within int8 quantisation error, decode rows do not depend on which other rows share the pass,
// and the one-tensor-at-a-time GGUF loader builds the same model as the dictionary path.
import Testing
import Foundation
import Checkpoints
import Tensors
import TestSupport
@testable import Models

private let prompt = [5, 72, 101, 108, 108, 111, 44, 32, 119, 270, 280, 33]

private func maxDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Suite struct CompactWeightTests {
    @Test(arguments: ["llama", "qwen2"])
    func q8LogitsTrackFP32(_ arch: String) throws {
        let c = TinyModelFactory.configuration(modelType: arch, tied: arch == "llama")
        let w = TinyModelFactory.weights(c)
        let fp32 = try Llama(configuration: c, weights: w)
        let q8 = try Llama(configuration: c, weights: w, weightFormat: .q8)
        #expect(q8.weightFormat == .q8 && fp32.weightFormat == .fp32)
        #expect(q8.weightBytes * 3 < fp32.weightBytes)
        let reference = try fp32.forward([ForwardChunk(cache: fp32.makeCache(capacity: 16), tokens: prompt, logits: .all)])
        let quantised = try q8.forward([ForwardChunk(cache: q8.makeCache(capacity: 16), tokens: prompt, logits: .all)])
        let scale = reference.map { abs($0) }.max() ?? 1
        #expect(maxDiff(reference, quantised) < 0.05 * scale, "max diff \(maxDiff(reference, quantised)) of \(scale)")
        #expect(quantised.allSatisfy { $0.isFinite })
    }

    @Test func q8DecodeRowsDoNotDependOnTheBatch() throws {
        let c = TinyModelFactory.configuration()
        let model = try Llama(configuration: c, weights: TinyModelFactory.weights(c), weightFormat: .q8)
        let a = Array(prompt[0..<7]), b = [9, 8, 7], d = Array(prompt.reversed())
        let alone = try [a, b, d].flatMap { try model.forward([ForwardChunk(cache: model.makeCache(capacity: 16), tokens: $0, logits: .last)]) }
        let together = try model.forward([a, b, d].map { ForwardChunk(cache: model.makeCache(capacity: 16), tokens: $0, logits: .last) },
                                         threads: 2)
        #expect(alone == together)
    }

    @Test func leanGGUFLoaderMatchesDictionaryLoader() throws {
        let c = TinyModelFactory.configuration(modelType: "llama", tied: false)
        let dir = try TinyModelFactory.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("tiny-q8.gguf")
        try TinyModelFactory.writeGGUF(to: url, configuration: c, weights: TinyModelFactory.weights(c), type: .q8_0)
        let (config, weights) = try loadFloatWeights(path: url.path)
        for format in WeightFormat.allCases {
            let viaDictionary = try Llama(configuration: config, weights: weights, weightFormat: format)
            let lean = try loadLlama(gguf: GGUFFile(url: url), weightFormat: format)
            #expect(lean.weightBytes == viaDictionary.weightBytes)
            let x = try viaDictionary.forward([ForwardChunk(cache: viaDictionary.makeCache(capacity: 16), tokens: prompt, logits: .all)])
            let y = try lean.forward([ForwardChunk(cache: lean.makeCache(capacity: 16), tokens: prompt, logits: .all)])
            #expect(x == y)
        }
    }
}

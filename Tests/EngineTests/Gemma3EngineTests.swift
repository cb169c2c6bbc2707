// The local backend on a tiny random gemma3 (written as a GGUF like llama.cpp's converter and as an HF
// folder): loading picks the architecture, continuous batching with prompts longer than the sliding
// window gives the same tokens as one request at a time, and both formats generate the same text.
import Testing
import Foundation
import Inference
import Models
import Tokenizers
import TestSupport
@testable import Engine

private let prompts = ["The answer is", "In the beginning there was a very long prompt", "1 + 1 =", "x"]

private func greedy(maxTokens: Int = 10) -> [CompletionRequest] {
    prompts.map { CompletionRequest(prompt: .text($0), parameters: SamplingParameters(temperature: 0, maxTokens: maxTokens, seed: 1)) }
}

@Suite struct Gemma3EngineTests {
    @Test func loadsByArchitectureAndBatchesLikeAlone() async throws {
        let c = TinyModelFactory.gemma3Configuration()
        let w = TinyModelFactory.gemma3Weights(c)
        let dir = try TinyModelFactory.temporaryDirectory("gemma3-engine")
        defer { try? FileManager.default.removeItem(at: dir) }
        let gguf = try TinyModelFactory.writeGemma3GGUF(to: dir.appendingPathComponent("tiny-gemma3.gguf"), configuration: c, weights: w)
        let folder = try TinyModelFactory.writeFolder(to: dir.appendingPathComponent("hf"), configuration: c, weights: w)
        let backend = try LocalBackend.load(path: gguf.path)
        #expect(backend.model is Gemma3 && backend.configuration.gemma3 == c.gemma3)
        let together = try await backend.completeAll(greedy())
        #expect(together.allSatisfy { $0.completionTokens > 0 })
        // Two sequences at a time with a 3-row prefill budget: prompts split across passes, joining mid-decode.
        let squeezed = try LocalBackend(configuration: backend.configuration, weights: w, tokenizer: backend.tokenizer,
                                        maxBatchSize: 2, rowBudget: 3)
        let a = try await squeezed.completeAll(greedy())
        #expect(a.map(\.completionTokenIDs) == together.map(\.completionTokenIDs))
        let fromFolder = try await LocalBackend.load(path: folder.path).completeAll(greedy())
        #expect(fromFolder.map(\.text) == together.map(\.text))
        // Scoring agrees with generation: the greedy token is the argmax after the prompt.
        let ids = try #require(together[0].promptTokenIDs), completion = try #require(together[0].completionTokenIDs)
        let scored = try backend.scoreTokens(ids + completion)
        #expect(scored.argmax[ids.count - 1] == completion[0])
    }
}

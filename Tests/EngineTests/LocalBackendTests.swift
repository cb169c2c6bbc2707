// The local backend end to end on a tiny random model: greedy determinism, seeded reproducibility,
// batched == one at a time, stop strings, EOS, max tokens, log-probs against a full forward, chat
// prompts, and the same output from the GGUF and HF folder of one model.
import Testing
import Foundation
import Inference
import Models
import Tokenizers
import Tensors
import TestSupport
@testable import Engine

private func tinyBackend(maxBatch: Int = 64, rowBudget: Int = 1024, arch: String = "llama") throws -> LocalBackend {
    let c = TinyModelFactory.configuration(modelType: arch)
    return try LocalBackend(configuration: c, weights: TinyModelFactory.weights(c),
                            tokenizer: try TokenizerLoader.byteLevelTestTokenizer(), threads: 2,
                            maxBatchSize: maxBatch, rowBudget: rowBudget)
}

private let prompts = ["The answer is", "In the beginning", "1 + 1 =", "Once upon a time there was", "x"]

private func requests(temperature: Double, maxTokens: Int = 12, stop: [String] = [], logprobs: Bool = false) -> [CompletionRequest] {
    prompts.enumerated().map { i, p in
        CompletionRequest(prompt: .text(p), parameters: SamplingParameters(
            temperature: temperature, topP: 0.95, topK: 50, maxTokens: maxTokens, stop: stop, seed: UInt64(100 + i),
            logprobs: logprobs))
    }
}

@Suite struct LocalBackendTests {
    @Test func greedyIsDeterministic() async throws {
        let backend = try tinyBackend()
        let a = try await backend.completeAll(requests(temperature: 0))
        let b = try await backend.completeAll(requests(temperature: 0))
        #expect(a.map(\.completionTokenIDs) == b.map(\.completionTokenIDs))
        #expect(a.allSatisfy { $0.completionTokens > 0 && $0.promptTokenIDs?.isEmpty == false })
    }

    @Test func seededSamplingIsReproducibleAndSeedsMatter() async throws {
        let backend = try tinyBackend()
        let a = try await backend.completeAll(requests(temperature: 1))
        let b = try await backend.completeAll(requests(temperature: 1))
        #expect(a.map(\.completionTokenIDs) == b.map(\.completionTokenIDs))
        var other = requests(temperature: 1)
        for i in other.indices { other[i].parameters.seed = UInt64(900 + i) }
        let c = try await backend.completeAll(other)
        #expect(a.map(\.completionTokenIDs) != c.map(\.completionTokenIDs))
    }

    /// The same requests run all together, two at a time with a tiny prefill budget (raised to one 64-row
    /// attention block; sequences joining mid-decode), and one by one give the same tokens (long prompts cut
    /// across passes: BatchIndependenceTests).
    @Test func batchedEqualsUnbatched() async throws {
        let together = try await tinyBackend().completeAll(requests(temperature: 0.8))
        let squeezed = try await tinyBackend(maxBatch: 2, rowBudget: 3).completeAll(requests(temperature: 0.8))
        var alone: [Completion] = []
        for r in requests(temperature: 0.8) { alone += try await tinyBackend(maxBatch: 1).completeAll([r]) }
        #expect(together.map(\.completionTokenIDs) == alone.map(\.completionTokenIDs))
        #expect(squeezed.map(\.completionTokenIDs) == alone.map(\.completionTokenIDs))
    }

    @Test func maxTokensEndsWithLength() async throws {
        let out = try await tinyBackend().completeAll(requests(temperature: 1, maxTokens: 5))
        for c in out where c.finishReason == .length { #expect(c.completionTokens == 5) }
        let zero = try await tinyBackend().completeAll(requests(temperature: 1, maxTokens: 0))
        #expect(zero.allSatisfy { $0.completionTokens == 0 && $0.text.isEmpty && $0.finishReason == .length })
    }

    /// A stop string taken from an unconstrained completion (an ASCII token piece after the first token)
    /// cuts the text right before its first occurrence, matched on bytes.
    @Test func stopStringsTruncateTheText() async throws {
        let backend = try tinyBackend()
        let free = try await backend.completeAll(requests(temperature: 1, maxTokens: 24))
        var checked = 0
        for (index, sample) in free.enumerated() {
            let ids = sample.completionTokenIDs ?? []
            let pieces = ids.map { backend.tokenizer.tokenBytes($0) }
            guard let k = pieces.indices.dropFirst().first(where: { j in
                !pieces[j].isEmpty && pieces[j].allSatisfy { $0 >= 0x21 && $0 < 0x7F } }) else { continue }
            let stop = String(decoding: pieces[k], as: UTF8.self)
            let all = pieces.flatMap { $0 }
            let before = pieces[0..<k].flatMap { $0 }
            // The first occurrence may start earlier than token k (inside or across earlier pieces).
            var first = before.count
            for start in 0...max(0, all.count - pieces[k].count) where Array(all[start..<(start + pieces[k].count)]) == pieces[k] {
                first = start; break
            }
            var r = requests(temperature: 1, maxTokens: 24)[index]
            r.parameters.stop = [stop]
            let cut = try await backend.completeAll([r])[0]
            #expect(cut.finishReason == .stop)
            #expect(cut.text == String(decoding: all[0..<first], as: UTF8.self))
            checked += 1
        }
        #expect(checked > 0)
    }

    /// Per-token logprobs equal the log-softmax of a full forward pass over prompt + completion.
    @Test func logprobsMatchAFullForward() async throws {
        let backend = try tinyBackend()
        let out = try await backend.completeAll(requests(temperature: 1, logprobs: true))
        for c in out {
            let prompt = c.promptTokenIDs ?? [], completion = c.completionTokenIDs ?? []
            let (scores, _) = try backend.scoreTokens(prompt + completion)
            let expected = Array(scores[(prompt.count - 1)...])
            let got = (c.logprobs ?? []).map(\.logprob)
            #expect(got.count == completion.count)
            #expect(zip(got, expected).allSatisfy { abs($0 - $1) < 1e-3 }, "logprobs \(got) vs \(expected)")
        }
    }

    /// With a zero lm_head every token is equally likely, so seeded samples hit EOS (id 299) now and
    /// then: it must end the sequence with reason "stop" and add no text.
    @Test func eosEndsGenerationWithStop() async throws {
        let c = TinyModelFactory.configuration(tied: false)
        var w = TinyModelFactory.weights(c)
        w["lm_head.weight"] = Tensor(zeros: [c.vocabSize, c.hiddenSize])
        let backend = try LocalBackend(configuration: c, weights: w, tokenizer: try TokenizerLoader.byteLevelTestTokenizer())
        var uniform = requests(temperature: 1, maxTokens: 200)
        for i in uniform.indices { uniform[i].parameters.topK = 0; uniform[i].parameters.topP = 1 }
        let out = try await backend.completeAll(uniform)
        var sawEOS = false
        for r in out {
            let ids = r.completionTokenIDs ?? []
            if let at = ids.firstIndex(where: backend.tokenizer.eosTokenIDs.contains) {
                sawEOS = true
                #expect(at == ids.count - 1 && r.finishReason == .stop)
                #expect(!r.text.contains("<|im_end|>"))
            } else {
                #expect(r.finishReason == .length && ids.count == 200)
            }
        }
        #expect(sawEOS)
    }

    @Test func chatPromptsUseTheTemplate() async throws {
        let backend = try tinyBackend()
        let r = CompletionRequest(prompt: .chat([ChatMessage(role: "user", content: "hi")]),
                                  parameters: SamplingParameters(temperature: 0, maxTokens: 3))
        let c = try await backend.completeAll([r])[0]
        #expect(c.promptTokenIDs?.contains(298) == true)   // <|im_start|>
    }

    @Test func invalidParametersAreRejected() async throws {
        let backend = try tinyBackend()
        let r = CompletionRequest(prompt: .text("a"), parameters: SamplingParameters(temperature: -1))
        await #expect(throws: EngineError.invalidParameter(index: 0, name: "temperature", value: "-1.0")) {
            _ = try await backend.completeAll([r])
        }
    }

    /// The GGUF (F32) and the HF folder of one tiny model generate the same greedy tokens.
    @Test func ggufAndFolderGenerateTheSame() async throws {
        let c = TinyModelFactory.configuration()
        let w = TinyModelFactory.weights(c)
        let dir = try TinyModelFactory.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try TinyModelFactory.writeFolder(to: dir.appendingPathComponent("hf"), configuration: c, weights: w)
        let gguf = try TinyModelFactory.writeGGUF(to: dir.appendingPathComponent("tiny.gguf"), configuration: c, weights: w)
        let a = try await LocalBackend.load(path: folder.path).completeAll(requests(temperature: 0))
        let b = try await LocalBackend.load(path: gguf.path).completeAll(requests(temperature: 0))
        #expect(a.map(\.completionTokenIDs) == b.map(\.completionTokenIDs))
        #expect(a.map(\.text) == b.map(\.text))
    }
}

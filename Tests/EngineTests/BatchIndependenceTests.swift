// A request's output must not depend on what it is batched with (issue 22: the same prompt and seed gave
// another text in 1 of 240 `serve` samples). Ten probe prompts of 1 to 300 tokens are generated alone,
// then inside batches of 2, 8 and 32 beside filler requests of other lengths, seeds and budgets (so their
// prompts prefill while the probe decodes, and prompts are cut across passes), for tiny random llama
// (q8 and fp32) and gemma3 (fp32) models, greedy and at T = 0.9 with a seed. Token ids and log-probs
// must be bit-identical. Before the fix (q8 prefills of ≥ 128 rows on fp32 panels, OpenBLAS sgemm whose
// per-row results depend on the row count, prompt chunks not aligned to the attention's 64-row blocks)
// this failed in every configuration (docs/BENCHMARKS.md, "Batch independence").
import Testing
import Foundation
import Inference
import Models
import Tokenizers
import Tensors
import TestSupport
@testable import Engine

/// One model and sampling setting of the comparison.
struct BatchIndependenceCase: Sendable, CustomTestStringConvertible {
    let architecture: String
    let format: WeightFormat
    let temperature: Double
    var testDescription: String { "\(architecture) \(format.rawValue) T=\(temperature)" }
}

/// A tiny decoder wide enough (hidden 64) for the products to reach OpenBLAS's blocked kernels, with a
/// 512-position context for the 300-token probes.
private func batchTestBackend(_ setting: BatchIndependenceCase) throws -> LocalBackend {
    var c: DecoderConfiguration
    let weights: [String: Tensor]
    if setting.architecture == "gemma3" {
        c = TinyModelFactory.gemma3Configuration(window: 80)
        c.hiddenSize = 64; c.intermediateSize = 128; c.maxPositionEmbeddings = 512
        weights = TinyModelFactory.gemma3Weights(c, seed: 5)
    } else {
        c = TinyModelFactory.configuration(modelType: setting.architecture)
        c.hiddenSize = 64; c.headDim = 16; c.intermediateSize = 128; c.maxPositionEmbeddings = 512
        weights = TinyModelFactory.weights(c, seed: 5)
    }
    return try LocalBackend(configuration: c, weights: weights, tokenizer: try TokenizerLoader.byteLevelTestTokenizer(),
                            threads: 2, maxBatchSize: 64, weightFormat: setting.format)
}

/// Random token prompts (ids below the tiny vocabulary's special tokens).
private func randomTokens(_ count: Int, _ rng: inout SplitMix64) -> [Int] {
    (0..<count).map { _ in Int(rng.next() % 290) }
}

/// The probes: lengths around the attention's 64-row blocks and the old 128-row q8 switch.
private let probeLengths = [1, 3, 17, 63, 64, 65, 130, 200, 257, 300]

private func probeRequests(temperature: Double) -> [CompletionRequest] {
    var rng = SplitMix64(seed: 2026)
    return probeLengths.enumerated().map { i, n in
        CompletionRequest(prompt: .tokens(randomTokens(n, &rng)), parameters: SamplingParameters(
            temperature: temperature, topP: 0.95, topK: 40, maxTokens: 10, seed: UInt64(1000 + i), logprobs: true))
    }
}

/// Filler requests of assorted lengths, seeds, temperatures and budgets.
private func fillerRequests(_ count: Int, salt: UInt64) -> [CompletionRequest] {
    var rng = SplitMix64(seed: 77 &+ salt)
    return (0..<count).map { j in
        let n = 1 + Int(rng.next() % 280)
        return CompletionRequest(prompt: .tokens(randomTokens(n, &rng)), parameters: SamplingParameters(
            temperature: j % 3 == 0 ? 0 : 1, topP: 1, topK: 0, maxTokens: 1 + Int(rng.next() % 16),
            seed: rng.next(), logprobs: j % 2 == 0))
    }
}

/// A completion's tokens and log-probabilities as exact bits.
private struct Fingerprint: Equatable {
    let tokens: [Int]
    let logprobs: [UInt64]
    init(_ c: Completion) {
        tokens = c.completionTokenIDs ?? []
        logprobs = (c.logprobs ?? []).map(\.logprob.bitPattern)
    }
}

/// Probes run in batches of `size`: half probes, half fillers (at least one filler), probes at varying
/// places. Returns each probe's fingerprint, in probe order.
private func batched(_ probes: [CompletionRequest], size: Int, on backend: LocalBackend) async throws -> [Fingerprint] {
    var out = [Fingerprint?](repeating: nil, count: probes.count)
    let perBatch = max(1, min(probes.count, size / 2))
    var start = 0, round: UInt64 = 0
    while start < probes.count {
        let mine = Array(start..<min(probes.count, start + perBatch))
        var batch = fillerRequests(size - mine.count, salt: UInt64(size) &* 100 &+ round)
        var places: [Int] = []
        for (j, p) in mine.enumerated() {
            // Spread the probes over the batch: first, last, middle, ...
            let at = min(batch.count, (j * 2 + Int(round)) % (batch.count + 1))
            batch.insert(probes[p], at: at)
            places = places.map { $0 >= at ? $0 + 1 : $0 } + [at]
        }
        let done = try await backend.completeAll(batch)
        for (j, p) in mine.enumerated() { out[p] = Fingerprint(done[places[j]]) }
        start += perBatch; round += 1
    }
    return out.compactMap { $0 }
}

@Suite(.serialized) struct BatchIndependenceTests {
    static let cases: [BatchIndependenceCase] = [
        .init(architecture: "llama", format: .q8, temperature: 0), .init(architecture: "llama", format: .q8, temperature: 0.9),
        .init(architecture: "llama", format: .fp32, temperature: 0), .init(architecture: "llama", format: .fp32, temperature: 0.9),
        .init(architecture: "gemma3", format: .fp32, temperature: 0), .init(architecture: "gemma3", format: .fp32, temperature: 0.9),
    ]

    @Test("a probe gives the same tokens and log-probs alone and inside batches of 2, 8 and 32", arguments: cases)
    func probesAreBatchIndependent(_ setting: BatchIndependenceCase) async throws {
        let backend = try batchTestBackend(setting)
        let probes = probeRequests(temperature: setting.temperature)
        var alone: [Fingerprint] = []
        for p in probes { alone.append(Fingerprint(try await backend.completeAll([p])[0])) }
        #expect(alone.allSatisfy { !$0.tokens.isEmpty && $0.logprobs.count == $0.tokens.count })
        for size in [2, 8, 32] {
            let together = try await batched(probes, size: size, on: backend)
            let differing = zip(alone, together).enumerated().filter { $0.element.0 != $0.element.1 }.map { probeLengths[$0.offset] }
            #expect(differing.isEmpty, "batch of \(size): \(differing.count)/\(probes.count) probes differ (prompt lengths \(differing))")
        }
    }

    /// The probes' outputs are not all alike (a test that cannot fail would pass on a constant model).
    @Test func probesProduceVariedOutputs() async throws {
        let backend = try batchTestBackend(Self.cases[1])
        let outs = try await backend.completeAll(probeRequests(temperature: 0.9)).map(Fingerprint.init)
        #expect(Set(outs.map(\.tokens)).count > 5)
    }
}

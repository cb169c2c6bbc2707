// `serve` over HTTP gives a request the same text and log-probs alone as inside a batch (issue 22). Each
// server's batcher flushes exactly when `maxBatch` requests are pending (its window is far longer than the
// test), so "alone" is a server with maxBatch 1 and "batch of B" a server with maxBatch B that received
// the probe and B - 1 concurrent fillers: the batch composition is certain, not a matter of timing.
import AsyncHTTPClient
import Engine
import Foundation
import Inference
import NIOCore
@testable import Server
import TestSupport
import Testing

/// Token-id prompts of `count` tokens (ids below the tiny vocabulary's special tokens).
private func tokenPrompt(_ count: Int, seed: UInt64) -> String {
    var rng = SplitMix64(seed: seed)
    return "[" + (0..<count).map { _ in String(rng.next() % 290) }.joined(separator: ",") + "]"
}

private func body(prompt: String, seed: Int, temperature: Double, maxTokens: Int) -> String {
    #"{"prompt":\#(prompt),"max_tokens":\#(maxTokens),"temperature":\#(temperature),"seed":\#(seed),"logprobs":1}"#
}

/// The first choice's text and token log-probabilities.
private struct Answer: Equatable {
    let text: String
    let logprobs: [Double]
    init(_ json: [String: Any]) {
        let choice = (json["choices"] as? [[String: Any]])?.first
        text = choice?["text"] as? String ?? "<none>"
        logprobs = (choice?["logprobs"] as? [String: Any])?["token_logprobs"] as? [Double] ?? []
    }
}

@Suite(.serialized) struct BatchIndependenceServerTests {
    /// Probes: a short, a 70-token and a 150-token prompt (across the 64-row attention blocks).
    static let probes = [(5, 1), (70, 2), (150, 3)].map { (prompt: tokenPrompt($0.0, seed: UInt64($0.1)), seed: 40 + $0.1) }

    @Test("a request alone and inside concurrent batches of 2 and 8 gets the same text and log-probs", arguments: [0.0, 0.9])
    func aloneEqualsBatched(temperature: Double) async throws {
        let backend = try tinyLocalBackend(context: 512)
        let alone = try await withServer(OpenAIServer(backend: backend, port: 0, batchWindow: .seconds(600), maxBatch: 1)) { url in
            var out: [Answer] = []
            for p in Self.probes {
                let (status, json) = try await post(url, "/v1/completions", body(prompt: p.prompt, seed: p.seed, temperature: temperature, maxTokens: 8))
                #expect(status == 200)
                out.append(Answer(json))
            }
            return out
        }
        #expect(alone.allSatisfy { $0.logprobs.count >= 1 })
        for size in [2, 8] {
            let batched = try await withServer(OpenAIServer(backend: backend, port: 0, batchWindow: .seconds(600), maxBatch: size)) { url in
                var out: [Answer] = []
                for (i, p) in Self.probes.enumerated() {
                    // The probe and size - 1 fillers of other lengths, seeds and budgets, sent at once.
                    let bodies = [body(prompt: p.prompt, seed: p.seed, temperature: temperature, maxTokens: 8)]
                        + (1..<size).map { j in
                            body(prompt: tokenPrompt(1 + (j * 37 + i * 11) % 200, seed: UInt64(100 * size + 10 * i + j)),
                                 seed: 500 + j, temperature: j % 2 == 0 ? 0 : 1, maxTokens: 1 + j % 12)
                        }
                    let answers = try await withThrowingTaskGroup(of: (Int, Answer).self) { group in
                        for (j, b) in bodies.enumerated() {
                            group.addTask { (j, Answer(try await post(url, "/v1/completions", b).1)) }
                        }
                        var got: [Int: Answer] = [:]
                        for try await (j, a) in group { got[j] = a }
                        return got
                    }
                    out.append(answers[0] ?? Answer([:]))
                }
                return out
            }
            let differing = alone.indices.filter { alone[$0] != batched[$0] }
            #expect(differing.isEmpty, "batch of \(size): probes \(differing) of \(alone.count) differ")
        }
    }
}

// Rollout generation for the RL loop: G samples per prompt from the current policy. Two samplers:
// `BackendRolloutSampler` hands the current weights to an inference `Backend` (the local engine, with
// its KV cache) and takes the token ids it reports; `PolicySampler` samples directly from the training
// decoder (no KV cache: O(T²), for tiny models and tests). Seeds come from `SeedDerivation`, keyed by
// the training step, so a resumed run redraws exactly the samples it would have drawn.

import Foundation
import Inference
import Models
import Tensors

/// One training prompt: text for text backends, token ids for token-level samplers, and gold answers.
public struct TrainingPrompt: Sendable, Codable, Hashable {
    /// Stable id.
    public var id: String
    /// The text.
    public var text: String
    /// Token ids of the prompt, when known without a tokenizer (token-level tasks and tests).
    public var tokens: [Int]?
    /// The golds.
    public var golds: [String]
    /// Bundles a prompt.
    public init(id: String, text: String, tokens: [Int]? = nil, golds: [String]) {
        self.id = id; self.text = text; self.tokens = tokens; self.golds = golds
    }
}

/// One sampled response.
public struct SampledResponse: Sendable, Codable, Hashable {
    /// The prompt tokens.
    public var promptTokens: [Int]
    /// Generated ids, including the EOS token when generation stopped on it.
    public var completionTokens: [Int]
    /// The text.
    public var text: String
    /// The budget ran out before EOS or a stop string.
    public var truncated: Bool
    /// Bundles a response.
    public init(promptTokens: [Int], completionTokens: [Int], text: String, truncated: Bool) {
        self.promptTokens = promptTokens; self.completionTokens = completionTokens; self.text = text; self.truncated = truncated
    }
}

/// Draws G responses per prompt from the given policy.
public protocol RolloutSampler: Sendable {
    /// `seeds[p][g]` is the seed of response g to prompt p; the result has the same shape.
    func sample(_ prompts: [TrainingPrompt], seeds: [[UInt64]], model: PolicyModel,
                parameters: SamplingParameters) async throws -> [[SampledResponse]]
    /// The same, reporting each finished response to `progress` (completed of all P·G).
    func sample(_ prompts: [TrainingPrompt], seeds: [[UInt64]], model: PolicyModel,
                parameters: SamplingParameters, progress: ProgressHandler?) async throws -> [[SampledResponse]]
}

extension RolloutSampler {
    /// Samplers without their own progress report the whole batch when it is done.
    public func sample(_ prompts: [TrainingPrompt], seeds: [[UInt64]], model: PolicyModel,
                       parameters: SamplingParameters, progress: ProgressHandler?) async throws -> [[SampledResponse]] {
        let out = try await sample(prompts, seeds: seeds, model: model, parameters: parameters)
        let n = seeds.reduce(0) { $0 + $1.count }
        progress?(ProgressUpdate(phase: "rollouts", completed: n, total: n))
        return out
    }
}

/// Samples from an inference backend built from the current weights (the local engine in the CLI).
public struct BackendRolloutSampler: RolloutSampler {
    /// Builds a backend over HF-named fp32 weights and the policy's (engine) configuration; called once
    /// per step, after each update. The composition root (the CLI) supplies it, e.g. the local engine.
    public typealias BackendFactory = @Sendable (DecoderConfiguration, [String: Tensor]) async throws -> any Backend
    let makeBackend: BackendFactory

    /// A sampler over `makeBackend`.
    public init(makeBackend: @escaping BackendFactory) { self.makeBackend = makeBackend }

    public func sample(_ prompts: [TrainingPrompt], seeds: [[UInt64]], model: PolicyModel,
                       parameters: SamplingParameters) async throws -> [[SampledResponse]] {
        try await sample(prompts, seeds: seeds, model: model, parameters: parameters, progress: nil)
    }

    public func sample(_ prompts: [TrainingPrompt], seeds: [[UInt64]], model: PolicyModel,
                       parameters: SamplingParameters, progress: ProgressHandler?) async throws -> [[SampledResponse]] {
        let backend = try await makeBackend(model.configuration, model.parameters.tensors())
        var requests: [CompletionRequest] = []
        for (p, prompt) in prompts.enumerated() {
            for seed in seeds[p] {
                var params = parameters
                params.seed = seed
                requests.append(CompletionRequest(prompt: .text(prompt.text), parameters: params))
            }
        }
        var slots = [Completion?](repeating: nil, count: requests.count), done = 0
        for try await item in backend.complete(requests) where slots.indices.contains(item.index) {
            if slots[item.index] == nil { done += 1 }
            slots[item.index] = item.completion
            progress?(ProgressUpdate(phase: "rollouts", completed: done, total: requests.count))
        }
        try Task.checkCancellation()
        guard done == requests.count else {
            throw TrainingError.invalidBatch("the backend \(backend.modelName) returned \(done) of \(requests.count) rollouts")
        }
        let completions = slots.compactMap { $0 }
        var out: [[SampledResponse]] = [], k = 0
        for (p, _) in prompts.enumerated() {
            var group: [SampledResponse] = []
            for _ in seeds[p] {
                let c = completions[k]; k += 1
                guard let pt = c.promptTokenIDs, let ct = c.completionTokenIDs else {
                    throw TrainingError.invalidBatch("the backend \(backend.modelName) did not report token ids; training needs the local engine")
                }
                group.append(SampledResponse(promptTokens: pt, completionTokens: ct, text: c.text, truncated: c.finishReason == .length))
            }
            out.append(group)
        }
        return out
    }
}

/// Token-level sampling straight from the training decoder (temperature, seeded). Stops at any of
/// `configuration.eosTokenIDs`; the text is the ids joined by spaces (token-level tasks grade ids).
public struct PolicySampler: RolloutSampler {
    /// A sampler; prompts must carry `tokens`.
    public init() {}

    public func sample(_ prompts: [TrainingPrompt], seeds: [[UInt64]], model: PolicyModel,
                       parameters: SamplingParameters) async throws -> [[SampledResponse]] {
        let ws = DecoderWorkspace()
        var out: [[SampledResponse]] = []
        for (p, prompt) in prompts.enumerated() {
            guard let start = prompt.tokens, !start.isEmpty else {
                throw TrainingError.invalidBatch("prompt \(prompt.id) has no token ids; PolicySampler needs tokenised prompts")
            }
            var rngs = seeds[p].map { SplitMix64(seed: $0) }
            var seqs = [[Int]](repeating: start, count: rngs.count), done = [Bool](repeating: false, count: rngs.count)
            for _ in 0..<parameters.maxTokens {
                if Task.isCancelled { throw CancellationError() }
                let live = seqs.indices.filter { !done[$0] }
                if live.isEmpty { break }
                let probs = try model.nextTokenProbabilities(live.map { seqs[$0] }, workspace: ws)
                for (k, i) in live.enumerated() {
                    let tok = Self.draw(probs[k], temperature: parameters.temperature, rng: &rngs[i])
                    seqs[i].append(tok)
                    if model.configuration.eosTokenIDs.contains(tok) { done[i] = true }
                }
            }
            out.append(seqs.indices.map { i in
                let comp = Array(seqs[i][start.count...])
                return SampledResponse(promptTokens: start, completionTokens: comp,
                                       text: comp.map(String.init).joined(separator: " "), truncated: !done[i])
            })
        }
        return out
    }

    /// Samples an index from probabilities p (temperature 0 = argmax; T ≠ 1 uses p^(1/T)).
    static func draw(_ p: [Float], temperature: Double, rng: inout SplitMix64) -> Int {
        if temperature <= 0 { return p.indices.max { p[$0] < p[$1] } ?? 0 }
        let w = temperature == 1 ? p.map(Double.init) : p.map { Foundation.pow(Double($0), 1 / temperature) }
        let total = w.reduce(0, +)
        var u = rng.nextUnit() * total
        for (i, x) in w.enumerated() { u -= x; if u < 0 { return i } }
        return w.count - 1
    }
}

extension PolicyModel {
    /// The next-token distribution after each sequence (one full forward each; no KV cache).
    func nextTokenProbabilities(_ sequences: [[Int]], workspace: DecoderWorkspace) throws -> [[Float]] {
        // A dummy target appended to each sequence makes the forward compute its last row's softmax.
        _ = try forward(sequences.map { ScoredSequence(tokens: $0 + [0], scoredFrom: $0.count) }, workspace: workspace)
        let v = configuration.vocabSize
        return sequences.indices.map { r in Array(UnsafeBufferPointer(start: workspace.logits + r * v, count: v)) }
    }
}

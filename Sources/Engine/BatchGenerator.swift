// The batching scheduler (continuous batching as in vLLM/Orca, Yu et al. 2022): up to `maxBatch`
// sequences are live at once; each pass feeds every decoding sequence one token and fills the rest of a
// row budget with prompt chunks of newly admitted ones, so each weight is one large sgemm per pass.
// Finished sequences leave at once and queued requests take their slots.
// A sequence's tokens and log-probs do not depend on what it is batched with (issue 22): every row of a
// pass goes through row-independent kernels (`LinearWeight.apply`, the attention of its own sequence, the
// row-wise norms and activations), prompt chunks are cut on the attention's 64-row blocks, and each
// sequence samples from its own generator seeded by its request (the server gives choice i seed + i).
import Foundation
import Inference
import Models
import Tensors

/// One live sequence: its request, cache, sampler and the tokens and bytes produced so far.
final class LiveSequence {
    let index: Int
    let request: CompletionRequest
    let promptIDs: [Int]
    let cache: SequenceCache
    var sampler: TokenSampler
    let stops: StopStringMatcher
    let budget: Int
    let started: Date
    var prefilled = 0
    var completionIDs: [Int] = []
    var bytes: [UInt8] = []
    var logprobs: [TokenLogprob] = []
    var finish: (reason: FinishReason, textEnd: Int)?

    init(index: Int, request: CompletionRequest, promptIDs: [Int], cache: SequenceCache, seed: UInt64, budget: Int) {
        self.index = index; self.request = request; self.promptIDs = promptIDs; self.cache = cache
        sampler = TokenSampler(parameters: request.parameters, seed: seed)
        stops = StopStringMatcher(request.parameters.stop)
        self.budget = budget; started = Date()
    }

    var isPrefilling: Bool { prefilled < promptIDs.count }

    func completion(tokenText: (Int) -> [UInt8]) -> Completion {
        let end = finish?.textEnd ?? bytes.count
        return Completion(
            text: String(decoding: bytes[0..<end], as: UTF8.self), promptTokens: promptIDs.count,
            completionTokens: completionIDs.count, finishReason: finish?.reason ?? .length,
            logprobs: request.parameters.logprobs ? logprobs : nil, promptTokenIDs: promptIDs,
            completionTokenIDs: completionIDs, latency: Date().timeIntervalSince(started))
    }
}

/// Runs a list of requests through a model in continuous batches.
struct BatchGenerator {
    let model: any CausalDecoder
    let tokenizer: TokenizerAdapter
    let maxBatch: Int
    let rowBudget: Int
    let threads: Int

    /// Prompt chunks that leave the prompt unfinished end on multiples of this many positions.
    static let promptBlock = CausalAttention.rowBlock

    /// Generates every request, calling `emit` with each completion as it finishes; stops with
    /// `CancellationError` at the next pass once `isCancelled` returns true (the generating thread is not
    /// a task, so `Task.isCancelled` would never be set there).
    func run(_ requests: [CompletionRequest], isCancelled: () -> Bool = { Task.isCancelled },
             emit: (IndexedCompletion) -> Void) throws {
        let c = model.configuration
        var queue = Array(requests.indices.reversed())
        var live: [LiveSequence] = []
        while !queue.isEmpty || !live.isEmpty {
            if isCancelled() { throw CancellationError() }
            // A request cancelled through its control ends now with what it has (finish reason length).
            live.removeAll { seq in
                guard seq.request.control?.isCancelled == true else { return false }
                emit(IndexedCompletion(index: seq.index, completion: seq.completion(tokenText: tokenizer.bytes)))
                return true
            }
            while live.count < maxBatch, let i = queue.popLast() {
                if requests[i].control?.isCancelled == true {
                    emit(IndexedCompletion(index: i, completion: Completion(text: "", promptTokens: 0, completionTokens: 0,
                                                                            finishReason: .length)))
                    continue
                }
                let seq = try admit(i, requests[i], limit: c.maxPositionEmbeddings)
                if seq.budget == 0 {
                    seq.finish = (.length, 0)
                    emit(IndexedCompletion(index: i, completion: seq.completion(tokenText: tokenizer.bytes)))
                } else {
                    live.append(seq)
                }
            }
            guard !live.isEmpty else { continue }
            // Decoding sequences first (one row each), then prompt chunks up to the row budget.
            var chunks: [ForwardChunk] = [], owners: [LiveSequence] = []
            var rows = 0
            for seq in live where !seq.isPrefilling {
                chunks.append(ForwardChunk(cache: seq.cache, tokens: [seq.completionIDs.last ?? 0], logits: .last))
                owners.append(seq); rows += 1
            }
            // An unfinished prompt chunk ends on a multiple of the attention's row block, so the prompt is cut
            // into the same attention blocks whatever shares its passes (issue 22); a prompt that does not
            // get a whole block this pass waits for the next. The budget is at least one block.
            let budget = max(rowBudget, Self.promptBlock)
            for seq in live where seq.isPrefilling && rows < budget {
                let remaining = seq.promptIDs.count - seq.prefilled
                var n = min(budget - rows, remaining)
                if n < remaining { n -= (seq.prefilled + n) % Self.promptBlock }
                guard n > 0 else { continue }
                let done = n == remaining
                chunks.append(ForwardChunk(cache: seq.cache, tokens: Array(seq.promptIDs[seq.prefilled..<(seq.prefilled + n)]),
                                           logits: done ? .last : .none))
                owners.append(seq); rows += n
                seq.prefilled += n
            }
            let logits = try model.forward(chunks, threads: threads)
            let sampling = zip(chunks, owners).filter { $0.0.logits == .last }.map(\.1)
            // Each sequence owns its sampler and buffers, so sampling runs in parallel across them.
            logits.withUnsafeBufferPointer { lp in
                Parallel.forChunks(sampling.count, threads: threads) { range in
                    for row in range { step(sampling[row], logits: lp.baseAddress! + row * c.vocabSize, vocab: c.vocabSize) }
                }
            }
            live.removeAll { seq in
                guard seq.finish != nil else { return false }
                emit(IndexedCompletion(index: seq.index, completion: seq.completion(tokenText: tokenizer.bytes)))
                return true
            }
        }
    }

    /// Tokenizes request `i` and gives it a cache and sampler.
    private func admit(_ i: Int, _ request: CompletionRequest, limit: Int) throws -> LiveSequence {
        let p = request.parameters
        guard p.temperature >= 0, p.temperature.isFinite else {
            throw EngineError.invalidParameter(index: i, name: "temperature", value: "\(p.temperature)")
        }
        guard p.topP > 0, p.topP <= 1 else { throw EngineError.invalidParameter(index: i, name: "top_p", value: "\(p.topP)") }
        guard p.topK >= 0 else { throw EngineError.invalidParameter(index: i, name: "top_k", value: "\(p.topK)") }
        guard p.maxTokens >= 0 else { throw EngineError.invalidParameter(index: i, name: "max_tokens", value: "\(p.maxTokens)") }
        var ids = try tokenizer.encode(request.prompt)
        if let bad = ids.first(where: { !(0..<model.configuration.vocabSize).contains($0) }) {
            throw EngineError.invalidParameter(index: i, name: "prompt", value: "token id \(bad) outside 0..<\(model.configuration.vocabSize)")
        }
        if ids.isEmpty {
            guard let bos = tokenizer.bos ?? model.configuration.bosTokenID else { throw EngineError.emptyPrompt(index: i) }
            ids = [bos]
        }
        guard ids.count < limit else { throw EngineError.promptTooLong(index: i, tokens: ids.count, limit: limit) }
        let budget = min(p.maxTokens, limit - ids.count)
        let seed = p.seed ?? UInt64.random(in: 0...UInt64.max)  // nil: the backend chooses (documented in Inference)
        return LiveSequence(index: i, request: request, promptIDs: ids,
                            cache: model.makeCache(capacity: ids.count + budget), seed: seed, budget: budget)
    }

    /// Samples one token for `seq` and checks EOS, stop strings and the token budget.
    private func step(_ seq: LiveSequence, logits: UnsafePointer<Float>, vocab: Int) {
        let (token, logprob) = seq.sampler.sample(logits, count: vocab)
        seq.completionIDs.append(token)
        let piece = tokenizer.bytes(token)
        let control = seq.request.control
        if seq.request.parameters.logprobs || control != nil {
            var entry = TokenLogprob(token: String(decoding: piece, as: UTF8.self), tokenID: token, logprob: logprob)
            if let n = control?.topLogprobs, n > 0 {
                // The sampled token's log-probability fixes the log-sum-exp: lse = logit - logprob.
                let lse = Double(logits[token]) - logprob
                entry.top = TokenSampler.topIndices(logits, count: vocab, k: min(n, vocab)).map {
                    TokenLogprob(token: String(decoding: tokenizer.bytes($0), as: UTF8.self), tokenID: $0,
                                 logprob: Double(logits[$0]) - lse)
                }
            }
            // One entry per completion token, EOS included (the RL stage scores it too).
            if seq.request.parameters.logprobs { seq.logprobs.append(entry) }
            control?.onToken?(GeneratedToken(bytes: piece, logprob: entry, isEnd: tokenizer.eos.contains(token)))
        }
        if tokenizer.eos.contains(token) {
            seq.finish = (.stop, seq.bytes.count)
            return
        }
        let previous = seq.bytes.count
        seq.bytes += piece
        if let at = seq.stops.firstMatch(in: seq.bytes, previousCount: previous) {
            seq.finish = (.stop, at)
        } else if seq.completionIDs.count >= seq.budget {
            seq.finish = (.length, seq.bytes.count)
        }
    }
}

// Perplexity by llama.cpp's protocol (tools/perplexity/perplexity.cpp, `perplexity()`): tokenize the
// whole text, cut it into ⌊n / ctx⌋ non-overlapping chunks of `ctx` tokens, put BOS first in each
// chunk when the vocabulary adds one, and score only the second half of each chunk (positions
// ctx/2 … ctx-2 predicting the next token), so every scored token has at least ctx/2 of context.
import Foundation
import Inference

/// The result of a perplexity run.
public struct PerplexityResult: Codable, Sendable, Equatable {
    /// exp(mean negative log-likelihood) over the scored tokens.
    public var ppl: Double
    public var chunks: Int
    public var context: Int
    public var scoredTokens: Int
    public var meanNLL: Double
}

/// llama-perplexity's protocol on the local engine.
public enum PerplexityEvaluator {
    /// Scores `tokens` (the whole text, already tokenized with BOS as the vocabulary wants) in chunks of
    /// `context`; `bos` replaces each chunk's first token when given.
    public static func evaluate(backend: LocalBackend, tokens: [Int], context: Int, bos: Int?,
                                progress: ProgressHandler? = nil) throws -> PerplexityResult {
        let chunks = tokens.count / max(context, 1)
        guard context >= 4, chunks > 0 else {
            throw EngineError.invalidParameter(index: 0, name: "ctx",
                                               value: "\(context) with \(tokens.count) tokens (need ctx ≥ 4 and at least one full chunk)")
        }
        let first = context / 2
        var nll = 0.0, scored = 0
        for k in 0..<chunks {
            try Task.checkCancellation()
            var chunk = Array(tokens[(k * context)..<((k + 1) * context)])
            if let bos { chunk[0] = bos }
            let (logprobs, _) = try backend.scoreTokens(chunk)
            // logprobs[j] = log p(chunk[j+1] | chunk[0...j]); llama.cpp scores j in first ..< ctx-1.
            for j in first..<(context - 1) { nll -= logprobs[j]; scored += 1 }
            progress?(ProgressUpdate(phase: "perplexity", completed: k + 1, total: chunks,
                                     detail: String(format: "ppl %.4f", Foundation.exp(nll / Double(max(scored, 1))))))
        }
        let mean = nll / Double(scored)
        return PerplexityResult(ppl: Foundation.exp(mean), chunks: chunks, context: context, scoredTokens: scored, meanNLL: mean)
    }
}

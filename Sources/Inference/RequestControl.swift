// Per-request hooks a server needs from a backend that batches many requests together (issue 19):
// cancel one request of a batch when its client goes away, watch its tokens as they are generated
// (SSE streaming), and ask for the top-N alternatives of each token (OpenAI `logprobs=N`,
// `top_logprobs`). Backends that cannot honour a hook ignore it; the local engine honours all three.
import Synchronization

/// Hooks attached to one `CompletionRequest` (not part of its identity: requests compare without it).
public final class RequestControl: Sendable {
    /// Alternatives per generated token to report in `TokenLogprob.top` (0: none).
    public let topLogprobs: Int
    /// Called with each generated token as soon as it is sampled (from the generating thread).
    public let onToken: (@Sendable (GeneratedToken) -> Void)?
    private let cancelled = Mutex(false)

    public init(topLogprobs: Int = 0, onToken: (@Sendable (GeneratedToken) -> Void)? = nil) {
        self.topLogprobs = max(0, topLogprobs); self.onToken = onToken
    }

    /// Asks the backend to stop generating this request; it ends (finish reason `length`) at its next step.
    public func cancel() { cancelled.withLock { $0 = true } }

    /// Whether `cancel()` was called.
    public var isCancelled: Bool { cancelled.withLock { $0 } }
}

/// One token as it is generated: its bytes (before stop-string handling) and its log-probability
/// (with the top alternatives when `RequestControl.topLogprobs` > 0).
public struct GeneratedToken: Sendable, Hashable {
    public var bytes: [UInt8]
    public var logprob: TokenLogprob
    /// True for an end-of-sequence token (its bytes are not part of the text).
    public var isEnd: Bool
    public init(bytes: [UInt8], logprob: TokenLogprob, isEnd: Bool) {
        self.bytes = bytes; self.logprob = logprob; self.isEnd = isEnd
    }
}

// The shared concurrency limit of issue 2 ("bounded concurrency across all requests") and the
// spread over several URLs: an actor holding the permits and the in-flight count per URL.
// A request takes the least busy URL, ties broken round-robin, the way a simple
// least-connections load balancer (nginx `least_conn`) does.

/// Hands out request permits, each bound to the least busy server URL.
actor RequestScheduler {
    private var inFlight: [Int]
    private let limit: Int
    private var running = 0
    private var cursor = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, Error>)] = []
    private var nextWaiterID: UInt64 = 0

    init(urlCount: Int, limit: Int) {
        inFlight = Array(repeating: 0, count: max(1, urlCount))
        self.limit = max(1, limit)
    }

    /// Waits for a free permit and returns the index of the URL to use. Throws
    /// `CancellationError` if the task is cancelled while waiting.
    func acquire() async throws -> Int {
        try Task.checkCancellation()
        if running >= limit {
            nextWaiterID &+= 1
            let id = nextWaiterID
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
                    waiters.append((id, c))
                }
            } onCancel: {
                Task { await self.cancelWaiter(id) }
            }
            // A permit was handed over by `release` (running was not decremented).
        } else {
            running += 1
        }
        return pickURL()
    }

    /// Returns a permit taken by `acquire` for the URL at `index`.
    func release(_ index: Int) {
        if inFlight.indices.contains(index) { inFlight[index] = max(0, inFlight[index] - 1) }
        if waiters.isEmpty {
            running -= 1
        } else {
            waiters.removeFirst().continuation.resume()
        }
    }

    /// Requests in flight per URL (for tests and progress).
    func load() -> [Int] { inFlight }

    private func pickURL() -> Int {
        let n = inFlight.count
        var best = cursor % n
        for step in 0..<n {
            let i = (cursor + step) % n
            if inFlight[i] < inFlight[best] { best = i }
        }
        cursor = (best + 1) % n
        inFlight[best] += 1
        return best
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let at = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: at).continuation.resume(throwing: CancellationError())
    }
}

/// Token usage summed over every successful request (the `usage` field of each response).
public struct EndpointUsage: Sendable, Hashable, Codable {
    /// Successful HTTP requests.
    public var requests: Int
    /// Attempts that failed with a transient error and were retried.
    public var retries: Int
    public var promptTokens: Int
    public var completionTokens: Int
    public init(requests: Int = 0, retries: Int = 0, promptTokens: Int = 0, completionTokens: Int = 0) {
        self.requests = requests; self.retries = retries
        self.promptTokens = promptTokens; self.completionTokens = completionTokens
    }
}

/// The running usage totals of one `EndpointBackend` (shared by all its requests).
public actor UsageMeter {
    private var totals = EndpointUsage()
    public init() {}
    /// The totals so far.
    public func snapshot() -> EndpointUsage { totals }
    func record(promptTokens: Int, completionTokens: Int) {
        totals.requests += 1; totals.promptTokens += promptTokens; totals.completionTokens += completionTokens
    }
    func recordRetry() { totals.retries += 1 }
}

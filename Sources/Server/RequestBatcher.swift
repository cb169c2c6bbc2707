// Batches concurrent HTTP requests into one `Backend.complete` call, so the local engine can
// decode them together (the "continuous batching" idea of vLLM, simplified: requests arriving
// within a short window, up to a maximum batch, go to the backend as one batch).
import Foundation
import Inference

/// Gathers single completion requests for a short window, then sends them to the backend together.
actor RequestBatcher {
    private let backend: any Backend
    private let window: Duration
    private let maxBatch: Int
    private var pending: [(request: CompletionRequest, continuation: CheckedContinuation<Completion, Error>)] = []
    private var flushScheduled = false

    init(backend: any Backend, window: Duration, maxBatch: Int) {
        self.backend = backend; self.window = window; self.maxBatch = max(1, maxBatch)
    }

    /// Queues one request and waits for its completion.
    func complete(_ request: CompletionRequest) async throws -> Completion {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((request, continuation))
            if pending.count >= maxBatch {
                flush()
            } else if !flushScheduled {
                flushScheduled = true
                let window = window
                Task {
                    try? await Task.sleep(for: window)
                    await self.scheduledFlush()
                }
            }
        }
    }

    /// Queues several requests (one HTTP request's choices) and returns their completions in order.
    func completeAll(_ requests: [CompletionRequest]) async throws -> [Completion] {
        try await withThrowingTaskGroup(of: (Int, Completion).self) { group in
            for (i, request) in requests.enumerated() {
                group.addTask { (i, try await self.complete(request)) }
            }
            var out = [Completion?](repeating: nil, count: requests.count)
            for try await (i, completion) in group { out[i] = completion }
            return try out.enumerated().map { i, c in
                guard let c else { throw ServerError.missingCompletion(index: i) }
                return c
            }
        }
    }

    private func scheduledFlush() {
        flushScheduled = false
        if !pending.isEmpty { flush() }
    }

    private func flush() {
        let batch = pending
        pending = []
        let backend = backend
        Task { await Self.run(batch, on: backend) }
    }

    /// Runs one batch and resumes every waiter exactly once.
    private static func run(_ batch: [(request: CompletionRequest, continuation: CheckedContinuation<Completion, Error>)],
                            on backend: any Backend) async {
        var done = [Bool](repeating: false, count: batch.count)
        do {
            for try await item in backend.complete(batch.map(\.request)) {
                guard batch.indices.contains(item.index), !done[item.index] else { continue }
                done[item.index] = true
                batch[item.index].continuation.resume(returning: item.completion)
            }
            for i in batch.indices where !done[i] {
                batch[i].continuation.resume(throwing: ServerError.missingCompletion(index: i))
            }
        } catch {
            let message = (error as? LocalizedError)?.errorDescription ?? "\(error)"
            for i in batch.indices where !done[i] {
                batch[i].continuation.resume(throwing: ServerError.backendFailed(message))
            }
        }
    }
}

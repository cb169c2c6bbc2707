// Generation runs on threads of its own, never on Swift's cooperative pool (one thread per core): with
// more generations in flight than the pool has threads, async work in the same process (a server's
// handlers, this test's own task) still runs. Before `DedicatedThread`, each `complete` stream
// generated inside `Task.detached` and held a pool thread until it finished (CI stop 26).
import Dispatch
import Foundation
import Inference
import Synchronization
import Testing
import Tokenizers
import TestSupport
@testable import Engine

/// A counter the generating threads and the test share.
private final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func add() { value.add(1, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}

@Suite struct GenerationThreadTests {
    /// Each generation stops at its first token until this test's task, which needs a pool thread, has
    /// seen all of them arrive and opened the gate. If the generations held the pool, the test task could
    /// not run: the gate's 20 s watchdog would expire in every generation (counted, not timed).
    @Test func moreGenerationsThanPoolThreadsLeaveThePoolFree() async throws {
        let c = TinyModelFactory.configuration()
        let backend = try LocalBackend(configuration: c, weights: TinyModelFactory.weights(c),
                                       tokenizer: try TokenizerLoader.byteLevelTestTokenizer(), threads: 1)
        let n = ProcessInfo.processInfo.activeProcessorCount + 1
        let gate = DispatchSemaphore(value: 0)
        let arrived = Counter(), expired = Counter()
        let streams = (0..<n).map { i in
            let tokens = Counter()
            let control = RequestControl(onToken: { _ in
                tokens.add()
                guard tokens.count == 1 else { return }
                arrived.add()
                if gate.wait(timeout: .now() + 20) == .timedOut { expired.add() }
            })
            var request = CompletionRequest(prompt: .text("Once upon a time \(i)"),
                                            parameters: SamplingParameters(temperature: 0, maxTokens: 4))
            request.control = control
            return backend.complete([request])
        }
        let consumers = streams.map { stream in
            Task { var texts = 0; for try await _ in stream { texts += 1 }; return texts }
        }
        for _ in 0..<2_000 where arrived.count < n { try await Task.sleep(for: .milliseconds(10)) }
        #expect(arrived.count == n)
        for _ in 0..<n { gate.signal() }
        for consumer in consumers { #expect(try await consumer.value == 1) }
        #expect(expired.count == 0, "generations held the cooperative pool")
    }
}

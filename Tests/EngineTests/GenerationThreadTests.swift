// Generation runs on threads of its own, never on Swift's cooperative pool (one thread per core): a
// generation that held a pool thread for its whole run starved every async task in the process (the
// in-process HTTP servers of CI stop 26). Before `DedicatedThread`, each `complete` stream generated
// inside `Task.detached`, so every token was sampled inside a Swift task on a pool thread.
// The check is on the generating thread itself (is it running a task?), not on how responsive the pool
// is: in the full suite other tests hold the pool, so a responsiveness probe measured them (3 of 3 gates
// expired). Thread names cannot tell: Foundation on Linux leaves a new thread with its creator's name.
import Foundation
import Inference
import Synchronization
import Testing
import Tokenizers
import TestSupport
@testable import Engine

/// For each generated token, whether it was sampled inside a Swift task (on the cooperative pool).
private final class TaskSightings: Sendable {
    private let sightings = Mutex<[Bool]>([])
    func record() { let inTask = withUnsafeCurrentTask { $0 != nil }; sightings.withLock { $0.append(inTask) } }
    var all: [Bool] { sightings.withLock { $0 } }
}

@Suite struct GenerationThreadTests {
    @Test func noTokenIsGeneratedInsideASwiftTask() async throws {
        let c = TinyModelFactory.configuration()
        let backend = try LocalBackend(configuration: c, weights: TinyModelFactory.weights(c),
                                       tokenizer: try TokenizerLoader.byteLevelTestTokenizer(), threads: 1)
        let sightings = TaskSightings()
        let requests = (0..<3).map { i in
            var request = CompletionRequest(prompt: .text("Once upon a time \(i)"),
                                            parameters: SamplingParameters(temperature: 0, maxTokens: 4))
            request.control = RequestControl(onToken: { _ in sightings.record() })
            return request
        }
        let completions = try await backend.completeAll(requests)
        #expect(completions.count == 3 && completions.allSatisfy { $0.completionTokens > 0 })
        #expect(sightings.all.count == completions.map(\.completionTokens).reduce(0, +))
        #expect(!sightings.all.contains(true), "tokens were generated inside a Swift task")
    }
}

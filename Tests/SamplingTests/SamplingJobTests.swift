// Tests of the sampling job with a deterministic in-test backend: every planned sample stored once,
// per-sample seeds, resume after cancellation with nothing requested twice, and refusal to mix settings.
import Foundation
import Testing
import Datasets
import Inference
import Prompts
import RunStore
@testable import Sampling

/// A deterministic fake backend (tests only): the reply is derived from the request's seed.
/// It logs every request it is handed, so tests can check nothing is requested twice.
final class EchoBackend: Backend, @unchecked Sendable {
    let modelName: String
    private let lock = NSLock()
    private var log: [CompletionRequest] = []
    init(modelName: String = "echo") { self.modelName = modelName }

    var requested: [CompletionRequest] { lock.lock(); defer { lock.unlock() }; return log }

    func complete(_ requests: [CompletionRequest]) -> AsyncThrowingStream<IndexedCompletion, Error> {
        lock.lock(); log += requests; lock.unlock()
        return AsyncThrowingStream { continuation in
            let task = Task {
                // Deliver in reverse order: the job must not depend on arrival order.
                for (i, r) in requests.enumerated().reversed() {
                    if Task.isCancelled { break }
                    await Task.yield()
                    let seed = r.parameters.seed ?? 0
                    continuation.yield(IndexedCompletion(index: i, completion: Completion(
                        text: "answer \(seed % 1000)", promptTokens: 7, completionTokens: Int(seed % 5) + 1,
                        finishReason: seed % 2 == 0 ? .stop : .length, latency: 0.01)))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

func tempDatabase() throws -> RunDatabase {
    try RunDatabase(url: FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-sampling-\(UUID().uuidString)")
        .appendingPathComponent("run.sqlite"))
}

func paperPlan(questions: Int = 10, k: Int = 4, chunk: Int = 16) throws -> SamplingPlan {
    SamplingPlan(questions: QuestionSet.builtin(count: questions).questions, questionSource: "builtin",
                 templates: try PromptTemplate.paperTemplateNames.map { try PromptTemplate.named($0, directory: nil) },
                 temperatures: [0.6], k: k, topP: 0.95, maxTokens: 64, runSeed: 42, chunkSize: chunk)
}

/// Signals once the job has stored at least `threshold` samples.
final class ThresholdSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    private var fired = false
    let threshold: Int
    init(threshold: Int) { self.threshold = threshold }
    func wait() async {
        await withCheckedContinuation { c in
            lock.lock()
            if fired { lock.unlock(); c.resume() } else { continuation = c; lock.unlock() }
        }
    }
    func report(_ u: ProgressUpdate) {
        lock.lock(); defer { lock.unlock() }
        guard !fired, u.completed >= threshold else { return }
        fired = true
        continuation?.resume(); continuation = nil
    }
}

@Suite struct SamplingJobTests {
    @Test func storesEveryPlannedSampleWithItsOwnSeed() async throws {
        let db = try tempDatabase(), backend = EchoBackend()
        let plan = try paperPlan()
        let summary = try await SamplingJob.run(plan: plan, backend: backend, database: db)
        #expect(summary.planned == 120 && summary.stored == 120 && summary.requested == 120 && summary.alreadyStored == 0)
        #expect(try db.sampleCount() == 120)
        let stored = try db.samples(template: "r1")
        #expect(stored.count == 40)
        for s in stored {
            #expect(s.seed == SeedDerivation.seed(runSeed: 42, questionID: s.questionID, template: "r1", temperature: 0.6, sampleIndex: s.sampleIndex))
            #expect(s.response == "answer \(s.seed % 1000)")
            #expect(s.prompt.hasSuffix("Assistant: <think>") && s.topP == 0.95 && s.model == "echo")
        }
        // k samples of one prompt never share a seed.
        #expect(Set(backend.requested.compactMap(\.parameters.seed)).count == 120)
        #expect(backend.requested.allSatisfy { $0.parameters.maxTokens == 64 })
        #expect(backend.requested.filter { $0.parameters.stop == ["</answer>"] }.count == 40)
        #expect(summary.completionTokens == summary.runUsage.completionTokens && summary.runUsage.samples == 120)
        #expect(try db.questions().count == 10 && db.prompts().count == 3)
    }

    @Test func rerunRequestsNothing() async throws {
        let db = try tempDatabase()
        _ = try await SamplingJob.run(plan: paperPlan(questions: 3, k: 2), backend: EchoBackend(), database: db)
        let second = EchoBackend()
        let summary = try await SamplingJob.run(plan: paperPlan(questions: 3, k: 2), backend: second, database: db)
        #expect(second.requested.isEmpty)
        #expect(summary.alreadyStored == 18 && summary.stored == 0)
        // Widening the plan (k 2 → 3) requests only the new samples.
        let third = EchoBackend()
        let wider = try await SamplingJob.run(plan: paperPlan(questions: 3, k: 3), backend: third, database: db)
        #expect(third.requested.count == 9 && wider.stored == 9)
        #expect(try db.sampleCount() == 27)
    }

    @Test func cancelledRunResumesToExactlyTheExpectedCount() async throws {
        let db = try tempDatabase()
        let plan = try paperPlan(questions: 20, k: 4, chunk: 8)   // 240 samples
        let signal = ThresholdSignal(threshold: 120)
        let first = EchoBackend()
        let task = Task { try await SamplingJob.run(plan: plan, backend: first, database: db, progress: signal.report) }
        await signal.wait()
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        let keysAfterFirst = try db.existingSampleKeys()
        #expect(keysAfterFirst.count >= 120 && keysAfterFirst.count < 240)

        let second = EchoBackend()
        let summary = try await SamplingJob.run(plan: plan, backend: second, database: db)
        #expect(try db.sampleCount() == 240)
        #expect(summary.alreadyStored == keysAfterFirst.count && summary.stored == 240 - keysAfterFirst.count)
        let secondKeys = Set(plan.plannedSamples().filter { p in second.requested.contains(p.request) }.map(\.key))
        #expect(secondKeys.isDisjoint(with: keysAfterFirst))
        #expect(second.requested.count == 240 - keysAfterFirst.count)
    }

    @Test func refusesToMixSettings() async throws {
        let db = try tempDatabase()
        _ = try await SamplingJob.run(plan: paperPlan(questions: 2, k: 1), backend: EchoBackend(), database: db)
        var other = try paperPlan(questions: 2, k: 1); other.maxTokens = 128
        await #expect(throws: SamplingError.settingsMismatch(setting: "max-tokens", stored: "64", requested: "128")) {
            try await SamplingJob.run(plan: other, backend: EchoBackend(), database: db)
        }
        await #expect(throws: SamplingError.settingsMismatch(setting: "model", stored: "echo", requested: "other")) {
            try await SamplingJob.run(plan: paperPlan(questions: 2, k: 1), backend: EchoBackend(modelName: "other"), database: db)
        }
        var edited = try paperPlan(questions: 2, k: 1)
        edited.templates[0] = try PromptTemplate(name: "r1", stop: ["</answer>"], extraction: .answerTag, body: "Q: {question}")
        await #expect(throws: SamplingError.templateChanged(name: "r1")) {
            try await SamplingJob.run(plan: edited, backend: EchoBackend(), database: db)
        }
    }

    @Test func answerTagResponsesGetTheirStopStringBack() throws {
        let r1 = try PromptTemplate.named("r1", directory: nil), boxed = try PromptTemplate.named("qwen-math", directory: nil)
        #expect(SamplingJob.restoringAnswerClose("x </think> <answer> 5 ", finish: .stop, template: r1) == "x </think> <answer> 5 </answer>")
        #expect(SamplingJob.restoringAnswerClose("<answer> 5 </answer> done", finish: .stop, template: r1) == "<answer> 5 </answer> done")
        #expect(SamplingJob.restoringAnswerClose("<answer> 5", finish: .length, template: r1) == "<answer> 5")
        #expect(SamplingJob.restoringAnswerClose("no tag", finish: .stop, template: r1) == "no tag")
        #expect(SamplingJob.restoringAnswerClose("<answer> 5", finish: .stop, template: boxed) == "<answer> 5")
    }

    @Test func invalidPlans() throws {
        var p = try paperPlan(); p.k = 0
        #expect(throws: SamplingError.self) { try p.validate() }
        p = try paperPlan(); p.topP = 0
        #expect(throws: SamplingError.self) { try p.validate() }
        p = try paperPlan(); p.templates.append(p.templates[0])
        #expect(throws: SamplingError.self) { try p.validate() }
        p = try paperPlan(); p.temperatures = [-1]
        #expect(throws: SamplingError.self) { try p.validate() }
    }
}

// `TrainingSession` on a tiny HF folder with pre-loaded questions (any dataset form, or an audit's
// selection): only those questions are trained on, the provenance record is stored beside the step
// metrics, and each step reports rollout, scoring and backward progress.
import Datasets
import Foundation
import Inference
import RunStore
import Testing
import TestSupport
import Training
import TrainingRuns

/// Collects progress updates from any thread.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [ProgressUpdate] = []
    func add(_ u: ProgressUpdate) { lock.lock(); items.append(u); lock.unlock() }
    var all: [ProgressUpdate] { lock.lock(); defer { lock.unlock() }; return items }
}

@Suite struct TrainingSessionInputsTests {
    static func configuration(steps: Int) throws -> TrainerConfiguration {
        TrainerConfiguration(steps: steps, promptsPerStep: 2, groupSize: 2,
                             sampling: SamplingParameters(temperature: 1, maxTokens: 4, stop: try TrainingSession.stopStrings(template: "none")),
                             learner: LearnerConfiguration(objective: PolicyObjective(preset: .drGRPO, maxNewTokens: 4), microBatchSize: 1),
                             optimizer: AdamWConfiguration(learningRate: 1e-3), seed: 5, checkpointEvery: 0)
    }

    @Test func preloadedQuestionsProvenanceAndProgress() async throws {
        let dir = try TinyModelFactory.temporaryDirectory("session-inputs")
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = TinyModelFactory.configuration()
        let model = try TinyModelFactory.writeFolder(to: dir.appendingPathComponent("model"), configuration: c,
                                                     weights: TinyModelFactory.weights(c))
        let questions = [Question(id: "keep-1", problem: "1+1", golds: ["2"]), Question(id: "keep-2", problem: "2+2", golds: ["4"])]
        var setup = TrainingSetup(model: model.path, dataset: "audit:a", template: "none", threads: 1,
                                  runDirectory: dir.appendingPathComponent("run"), keepCheckpoints: 1)
        setup.questions = questions
        setup.paperParity = false
        setup.provenance = StoredMetric(name: "train.from_audit", step: 0, value: 2, payload: #"{"kept":["keep-1","keep-2"]}"#)
        let log = ProgressLog()
        let summary = try await TrainingSession.run(setup, configuration: try Self.configuration(steps: 2), resume: false,
                                                    progress: { log.add($0) })
        #expect(summary.finalStep == 2 && summary.metrics.count == 2)
        let db = try RunDatabase(url: dir.appendingPathComponent("run/run.sqlite"), create: false)
        let record = try #require(try db.metric(name: "train.from_audit"))
        #expect(record.value == 2 && record.payload?.contains("keep-2") == true)
        #expect(try db.configJSON("train.from_audit")?.contains("keep-1") == true)
        #expect(try db.metrics(prefix: "train/").contains { $0.name == "train/zero_variance_group_share" && $0.step == 2 })

        // Rollouts count every P·G response; backward counts every micro-batch (4 responses, micro-batch 1).
        let updates = log.all
        let rollouts = updates.filter { $0.phase == "step 1/2 rollouts" }
        #expect(rollouts.last?.completed == 4 && rollouts.last?.total == 4)
        #expect(rollouts.map(\.completed) == rollouts.map(\.completed).sorted())
        #expect(updates.contains { $0.phase == "step 2/2 scoring" && $0.completed == 4 && $0.total == 4 })
        let backward = updates.filter { $0.phase == "step 2/2 backward" }
        #expect(backward.first?.completed == 0 && backward.last.map { $0.completed == $0.total && $0.total >= 1 } == true)
        #expect(updates.last?.phase == "training" && updates.last?.completed == 2)
    }
}

// `r1audit train --from-audit RUN` and `r1audit learnability --from-audit RUN` end to end: a fake audit
// stored through the RunStore API (a scripted backend whose pass rates per question are known), then the
// CLI commands on a tiny model; the training run stores the audit's choices and trains only on the
// questions with both correct and incorrect audit samples.
import ArgumentParser
import Foundation
import Testing
import Analyses
import Datasets
import Inference
import Prompts
import RunStore
import TestSupport
@testable import R1AuditCLI

/// "Compute N": N % 3 == 0 always right, N % 3 == 1 always wrong, otherwise right on odd seeds.
struct ScriptedAuditBackend: Backend {
    let modelName = "scripted"
    func complete(_ requests: [CompletionRequest]) -> AsyncThrowingStream<IndexedCompletion, Error> {
        AsyncThrowingStream { c in
            for (i, r) in requests.enumerated() {
                guard case .text(let p) = r.prompt else { continue }
                let n = Int(p.components(separatedBy: "Compute ").last?.prefix { $0.isNumber } ?? "") ?? 0
                let seed = r.parameters.seed ?? 0
                let right = n % 3 == 0 || (n % 3 == 2 && seed % 2 == 1)
                c.yield(IndexedCompletion(index: i, completion: Completion(
                    text: "so \\boxed{\(right ? n : n + 1)}", promptTokens: 5, completionTokens: 4, finishReason: .stop)))
            }
            c.finish()
        }
    }
}

@Suite struct TrainFromAuditTests {
    @Test func trainAndForecastFromAStoredAudit() async throws {
        let dir = try TinyModelFactory.temporaryDirectory("from-audit")
        defer { try? FileManager.default.removeItem(at: dir) }
        let runs = dir.appendingPathComponent("runs")
        let auditDB = try RunDatabase(url: runs.appendingPathComponent("a/run.sqlite"))
        let questions = (0..<9).map { Question(id: "q\($0)", problem: "Compute \(10 + $0)", golds: ["\(10 + $0)"]) }
        let settings = AnalysisSettings(questions: questions, questionSource: "test", maxTokens: 4,
                                        grader: GraderSettings(paperParity: false, plainTextFallback: false), bootstrapResamples: 20)
        let audit = try await Audit(settings: settings, templates: [try PromptTemplate.named("qwen-math")], temperatures: [0.6, 1.0], k: 4)
            .run(backend: ScriptedAuditBackend(), database: auditDB)
        let plan = try AuditTrainingPlan.load(from: auditDB, run: "a")
        let sel = plan.selection(keepSolved: false)
        #expect(!sel.kept.isEmpty)
        #expect(Set(sel.droppedUnsolved) == Set(questions.filter { (Int($0.golds[0]) ?? 0) % 3 == 1 }.map(\.id)))
        #expect(Set(sel.droppedSolved) == Set(questions.filter { (Int($0.golds[0]) ?? 0) % 3 == 0 }.map(\.id)))

        var c = TinyModelFactory.configuration()
        c.maxPositionEmbeddings = 1024  // the qwen-math template's chat text is ~150 byte-level tokens
        let model = try TinyModelFactory.writeFolder(to: dir.appendingPathComponent("model"), configuration: c,
                                                     weights: TinyModelFactory.weights(c))
        let parsed = try R1Audit.parseAsRoot(["train", "--from-audit", "a", "--model", model.path, "--runs-dir", runs.path,
                                              "--run", "t", "--steps", "1", "--group-size", "2", "--prompts-per-step", "1",
                                              "--max-new-tokens", "4", "--threads", "1", "--json"])
        let train = try #require(parsed as? TrainCommand)
        let resolved = try train.resolve(warn: { _ in })
        #expect(resolved.template == audit.template && resolved.temperature == plan.temperature && resolved.reward == .auto)
        #expect(resolved.questions.map(\.id) == sel.kept)
        try await train.run()
        let trainDB = try RunDatabase(url: runs.appendingPathComponent("t/run.sqlite"), create: false)
        let record = try #require(try trainDB.metric(name: "train.from_audit"))
        let choices = try JSONDecoder().decode(FromAuditChoices.self, from: Data(try #require(record.payload).utf8))
        #expect(choices.selection == sel && choices.overridden.isEmpty && record.value == Double(sel.kept.count))
        #expect(try trainDB.configJSON("train.from_audit") == record.payload)
        #expect(try trainDB.metrics(prefix: "train/").contains { $0.name == "train/zero_variance_group_share" && $0.step == 1 })
        // Every rollout of the step is stored for the report's rollout browser: 1 prompt × G = 2, indices 0 and 1.
        let rollouts = try trainDB.rollouts()
        #expect(rollouts.map { [$0.step, $0.group, $0.index] } == [[1, 0, 0], [1, 0, 1]])
        #expect(rollouts.allSatisfy { sel.kept.contains($0.questionID) && !$0.prompt.isEmpty && ["correct", "incorrect", "no-answer"].contains($0.status) })

        // Overrides win and are recorded; --keep-solved keeps the always-correct questions.
        let over = try #require(try R1Audit.parseAsRoot(["train", "--from-audit", "a", "--runs-dir", runs.path, "--keep-solved",
                                                         "--temperature", "0.7", "--reward", "paper"]) as? TrainCommand)
        let r2 = try over.resolve(warn: { _ in })
        #expect(r2.temperature == 0.7 && r2.reward == .paper && r2.choices?.overridden == ["--temperature", "--reward"])
        #expect(r2.questions.count == sel.kept.count + sel.droppedSolved.count)

        // The forecast from the same audit, in its own run.
        var forecast = try #require(try R1Audit.parseAsRoot(["learnability", "--from-audit", "a", "--model", model.path,
                                                             "--runs-dir", runs.path, "--run", "f", "--group-size", "2",
                                                             "--max-new-tokens", "4", "--threads", "1", "--json"]) as? LearnabilityCommand)
        try await forecast.run()
        let f = try #require(try LearnabilityResult.loadAll(from: try RunDatabase(url: runs.appendingPathComponent("f/run.sqlite"), create: false)).first)
        #expect(f.histogram.reduce(0, +) == questions.count && f.filteredPrompts == sel.kept.count && f.template == audit.template)
        #expect(throws: (any Error).self) {
            _ = try R1Audit.parseAsRoot(["learnability", "--from-audit", "a", "--run", "a"])
        }
    }
}

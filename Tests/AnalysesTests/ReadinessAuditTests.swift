// Issue 21: the readiness audit over a real run store holding hand-made samples whose figures can be
// worked out by hand: 3 questions × 4 samples of qwen-math at T = 0.6.
import Foundation
import Testing
import Datasets
import RunStore
@testable import Analyses

@Suite("Readiness: audit over a stored run")
struct ReadinessAuditTests {
    static func store() throws -> (RunDatabase, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("readiness-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = try RunDatabase(url: dir.appendingPathComponent("run.sqlite"))
        try db.upsert(questions: [
            StoredQuestion(id: "q1", problem: "What is 2 + 2?", golds: ["4"], source: "test"),
            StoredQuestion(id: "q2", problem: "What is 3 + 3?", golds: ["6"], source: "test"),
            StoredQuestion(id: "q3", problem: "What is 5 + 5?", golds: ["10"], source: "test"),
        ])
        try db.upsert(prompt: StoredPrompt(template: "qwen-math", body: "{question}", stop: [], extraction: .boxed))
        // q1: 4 of 4 right (solved), q2: 2 of 4, q3: 0 of 4; one q2 response writes Python.
        let responses: [(String, [String])] = [
            ("q1", ["The sum is \\boxed{4}.", "So \\boxed{4}.", "We get \\boxed{4}.", "Answer \\boxed{4}."]),
            ("q2", ["The sum is \\boxed{6}.", "```python\nprint(3+3)\n```\nSo \\boxed{6}.", "The sum is \\boxed{5}.", "The sum is \\boxed{7}."]),
            ("q3", ["The sum is \\boxed{11}.", "The sum is \\boxed{9}.", "The sum is \\boxed{12}.", "The sum is \\boxed{1}."]),
        ]
        for (q, rs) in responses {
            for (i, r) in rs.enumerated() {
                _ = try db.insert(sample: StoredSample(questionID: q, template: "qwen-math", temperature: 0.6, topP: 1, sampleIndex: i,
                                                       seed: UInt64(i), prompt: q, response: r, promptTokens: 5, completionTokens: 8,
                                                       finishReason: .stop, latency: 0, model: "hand"))
            }
        }
        return (db, dir)
    }

    @Test("Hand-computed figures: pass@1 0.5, pass@4 2/3, 1 question kept, zero-signal share 2^-7 at G = 8")
    func handFigures() async throws {
        let (db, dir) = try Self.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await Readiness(groupSize: 8, answerSpace: .size(100), bootstrapResamples: 50).run(database: db)
        #expect(r.template == "qwen-math" && r.temperature == 0.6 && r.questions == 3 && r.samplesPerQuestion == 4)
        #expect(abs(r.passAtK.points[0].passAtK.estimate - 0.5) < 1e-12)           // (1 + 0.5 + 0) / 3
        #expect(r.passAtK.points.map(\.k) == [1, 2, 4])
        #expect(abs(r.passAtK.points[2].passAtK.estimate - 2.0 / 3) < 1e-12)       // q1 and q2 solved at k = 4
        #expect(r.questionsKept == 1)                                              // q2 only (q1 solved, q3 never)
        #expect(abs((r.zeroSignalShareKept ?? -1) - 2 * pow(0.5, 8)) < 1e-12)       // 0.5^8 + 0.5^8
        #expect(abs(r.zeroSignalShareAll - (1 + 2 * pow(0.5, 8) + 1) / 3) < 1e-12)
        #expect(r.headroom.formatGap == 0)                                         // every answer is boxed
        #expect(abs(r.headroom.codeShare.estimate - 1.0 / 12) < 1e-12)
        #expect(r.answerRate.estimate == 1)
        #expect(abs((r.guessingBaseline?[0] ?? 0) - 0.01) < 1e-12)
        #expect(r.verdict.signal == .yes)
        #expect(r.verdict.line.contains("questions kept: 1 of 3"))
        #expect(r.verdict.line.contains("contamination: not probed"))
        let stored = try #require(try ReadinessResult.loadAll(from: db).first)
        #expect(stored == r)
    }

    @Test("Keeping solved questions, and errors naming what the run holds")
    func keepSolvedAndErrors() async throws {
        let (db, dir) = try Self.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await Readiness(keepSolved: true, bootstrapResamples: 20).run(database: db)
        #expect(r.questionsKept == 2)
        await #expect(throws: AnalysesError.self) { try await Readiness(template: "r1").run(database: db) }
        await #expect(throws: AnalysesError.self) { try await Readiness(temperature: 1.0).run(database: db) }
        await #expect(throws: AnalysesError.self) { try await Readiness(groupSize: 1).run(database: db) }
    }

    @Test("Crossover against a tuned run: the same run does not lead; a run with no shared question is refused")
    func crossoverWithTunedRun() async throws {
        let (db, dir) = try Self.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (tuned, dir2) = try Self.store()
        defer { try? FileManager.default.removeItem(at: dir2) }
        // The tuned run gets q3 right once (4 of 4 → 1 of 4 wrong answers replaced): it leads at k = 1.
        _ = try tuned.insert(sample: StoredSample(questionID: "q3", template: "qwen-math", temperature: 0.6, topP: 1, sampleIndex: 4,
                                                  seed: 4, prompt: "q3", response: "\\boxed{10}", promptTokens: 5,
                                                  completionTokens: 8, finishReason: .stop, latency: 0, model: "hand"))
        let job = Readiness(bootstrapResamples: 50)
        let same = try job.crossover(base: db, tuned: db, template: "qwen-math", temperature: 0.6)
        #expect(!same.tunedLeadsAtOne && same.questions == 3)
        let r = try await job.run(database: db, tuned: ("tuned", tuned))
        let x = try #require(r.crossover)
        #expect(r.tunedRun == "tuned")
        #expect(x.maxK == 4)                                        // the base holds 4 samples per question
        #expect(x.tunedLeadsAtOne)                                  // q3: 1 of 5 right vs 0 of 4
        let other = try RunDatabase(url: dir.appendingPathComponent("other.sqlite"))
        #expect(throws: AnalysesError.self) { try job.crossover(base: db, tuned: other, template: "qwen-math", temperature: 0.6) }
    }
}

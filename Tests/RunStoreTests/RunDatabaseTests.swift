// Tests of the run store: round trips, resume keys, judgment cache, metrics, concurrent writers,
// and refusal (never overwriting) of corrupt, foreign and other-version files.
import Foundation
import GRDB
import Testing
@testable import RunStore

/// A fresh run folder in the temporary directory.
func tempRunURL() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-run-\(UUID().uuidString)")
        .appendingPathComponent(RunDatabase.fileName)
}

func sample(_ q: String, _ template: String = "r1", t: Double = 0.6, i: Int = 0, tokens: Int = 10) -> StoredSample {
    StoredSample(questionID: q, template: template, temperature: t, topP: 1, sampleIndex: i, seed: UInt64.max - UInt64(i),
                 prompt: "P \(q)", response: "R \(q) \(i)", promptTokens: 5, completionTokens: tokens,
                 finishReason: .stop, latency: 0.25, model: "m", created: Date(timeIntervalSince1970: 1_700_000_000))
}

@Suite struct RunDatabaseTests {
    @Test func samplesRoundTripAndKeysAreUnique() throws {
        let url = tempRunURL()
        let db = try RunDatabase(url: url)
        let id = try db.insert(sample: sample("q1", i: 0))
        try db.insert(sample: sample("q1", i: 1))
        try db.insert(sample: sample("q2", "none", t: 0, i: 0))
        // Same key again: not stored twice, the existing id comes back.
        var again = sample("q1", i: 0); again.response = "other"
        #expect(try db.insert(sample: again) == id)
        #expect(try db.sampleCount() == 3)
        let r1 = try db.samples(template: "r1", temperature: 0.6)
        #expect(r1.count == 2)
        #expect(r1[0].response == "R q1 0" && r1[0].seed == UInt64.max && r1[0].id == id)
        #expect(r1[0] == { var s = sample("q1", i: 0); s.id = id; return s }())
        #expect(try db.existingSampleKeys() == [
            SampleKey(questionID: "q1", template: "r1", temperature: 0.6, sampleIndex: 0),
            SampleKey(questionID: "q1", template: "r1", temperature: 0.6, sampleIndex: 1),
            SampleKey(questionID: "q2", template: "none", temperature: 0, sampleIndex: 0),
        ])
        #expect(try db.tokenUsage() == TokenUsage(samples: 3, promptTokens: 15, completionTokens: 30))
        // Reopening (a resumed run) sees the same rows.
        let reopened = try RunDatabase(url: url)
        #expect(try reopened.sampleCount() == 3)
        #expect(try reopened.sample(id: id)?.questionID == "q1")
    }

    @Test func configQuestionsPrompts() throws {
        let db = try RunDatabase(url: tempRunURL())
        try db.setConfig("sampling.k", value: 4)
        try db.setConfig("sampling.k", value: 8)
        #expect(try db.config("sampling.k", as: Int.self) == 8)
        #expect(try db.config("absent", as: Int.self) == nil)
        try db.upsert(questions: [StoredQuestion(id: "a", problem: "p", golds: ["1", "2"], source: "builtin")])
        #expect(try db.questions() == [StoredQuestion(id: "a", problem: "p", golds: ["1", "2"], source: "builtin")])
        try db.upsert(prompt: StoredPrompt(template: "r1", body: "{question}", stop: ["</answer>"], extraction: .answerTag))
        #expect(try db.prompts().first?.stop == ["</answer>"])
    }

    @Test func verdictsJudgmentsMetrics() throws {
        let db = try RunDatabase(url: tempRunURL())
        let id = try db.insert(sample: sample("q1"))
        try db.put(verdict: StoredVerdict(sampleID: id, grader: "math", extracted: "3", status: .incorrect))
        try db.put(verdict: StoredVerdict(sampleID: id, grader: "math", extracted: "4", status: .correct))
        try db.put(verdict: StoredVerdict(sampleID: id, grader: "strict", extracted: nil, status: .noAnswer))
        #expect(try db.verdicts(grader: "math") == [StoredVerdict(sampleID: id, grader: "math", extracted: "4", status: .correct)])
        #expect(try db.verdicts().count == 2)

        let key = RunDatabase.judgmentKey(model: "judge", prompt: "is it?")
        #expect(key != RunDatabase.judgmentKey(model: "judge2", prompt: "is it?"))
        #expect(try db.cachedJudgment(model: "judge", prompt: "is it?") == nil)
        let j = StoredJudgment(key: key, judgeModel: "judge", prompt: "is it?", reply: "1: yes", value: 1, kind: "answerability",
                               created: Date(timeIntervalSince1970: 1_700_000_000))
        try db.put(judgment: j)
        #expect(try db.cachedJudgment(model: "judge", prompt: "is it?") == j)
        #expect(try db.cachedJudgment(key: key) == j)
        #expect(try db.judgments(kind: "reflection").isEmpty)

        try db.putMetric(name: "passk.r1.k1", value: 0.25)
        try db.putMetric(name: "passk.r1.k2", value: 0.5, payload: "{\"n\":4}")
        try db.putMetric(name: "train.reward", step: 3, value: 0.1)
        try db.putMetric(name: "passk_other", value: 9)
        #expect(try db.metrics(prefix: "passk.").map(\.name) == ["passk.r1.k1", "passk.r1.k2"])
        #expect(try db.metric(name: "passk.r1.k2")?.payload == "{\"n\":4}")
        #expect(try db.metric(name: "train.reward", step: 3)?.value == 0.1)
        #expect(try db.metrics().count == 4)
    }

    @Test func concurrentWritersLoseNothing() async throws {
        let db = try RunDatabase(url: tempRunURL())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<8 {
                group.addTask {
                    for i in 0..<25 { try db.insert(sample: sample("q\(w)", i: i)) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try db.sampleCount() == 200)
    }

    @Test func corruptFileIsRefusedAndLeftUntouched() throws {
        let url = tempRunURL()
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: url)
        #expect(throws: RunStoreError.self) { try RunDatabase(url: url) }
        do { _ = try RunDatabase(url: url) } catch let e as RunStoreError {
            guard case .corrupt = e else { Issue.record("expected .corrupt, got \(e)"); return }
            #expect(e.localizedDescription.contains(url.path))
        }
        #expect(try Data(contentsOf: url) == garbage)
    }

    @Test func truncatedStoreIsRefused() throws {
        let url = tempRunURL()
        let db = try RunDatabase(url: url)
        for i in 0..<50 { try db.insert(sample: sample("q", i: i)) }
        let full = try Data(contentsOf: url)
        // A damaged header (the first page overwritten) must be refused, not recreated.
        var damaged = full; damaged.replaceSubrange(0..<100, with: Data(repeating: 0x41, count: 100))
        let other = tempRunURL()
        try FileManager.default.createDirectory(at: other.deletingLastPathComponent(), withIntermediateDirectories: true)
        try damaged.write(to: other)
        #expect(throws: RunStoreError.self) { try RunDatabase(url: other) }
        #expect(try Data(contentsOf: other) == damaged)
    }

    @Test func otherVersionIsRefusedAndLeftUntouched() throws {
        let url = tempRunURL()
        _ = try RunDatabase(url: url)
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { try $0.execute(sql: "PRAGMA user_version = 99") }
        try queue.close()
        let before = try Data(contentsOf: url)
        #expect(throws: RunStoreError.versionMismatch(path: url.path, found: 99, expected: RunDatabase.schemaVersion)) {
            try RunDatabase(url: url)
        }
        #expect(try Data(contentsOf: url) == before)
    }

    /// Finish reasons, grader statuses and template answer formats are read back as their types; a value
    /// this version does not know (a newer writer, a hand edit) is a `badStoredValue` naming the table and
    /// row, never a silent string or a default (a mistyped format once graded as `boxed`).
    @Test(arguments: [("samples", "UPDATE samples SET finish_reason = 'eos'"),
                      ("verdicts", "UPDATE verdicts SET status = 'maybe'"),
                      ("prompts", "UPDATE prompts SET extraction = 'latex'")])
    func unknownStoredEnumValueIsNamed(table: String, sql: String) throws {
        let url = tempRunURL()
        let db = try RunDatabase(url: url)
        let id = try db.insert(sample: sample("q1"))
        try db.put(verdict: StoredVerdict(sampleID: id, grader: "math", extracted: "4", status: .correct))
        try db.upsert(prompt: StoredPrompt(template: "t1", body: "{question}", stop: [], extraction: .answerTag))
        #expect(try db.samples().first?.finishReason == .stop)
        #expect(try db.verdicts().first?.status == .correct)
        #expect(try db.prompts().first?.extraction == .answerTag)
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { try $0.execute(sql: sql) }
        try queue.close()
        do {
            switch table {
            case "samples": _ = try db.samples()
            case "verdicts": _ = try db.verdicts()
            default: _ = try db.prompts()
            }
            Issue.record("an unknown \(table) value was accepted")
        } catch let RunStoreError.badStoredValue(path, t, key, reason) {
            #expect(path == url.path && t == table && key.contains("1"))
            #expect(reason.contains(["samples": "'eos'", "verdicts": "'maybe'", "prompts": "'latex'"][table]!))
        }
    }

    @Test func foreignSQLiteIsRefused() throws {
        let url = tempRunURL()
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { try $0.execute(sql: "CREATE TABLE t (x INTEGER)") }
        try queue.close()
        #expect(throws: RunStoreError.foreignDatabase(path: url.path, applicationID: 0)) { try RunDatabase(url: url) }
    }

    @Test func missingStoreWithoutCreate() {
        let url = tempRunURL()
        #expect(throws: RunStoreError.missing(path: url.path)) { try RunDatabase(url: url, create: false) }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func emptyFileLeftByAKilledRunIsInitialised() throws {
        let url = tempRunURL()
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data().write(to: url)
        let db = try RunDatabase(url: url)
        #expect(try db.sampleCount() == 0)
    }
}

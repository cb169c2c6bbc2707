// Schema version 2: keyed analysis results that never overwrite each other, per-sample labels exported
// with the samples, the samples' own plan, and the migration of a version-1 store (written here with the
// version-1 schema exactly as earlier builds wrote it, without GRDB's migrations table).
import Foundation
import GRDB
import Testing
@testable import RunStore

@Suite struct KeyedResultsTests {
    static func key(_ template: String, _ t: Double, grader: String = "auto+fallback") -> ResultKey {
        ResultKey(analysis: "exploration", template: template, temperature: t, grader: grader, judge: "none")
    }

    @Test func resultsWithOtherKeysAreStoredBesideEachOther() throws {
        let db = try RunDatabase(url: tempRunURL())
        try db.put(result: StoredResult(key: Self.key("r1", 0.6), headline: 0.1, payload: "{\"a\":1}"))
        try db.put(result: StoredResult(key: Self.key("qwen-math", 0.6), headline: 0.2, payload: "{\"a\":2}"))
        try db.put(result: StoredResult(key: Self.key("r1", 1.0), headline: 0.3, payload: "{\"a\":3}"))
        try db.put(result: StoredResult(key: Self.key("r1", 0.6, grader: "paper"), headline: 0.4, payload: "{\"a\":4}"))
        // The same key again replaces only that row.
        try db.put(result: StoredResult(key: Self.key("r1", 0.6), headline: 0.5, payload: "{\"a\":5}"))
        let all = try db.results(analysis: "exploration")
        #expect(all.map(\.key) == [Self.key("qwen-math", 0.6), Self.key("r1", 0.6), Self.key("r1", 0.6, grader: "paper"), Self.key("r1", 1.0)])
        #expect(all.map(\.headline) == [0.2, 0.5, 0.4, 0.3])
        #expect(try db.result(key: Self.key("r1", 0.6))?.payload == "{\"a\":5}")
        #expect(try db.results(analysis: "reflection").isEmpty)
    }

    @Test func sampleGroupsAreWhatTheSamplesHold() throws {
        let db = try RunDatabase(url: tempRunURL())
        for q in ["q1", "q2"] { for i in 0..<8 { try db.insert(sample: sample(q, "r1", t: 0.6, i: i)) } }
        try db.insert(sample: sample("q1", "none", t: 0.6, i: 0))
        #expect(try db.sampleGroups() == [SampleGroup(template: "none", temperature: 0.6, questions: 1, k: 1, samples: 1),
                                          SampleGroup(template: "r1", temperature: 0.6, questions: 2, k: 8, samples: 16)])
    }

    @Test func exportCarriesVerdictsAndLabels() throws {
        let db = try RunDatabase(url: tempRunURL())
        let id = try db.insert(sample: sample("q1"))
        try db.put(verdict: StoredVerdict(sampleID: id, grader: "auto+fallback", extracted: "4", status: .correct))
        try db.put(labels: [StoredLabel(sampleID: id, kind: "answerability", method: "heuristic", verdict: "continues", rule: "newTurn"),
                            StoredLabel(sampleID: id, kind: "answerability", method: "judge:j", verdict: nil, rule: "first standalone 0/1",
                                        reply: "maybe", value: nil)])
        var lines: [String] = []
        try db.exportJSONL { lines.append($0) }
        let row = try JSONDecoder().decode(ExportedSample.self, from: Data(try #require(lines.first).utf8))
        #expect(row.verdicts["auto+fallback"] == .init(extracted: "4", status: .correct))
        #expect(row.labels["answerability"]?["heuristic"]?.verdict == "continues")
        #expect(row.labels["answerability"]?["heuristic"]?.rule == "newTurn")
        #expect(row.labels["answerability"]?["judge:j"]?.reply == "maybe")
        #expect(row.labels["answerability"]?["judge:j"]?.verdict == nil)
    }

    /// A store exactly as schema version 1 wrote it: its tables, one sample, one verdict, one legacy
    /// exploration result in `metrics` and a training metric.
    static func writeVersion1Store(at url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { db in
            try RunDatabase.createSchemaV1(db)
            try db.execute(sql: """
                INSERT INTO samples (question_id, template, temperature, top_p, sample_index, seed, prompt, response,
                    prompt_tokens, completion_tokens, finish_reason, latency, model, created)
                VALUES ('q1', 'r1', 0.6, 1, 0, 7, 'P', 'R', 5, 10, 'stop', 0.1, 'm', 0);
                INSERT INTO verdicts (sample_id, grader, extracted, status) VALUES (1, 'auto+fallback', '4', 'correct');
                INSERT INTO metrics (name, step, value, payload, created) VALUES ('analysis.exploration', 0, 0.25,
                    '{"context":{"grader":"auto (boxed, answer tag, then plain-text fallback)","judge":"none (graded against gold answers)","paperParity":false,"templates":["r1"],"temperatures":[0.6,1.0]},"k":4,"template":"r1","temperatures":[]}', 0);
                INSERT INTO metrics (name, step, value, payload, created) VALUES ('train/reward', 3, 0.5, NULL, 0);
                """)
        }
        try queue.close()
    }

    @Test func version1StoreOpensMigratedAndItsResultReadsBack() throws {
        let url = tempRunURL()
        try Self.writeVersion1Store(at: url)
        let db = try RunDatabase(url: url, create: false)
        #expect(try db.sampleCount() == 1)
        #expect(try db.verdicts().first?.status == .correct)
        let results = try db.results(analysis: "exploration")
        #expect(results.map(\.key) == [ResultKey(analysis: "exploration", template: "r1", temperature: 0.6, grader: "auto+fallback",
                                                 judge: "none (graded against gold answers)")])
        #expect(results.first?.headline == 0.25)
        #expect(results.first?.payload.contains("\"template\":\"r1\"") == true)
        // The legacy row moved (not copied), and training metrics stay where they were.
        #expect(try db.metric(name: "analysis.exploration") == nil)
        #expect(try db.metric(name: "train/reward", step: 3)?.value == 0.5)
        // Version 2 now, and it reopens without migrating again.
        let version = try DatabaseQueue(path: url.path).read { try Int.fetchOne($0, sql: "PRAGMA user_version") }
        #expect(version == RunDatabase.schemaVersion)
        let again = try RunDatabase(url: url, create: false)
        #expect(try again.results().count == 1 && again.labels().isEmpty)
    }

    @Test(arguments: [
        ("answerability", #"{"context":{"grader":"paper parity (template format only, no fallback)","judge":"heuristic","paperParity":true,"templates":["r1","none"],"temperatures":[0.6]},"template":"ignored"}"#,
         ResultKey(analysis: "answerability", template: "r1,none", temperature: 0.6, grader: "paper", judge: "heuristic")),
        ("audit", #"{"answerability":{"context":{"grader":"auto (boxed, answer tag)","judge":"j","paperParity":false,"templates":["qwen-math"],"temperatures":[1.0]}},"template":"qwen-math"}"#,
         ResultKey(analysis: "audit", template: "qwen-math", temperature: 1.0, grader: "auto", judge: "j")),
        ("reflection", "not json", ResultKey(analysis: "reflection", template: "unknown", temperature: 0, grader: "unknown", judge: "unknown")),
    ])
    func legacyKeysComeFromTheFiguresOwnContext(analysis: String, payload: String, expected: ResultKey) {
        #expect(RunDatabase.legacyKey(analysis: analysis, payload: payload) == expected)
    }
}

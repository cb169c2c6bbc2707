// Verdicts (graders), judgments (LLM judges, cached by model + prompt) and metrics (analyses and
// the training loop): the rows written after sampling.
import Foundation
import GRDB
import Grading
import Inference

extension RunDatabase {
    // MARK: Verdicts

    /// Stores verdicts (replacing a grader's earlier verdict on the same sample), in one transaction.
    public func put(verdicts: [StoredVerdict]) throws {
        try write("storing verdicts") { db in
            for v in verdicts {
                try db.execute(sql: """
                    INSERT INTO verdicts (sample_id, grader, extracted, status) VALUES (?, ?, ?, ?)
                    ON CONFLICT(sample_id, grader) DO UPDATE SET extracted = excluded.extracted, status = excluded.status
                    """, arguments: [v.sampleID, v.grader, v.extracted, v.status.rawValue])
            }
        }
    }

    /// Stores one verdict.
    public func put(verdict: StoredVerdict) throws { try put(verdicts: [verdict]) }

    /// Every verdict of one grader (or of all graders), ordered by sample id.
    public func verdicts(grader: String? = nil) throws -> [StoredVerdict] {
        let sql = "SELECT sample_id, grader, extracted, status FROM verdicts"
            + (grader == nil ? "" : " WHERE grader = ?") + " ORDER BY sample_id, grader"
        let arguments: StatementArguments = grader.map { [$0] } ?? []
        return try read("reading verdicts") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let text: String = row[3]
                guard let status = GradeStatus(rawValue: text) else {
                    throw RunStoreError.badStoredValue(path: path, table: "verdicts", key: "sample \(row[0] as Int64)",
                                                       reason: "status '\(text.prefix(40))' is not correct, incorrect or no-answer")
                }
                return StoredVerdict(sampleID: row[0], grader: row[1], extracted: row[2], status: status)
            }
        }
    }

    // MARK: Judgments

    /// The cache key of a judge call: FNV-1a 64 of model and prompt, each part hashed separately.
    /// `cachedJudgment(model:prompt:)` also compares the stored prompt, so a collision cannot serve a wrong reply.
    public static func judgmentKey(model: String, prompt: String) -> String {
        let a = SeedDerivation.fnv1a(model + "\u{1F}" + prompt)
        let b = SeedDerivation.fnv1a(prompt + "\u{1F}" + model)
        return hex(a) + hex(b)
    }

    private static func hex(_ x: UInt64) -> String {
        let s = String(x, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// The stored judgment with this key, if any.
    public func cachedJudgment(key: String) throws -> StoredJudgment? {
        try read("reading judgment \(key)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM judgments WHERE key = ?", arguments: [key]).map {
                StoredJudgment(key: $0["key"], judgeModel: $0["judge_model"], prompt: $0["prompt"], reply: $0["reply"],
                               value: $0["value"], kind: $0["kind"], created: Date(timeIntervalSince1970: $0["created"]))
            }
        }
    }

    /// The stored judgment of exactly this judge model and prompt, if any.
    public func cachedJudgment(model: String, prompt: String) throws -> StoredJudgment? {
        guard let j = try cachedJudgment(key: Self.judgmentKey(model: model, prompt: prompt)),
              j.judgeModel == model, j.prompt == prompt else { return nil }
        return j
    }

    /// Stores a judgment (replacing one with the same key).
    public func put(judgment j: StoredJudgment) throws {
        try write("storing judgment \(j.key)") { db in
            try db.execute(sql: """
                INSERT INTO judgments (key, judge_model, prompt, reply, value, kind, created) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET judge_model = excluded.judge_model, prompt = excluded.prompt,
                    reply = excluded.reply, value = excluded.value, kind = excluded.kind, created = excluded.created
                """, arguments: [j.key, j.judgeModel, j.prompt, j.reply, j.value, j.kind, j.created.timeIntervalSince1970])
        }
    }

    /// Every judgment of one kind (or all), ordered by key.
    public func judgments(kind: String? = nil) throws -> [StoredJudgment] {
        let sql = "SELECT * FROM judgments" + (kind == nil ? "" : " WHERE kind = ?") + " ORDER BY key"
        let arguments: StatementArguments = kind.map { [$0] } ?? []
        return try read("reading judgments") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                StoredJudgment(key: $0["key"], judgeModel: $0["judge_model"], prompt: $0["prompt"], reply: $0["reply"],
                               value: $0["value"], kind: $0["kind"], created: Date(timeIntervalSince1970: $0["created"]))
            }
        }
    }

    // MARK: Metrics

    /// Stores one metric value (replacing the value of the same name and step).
    public func putMetric(name: String, step: Int = 0, value: Double, payload: String? = nil) throws {
        try putMetrics([StoredMetric(name: name, step: step, value: value, payload: payload)])
    }

    /// Stores several metric values in one transaction (a training step's metrics, an analysis' table).
    public func putMetrics(_ metrics: [StoredMetric]) throws {
        try write("storing metrics") { db in
            for m in metrics {
                try db.execute(sql: """
                    INSERT INTO metrics (name, step, value, payload, created) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(name, step) DO UPDATE SET value = excluded.value, payload = excluded.payload, created = excluded.created
                    """, arguments: [m.name, m.step, m.value, m.payload, m.created.timeIntervalSince1970])
            }
        }
    }

    /// Metrics whose name starts with `prefix` (all when empty), ordered by name then step.
    public func metrics(prefix: String = "") throws -> [StoredMetric] {
        // Compared with substr rather than LIKE, so `_` and `%` in names are not wildcards.
        try read("reading metrics \(prefix)") { db in
            try Row.fetchAll(db, sql: """
                SELECT name, step, value, payload, created FROM metrics WHERE substr(name, 1, ?) = ? ORDER BY name, step
                """, arguments: [prefix.unicodeScalars.count, prefix]).map {
                StoredMetric(name: $0[0], step: $0[1], value: $0[2], payload: $0[3], created: Date(timeIntervalSince1970: $0[4]))
            }
        }
    }

    /// One metric value, nil when not stored.
    public func metric(name: String, step: Int = 0) throws -> StoredMetric? {
        try read("reading metric \(name)") { db in
            try Row.fetchOne(db, sql: "SELECT name, step, value, payload, created FROM metrics WHERE name = ? AND step = ?",
                             arguments: [name, step]).map {
                StoredMetric(name: $0[0], step: $0[1], value: $0[2], payload: $0[3], created: Date(timeIntervalSince1970: $0[4]))
            }
        }
    }
}

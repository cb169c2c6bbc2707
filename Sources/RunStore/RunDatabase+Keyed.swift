// Keyed analysis results and per-sample labels (schema version 2): each result is stored under its
// `ResultKey`, so exploring a second template, temperature or grader never overwrites the first; and
// what the run's samples really hold, per template and temperature, for the report's header.
import Foundation
import GRDB

extension RunDatabase {
    // MARK: Results

    /// Stores a result (replacing only the result with the same key).
    public func put(result r: StoredResult) throws {
        try write("storing the \(r.key.analysis) result of \(r.key.template)") { db in
            try db.execute(sql: """
                INSERT INTO results (analysis, template, temperature, grader, judge, headline, payload, created)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(analysis, template, temperature, grader, judge) DO UPDATE SET
                    headline = excluded.headline, payload = excluded.payload, created = excluded.created
                """, arguments: [r.key.analysis, r.key.template, r.key.temperature, r.key.grader, r.key.judge,
                                 r.headline, r.payload, r.created.timeIntervalSince1970])
        }
    }

    /// Every stored result of one analysis (or all), ordered by key.
    public func results(analysis: String? = nil) throws -> [StoredResult] {
        let sql = "SELECT * FROM results" + (analysis == nil ? "" : " WHERE analysis = ?")
            + " ORDER BY analysis, template, temperature, grader, judge"
        let arguments: StatementArguments = analysis.map { [$0] } ?? []
        return try read("reading results") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.result(from:))
        }
    }

    /// The result stored under exactly this key, if any.
    public func result(key k: ResultKey) throws -> StoredResult? {
        try read("reading the \(k.analysis) result of \(k.template)") { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM results WHERE analysis = ? AND template = ? AND temperature = ? AND grader = ? AND judge = ?
                """, arguments: [k.analysis, k.template, k.temperature, k.grader, k.judge]).map(Self.result(from:))
        }
    }

    static func result(from row: Row) -> StoredResult {
        StoredResult(key: ResultKey(analysis: row["analysis"], template: row["template"], temperature: row["temperature"],
                                    grader: row["grader"], judge: row["judge"]),
                     headline: row["headline"], payload: row["payload"], created: Date(timeIntervalSince1970: row["created"]))
    }

    // MARK: Per-sample labels

    /// Stores labels (replacing the label of the same sample, kind and method), in one transaction.
    public func put(labels: [StoredLabel]) throws {
        try write("storing sample labels") { db in
            for l in labels {
                try db.execute(sql: """
                    INSERT INTO sample_labels (sample_id, kind, method, verdict, rule, reply, value) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(sample_id, kind, method) DO UPDATE SET verdict = excluded.verdict, rule = excluded.rule,
                        reply = excluded.reply, value = excluded.value
                    """, arguments: [l.sampleID, l.kind, l.method, l.verdict, l.rule, l.reply, l.value])
            }
        }
    }

    /// Every label of one kind (or all), ordered by sample id, kind and method.
    public func labels(kind: String? = nil) throws -> [StoredLabel] {
        let sql = "SELECT * FROM sample_labels" + (kind == nil ? "" : " WHERE kind = ?") + " ORDER BY sample_id, kind, method"
        let arguments: StatementArguments = kind.map { [$0] } ?? []
        return try read("reading sample labels") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                StoredLabel(sampleID: $0["sample_id"], kind: $0["kind"], method: $0["method"], verdict: $0["verdict"],
                            rule: $0["rule"], reply: $0["reply"], value: $0["value"])
            }
        }
    }

    // MARK: What the samples hold

    /// Per (template, temperature): questions, samples per question and samples stored, ordered by template
    /// then temperature — the run's sampling plan as its samples show it, whatever the last call asked for.
    public func sampleGroups() throws -> [SampleGroup] {
        try read("summarising samples") { db in
            try Row.fetchAll(db, sql: """
                SELECT template, temperature, count(DISTINCT question_id), max(sample_index) + 1, count(*)
                FROM samples GROUP BY template, temperature ORDER BY template, temperature
                """).map { SampleGroup(template: $0[0], temperature: $0[1], questions: $0[2], k: $0[3], samples: $0[4]) }
        }
    }
}

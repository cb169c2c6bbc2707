// Run configuration, questions, prompts and samples: the rows `SamplingJob` writes and every
// analysis reads. Sample keys are unique, so a resumed run can never store a sample twice.
import Foundation
import GRDB
import Grading
import Inference

extension RunDatabase {
    // MARK: Configuration (key → JSON)

    /// Stores one configuration value as JSON text (replacing any previous value).
    public func setConfig(_ key: String, json: String) throws {
        try write("writing config \(key)") { db in
            try db.execute(sql: "INSERT INTO config (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, json])
        }
    }

    /// Stores one Encodable configuration value as JSON.
    public func setConfig<T: Encodable>(_ key: String, value: T) throws {
        try setConfig(key, json: Self.encodeJSON(value))
    }

    /// The JSON text of one configuration value, nil when unset.
    public func configJSON(_ key: String) throws -> String? {
        try read("reading config \(key)") { db in
            try String.fetchOne(db, sql: "SELECT value FROM config WHERE key = ?", arguments: [key])
        }
    }

    /// One configuration value decoded from JSON, nil when unset.
    public func config<T: Decodable>(_ key: String, as type: T.Type) throws -> T? {
        guard let json = try configJSON(key) else { return nil }
        return try decodeJSON(T.self, json, table: "config", key: key)
    }

    /// Every configuration value as JSON text.
    public func allConfig() throws -> [String: String] {
        try read("reading config") { db in
            var out: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM config") { out[row["key"]] = row["value"] }
            return out
        }
    }

    // MARK: Questions and prompts

    /// Stores questions (replacing those with the same id), in one transaction.
    public func upsert(questions: [StoredQuestion]) throws {
        try write("storing questions") { db in
            for q in questions {
                try db.execute(sql: """
                    INSERT INTO questions (id, problem, golds, source) VALUES (?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET problem = excluded.problem, golds = excluded.golds, source = excluded.source
                    """, arguments: [q.id, q.problem, Self.encodeJSON(q.golds), q.source])
            }
        }
    }

    /// Every stored question, by id.
    public func questions() throws -> [StoredQuestion] {
        let rows = try read("reading questions") { db in
            try Row.fetchAll(db, sql: "SELECT id, problem, golds, source FROM questions ORDER BY id").map {
                [$0["id"], $0["problem"], $0["golds"], $0["source"]] as [String]
            }
        }
        return try rows.map { r in
            StoredQuestion(id: r[0], problem: r[1], golds: try decodeJSON([String].self, r[2], table: "questions", key: r[0]),
                           source: r[3])
        }
    }

    /// Stores a template used by the run (replacing one with the same name).
    public func upsert(prompt: StoredPrompt) throws {
        try write("storing prompt \(prompt.template)") { db in
            try db.execute(sql: """
                INSERT INTO prompts (template, body, stop, extraction) VALUES (?, ?, ?, ?)
                ON CONFLICT(template) DO UPDATE SET body = excluded.body, stop = excluded.stop, extraction = excluded.extraction
                """, arguments: [prompt.template, prompt.body, Self.encodeJSON(prompt.stop), prompt.extraction.rawValue])
        }
    }

    /// Every template used by the run.
    public func prompts() throws -> [StoredPrompt] {
        let rows = try read("reading prompts") { db in
            try Row.fetchAll(db, sql: "SELECT template, body, stop, extraction FROM prompts ORDER BY template").map {
                [$0["template"], $0["body"], $0["stop"], $0["extraction"]] as [String]
            }
        }
        return try rows.map { r in
            // A format this version does not know (a hand-edited or newer store) is refused, never
            // graded as some default format.
            guard let extraction = AnswerExtraction(rawValue: r[3]) else {
                throw RunStoreError.badStoredValue(path: path, table: "prompts", key: "template \(r[0].prefix(40))",
                                                   reason: "extraction '\(r[3].prefix(40))' is not boxed, answer-tag or none")
            }
            return StoredPrompt(template: r[0], body: r[1], stop: try decodeJSON([String].self, r[2], table: "prompts", key: r[0]),
                                extraction: extraction)
        }
    }

    // MARK: Samples

    /// Stores one sample and returns its row id. A sample whose key is already stored is not
    /// written again; the existing row's id is returned.
    @discardableResult
    public func insert(sample s: StoredSample) throws -> Int64 {
        try write("storing a sample of \(s.questionID)") { db in
            try db.execute(sql: """
                INSERT INTO samples (question_id, template, temperature, top_p, sample_index, seed, prompt, response,
                    prompt_tokens, completion_tokens, finish_reason, latency, model, created)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(question_id, template, temperature, sample_index) DO NOTHING
                """, arguments: [s.questionID, s.template, s.temperature, s.topP, s.sampleIndex,
                                 Int64(bitPattern: s.seed), s.prompt, s.response, s.promptTokens,
                                 s.completionTokens, s.finishReason.rawValue, s.latency, s.model,
                                 s.created.timeIntervalSince1970])
            let id = try Int64.fetchOne(db, sql: """
                SELECT id FROM samples WHERE question_id = ? AND template = ? AND temperature = ? AND sample_index = ?
                """, arguments: [s.questionID, s.template, s.temperature, s.sampleIndex])
            return id ?? db.lastInsertedRowID
        }
    }

    /// Stored samples, optionally only those of one template / temperature / question, ordered by
    /// question, template, temperature and sample index.
    public func samples(template: String? = nil, temperature: Double? = nil, questionID: String? = nil) throws -> [StoredSample] {
        var clauses: [String] = [], args: [(any DatabaseValueConvertible)?] = []
        if let template { clauses.append("template = ?"); args.append(template) }
        if let temperature { clauses.append("temperature = ?"); args.append(temperature) }
        if let questionID { clauses.append("question_id = ?"); args.append(questionID) }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let sql = "SELECT * FROM samples \(whereSQL) ORDER BY question_id, template, temperature, sample_index"
        let arguments = StatementArguments(args)
        return try read("reading samples") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { try self.sample(from: $0) }
        }
    }

    /// One sample by row id.
    public func sample(id: Int64) throws -> StoredSample? {
        try read("reading sample \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM samples WHERE id = ?", arguments: [id]).map { try self.sample(from: $0) }
        }
    }

    /// The keys of every stored sample (what a resumed run skips).
    public func existingSampleKeys() throws -> Set<SampleKey> {
        try read("reading sample keys") { db in
            var keys = Set<SampleKey>()
            for row in try Row.fetchAll(db, sql: "SELECT question_id, template, temperature, sample_index FROM samples") {
                keys.insert(SampleKey(questionID: row[0], template: row[1], temperature: row[2], sampleIndex: row[3]))
            }
            return keys
        }
    }

    /// How many samples are stored.
    public func sampleCount() throws -> Int {
        try read("counting samples") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM samples") ?? 0 }
    }

    /// Token usage of every stored sample (the run's accounting).
    public func tokenUsage() throws -> TokenUsage {
        try read("summing token usage") { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*), coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0) FROM samples
                """)
            return TokenUsage(samples: row?[0] ?? 0, promptTokens: row?[1] ?? 0, completionTokens: row?[2] ?? 0)
        }
    }

    /// A sample row as its type; a finish reason this version does not know is a bad stored value.
    func sample(from row: Row) throws -> StoredSample {
        let seed: Int64 = row["seed"]
        let reasonText: String = row["finish_reason"]
        guard let finishReason = FinishReason(rawValue: reasonText) else {
            throw RunStoreError.badStoredValue(path: path, table: "samples", key: "id \(row["id"] as Int64? ?? 0)",
                                               reason: "finish_reason '\(reasonText.prefix(40))' is neither 'stop' nor 'length'")
        }
        return StoredSample(id: row["id"], questionID: row["question_id"], template: row["template"],
                            temperature: row["temperature"], topP: row["top_p"], sampleIndex: row["sample_index"],
                            seed: UInt64(bitPattern: seed), prompt: row["prompt"], response: row["response"],
                            promptTokens: row["prompt_tokens"], completionTokens: row["completion_tokens"],
                            finishReason: finishReason, latency: row["latency"], model: row["model"],
                            created: Date(timeIntervalSince1970: row["created"]))
    }
}

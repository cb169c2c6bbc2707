// Schema migrations (GRDB `DatabaseMigrator`). Version 1 is the original schema; version 2 adds
// `results` (analysis results keyed by analysis, template, temperature, grader and judge, so no call
// overwrites another's result) and `sample_labels` (per-sample answerability / reflection verdicts with
// their rule or the judge's reply), and moves the version-1 `analysis.*` metric payloads into `results`.
// A store written before GRDB migrations were used (no `grdb_migrations` table) already holds the
// version-1 tables, so the v1 migration only creates them when they are absent.
import Foundation
import GRDB

extension RunDatabase {
    /// Every schema migration, oldest first.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            if try !db.tableExists("samples") { try createSchemaV1(db) }
        }
        m.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE results (analysis TEXT NOT NULL, template TEXT NOT NULL, temperature REAL NOT NULL,
                    grader TEXT NOT NULL, judge TEXT NOT NULL, headline REAL NOT NULL, payload TEXT NOT NULL,
                    created REAL NOT NULL, PRIMARY KEY (analysis, template, temperature, grader, judge));
                CREATE TABLE sample_labels (sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL, method TEXT NOT NULL, verdict TEXT, rule TEXT, reply TEXT, value REAL,
                    PRIMARY KEY (sample_id, kind, method));
                """)
            try moveLegacyResults(db)
            try db.execute(sql: "PRAGMA user_version = 2")
        }
        // Additive (no version bump): the hash of each sampled question (RunDatabase+QuestionHashes.swift).
        m.registerMigration("question-hashes") { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS question_hashes (question_id TEXT PRIMARY KEY NOT NULL, hash TEXT NOT NULL)
                """)
        }
        // Additive (no version bump): every RL rollout's text and reward (RunDatabase+Rollouts.swift).
        m.registerMigration("rollouts") { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS rollouts (step INTEGER NOT NULL, grp INTEGER NOT NULL, idx INTEGER NOT NULL,
                    question_id TEXT NOT NULL, prompt TEXT NOT NULL, response TEXT NOT NULL, reward REAL NOT NULL,
                    status TEXT NOT NULL, completion_tokens INTEGER NOT NULL, truncated INTEGER NOT NULL,
                    PRIMARY KEY (step, grp, idx))
                """)
        }
        return m
    }

    /// Moves version-1 analysis results (metrics named `analysis.<name>` with a JSON payload) into
    /// `results`, keyed from the payload's own figure context.
    static func moveLegacyResults(_ db: Database) throws {
        let rows = try Row.fetchAll(db, sql: """
            SELECT name, value, payload, created FROM metrics WHERE substr(name, 1, 9) = 'analysis.' AND payload IS NOT NULL
            """)
        for row in rows {
            let name: String = row["name"], payload: String = row["payload"]
            let key = legacyKey(analysis: String(name.dropFirst("analysis.".count)), payload: payload)
            try db.execute(sql: """
                INSERT OR REPLACE INTO results (analysis, template, temperature, grader, judge, headline, payload, created)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key.analysis, key.template, key.temperature, key.grader, key.judge,
                                 row["value"] as Double, payload, row["created"] as Double])
            try db.execute(sql: "DELETE FROM metrics WHERE name = ? AND step = 0", arguments: [name])
        }
    }

    /// The key of a version-1 result: its template (or the compared templates for answerability and the
    /// audit), its first temperature, its grader (`paper`, `auto+fallback` or `auto`, as
    /// `GraderSettings.key` names them) and its judge. A payload that is not JSON keeps the analysis name
    /// with `unknown` parts, so the report can still say it is unreadable.
    static func legacyKey(analysis: String, payload: String) -> ResultKey {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else {
            return ResultKey(analysis: analysis, template: "unknown", temperature: 0, grader: "unknown", judge: "unknown")
        }
        let context = (object["context"] as? [String: Any])
            ?? ((object["answerability"] as? [String: Any])?["context"] as? [String: Any]) ?? [:]
        let templates = (context["templates"] as? [String]) ?? []
        let template = (analysis == "answerability" || analysis == "audit")
            ? templates.joined(separator: ",") : ((object["template"] as? String) ?? templates.joined(separator: ","))
        let temperature = ((context["temperatures"] as? [Any])?.first as? NSNumber)?.doubleValue ?? 0
        let graderText = (context["grader"] as? String) ?? ""
        let grader = (context["paperParity"] as? Bool) == true ? "paper"
            : (graderText.contains("fallback") ? "auto+fallback" : (graderText.isEmpty ? "unknown" : "auto"))
        return ResultKey(analysis: analysis, template: template, temperature: temperature, grader: grader,
                         judge: (context["judge"] as? String) ?? "unknown")
    }
}

// The hash of each question (problem text + golds) a run sampled, so a rerun whose dataset kept an id
// but changed its text or golds is noticed instead of mixing answers to two questions (issue 19).
// Added to existing stores by the GRDB migration `question-hashes` (RunDatabase+Migrations.swift), so stores
// written before it gain the table on their first read-write open.
import Foundation
import GRDB

extension RunDatabase {
    /// The stored hash of every question id that has one.
    public func questionHashes() throws -> [String: String] {
        try read("reading question hashes") { db in
            var out: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT question_id, hash FROM question_hashes") { out[row[0]] = row[1] }
            return out
        }
    }

    /// Stores (or replaces) the hashes of some questions, in one transaction.
    public func setQuestionHashes(_ hashes: [String: String]) throws {
        try write("storing question hashes") { db in
            for (id, hash) in hashes.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: """
                    INSERT INTO question_hashes (question_id, hash) VALUES (?, ?)
                    ON CONFLICT(question_id) DO UPDATE SET hash = excluded.hash
                    """, arguments: [id, hash])
            }
        }
    }

    /// The ids of questions with at least one stored sample.
    public func sampledQuestionIDs() throws -> Set<String> {
        try read("reading sampled question ids") { db in
            Set(try String.fetchAll(db, sql: "SELECT DISTINCT question_id FROM samples"))
        }
    }

    /// Forgets every question hash: the state of a store written before hashes were kept (tests use it).
    func removeQuestionHashes() throws {
        try write("removing question hashes") { db in try db.execute(sql: "DELETE FROM question_hashes") }
    }
}

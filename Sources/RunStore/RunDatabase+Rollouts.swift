// The texts of every RL rollout a `train` run sampled, one row per response, so the report's
// rollout browser can show what the policy wrote at each step and what it was rewarded (issue 17:
// "rollouts stored so the browser can show them"). Added to existing stores by the additive GRDB
// migration `rollouts` (RunDatabase+Migrations.swift). A resumed step rewrites its rows with the same
// values (the trainer is deterministic from its seed), so nothing is stored twice.
import Foundation
import GRDB

/// One rollout of one RL step.
public struct StoredRollout: Sendable, Codable, Hashable {
    /// The optimiser step that sampled it (1-based, as the step metrics).
    public var step: Int
    /// The prompt's group within the step (0-based).
    public var group: Int
    /// The response's index within its group (0..<G).
    public var index: Int
    /// The training question's id.
    public var questionID: String
    /// The exact prompt text the policy saw.
    public var prompt: String
    /// The sampled response.
    public var response: String
    /// The reward it received.
    public var reward: Double
    /// The reward's status (`correct`, `incorrect`, `no-answer`, `grader-failure`).
    public var status: String
    /// Generated tokens.
    public var completionTokens: Int
    /// Cut at the max-token budget.
    public var truncated: Bool
    public init(step: Int, group: Int, index: Int, questionID: String, prompt: String, response: String,
                reward: Double, status: String, completionTokens: Int, truncated: Bool) {
        self.step = step; self.group = group; self.index = index; self.questionID = questionID
        self.prompt = prompt; self.response = response; self.reward = reward; self.status = status
        self.completionTokens = completionTokens; self.truncated = truncated
    }
}

extension RunDatabase {
    /// Stores (or replaces, for a resumed step) the rollouts of one or more steps, in one transaction.
    public func put(rollouts: [StoredRollout]) throws {
        try write("storing rollouts") { db in
            for r in rollouts {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO rollouts (step, grp, idx, question_id, prompt, response, reward, status,
                        completion_tokens, truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [r.step, r.group, r.index, r.questionID, r.prompt, r.response, r.reward, r.status,
                                     r.completionTokens, r.truncated])
            }
        }
    }

    /// The stored rollouts, by step, group and index; `steps` limits them to some steps.
    public func rollouts(steps: Set<Int>? = nil) throws -> [StoredRollout] {
        try read("reading rollouts") { db in
            guard try db.tableExists("rollouts") else { return [] }   // a store opened read-only before the migration
            // Only the asked steps' rows are read (their texts are most of the store's size).
            let filter = steps.map { " WHERE step IN (" + $0.sorted().map(String.init).joined(separator: ",") + ")" } ?? ""
            return try Row.fetchAll(db, sql: "SELECT * FROM rollouts" + filter + " ORDER BY step, grp, idx").map { row in
                StoredRollout(step: row["step"], group: row["grp"], index: row["idx"], questionID: row["question_id"],
                              prompt: row["prompt"], response: row["response"], reward: row["reward"],
                              status: row["status"], completionTokens: row["completion_tokens"],
                              truncated: row["truncated"])
            }
        }
    }

    /// The steps that have stored rollouts, ascending.
    public func rolloutSteps() throws -> [Int] {
        try read("reading rollout steps") { db in
            guard try db.tableExists("rollouts") else { return [] }
            return try Int.fetchAll(db, sql: "SELECT DISTINCT step FROM rollouts ORDER BY step")
        }
    }
}

// The RL rollouts table: round trip in step/group/index order, a resumed step rewriting (not
// duplicating) its rows, step filtering, and a store written before the table existed.
import Foundation
import GRDB
import Testing
@testable import RunStore

@Suite struct RolloutsTests {
    static func rollout(step: Int, group: Int, index: Int, reward: Double = 1, response: String = "\\boxed{4}") -> StoredRollout {
        StoredRollout(step: step, group: group, index: index, questionID: "q\(group)", prompt: "P\(group)", response: response,
                      reward: reward, status: reward > 0 ? "correct" : "incorrect", completionTokens: 7 + index, truncated: index == 1)
    }

    @Test func roundTripInStepGroupIndexOrder() throws {
        let db = try RunDatabase(url: tempRunURL())
        let rows = [Self.rollout(step: 2, group: 0, index: 1), Self.rollout(step: 1, group: 1, index: 0, reward: 0),
                    Self.rollout(step: 1, group: 0, index: 1), Self.rollout(step: 1, group: 0, index: 0)]
        try db.put(rollouts: rows)
        let back = try db.rollouts()
        #expect(back.map { [$0.step, $0.group, $0.index] } == [[1, 0, 0], [1, 0, 1], [1, 1, 0], [2, 0, 1]])
        #expect(back[1] == Self.rollout(step: 1, group: 0, index: 1))
        #expect(back[2].status == "incorrect" && back[2].reward == 0 && !back[2].truncated && back[1].truncated)
        #expect(try db.rolloutSteps() == [1, 2])
        #expect(try db.rollouts(steps: [2]).count == 1)
    }

    @Test func resumedStepRewritesItsRows() throws {
        let db = try RunDatabase(url: tempRunURL())
        try db.put(rollouts: [Self.rollout(step: 3, group: 0, index: 0, response: "first")])
        try db.put(rollouts: [Self.rollout(step: 3, group: 0, index: 0, response: "again")])
        #expect(try db.rollouts().map(\.response) == ["again"])
    }

    @Test func storeWithoutTheTableReadsEmptyAndGainsItOnOpen() throws {
        let url = tempRunURL()
        _ = try RunDatabase(url: url)
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { db in
            try db.execute(sql: "DROP TABLE rollouts")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'rollouts'")
        }
        try queue.close()
        let readOnly = try RunDatabase(url: url, create: false, readOnly: true)
        #expect(try readOnly.rollouts().isEmpty && readOnly.rolloutSteps().isEmpty)
        let writable = try RunDatabase(url: url, create: false)
        try writable.put(rollouts: [Self.rollout(step: 1, group: 0, index: 0)])
        #expect(try writable.rolloutSteps() == [1])
    }
}

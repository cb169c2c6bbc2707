// The training rollout browser: first/middle/last step, rewarded vs not with whole-step totals, one
// example per question first, hostile rollout text escaped, and no section without stored rollouts.
import Foundation
import Testing
@testable import Reports
import RunStore

@Suite struct RolloutBrowserTests {
    @Test(arguments: [([Int](), [Int]()), ([4], [4]), ([1, 2], [1, 2]), ([1, 2, 3, 4, 5], [1, 3, 5])])
    func shownSteps(stored: [Int], shown: [Int]) {
        #expect(RolloutBrowser.shownSteps(stored) == shown)
    }

    @Test func sectionShowsRewardedAndNotPerStepWithTotals() throws {
        let db = try BuilderFixtures.tempStore()
        defer { BuilderFixtures.remove(db) }
        #expect(try RolloutBrowser.section(database: db) == nil)
        var rows: [StoredRollout] = []
        for step in 1...3 {
            for g in 0..<2 {
                for i in 0..<4 {
                    let rewarded = step == 3 ? i < 3 : i == 0
                    rows.append(StoredRollout(step: step, group: g, index: i, questionID: "q\(g)", prompt: "Q\(g)?",
                                              response: i == 1 ? "<script>alert(\(step))</script>" : "so \\boxed{\(i)}",
                                              reward: rewarded ? 1 : 0, status: rewarded ? "correct" : "incorrect",
                                              completionTokens: 10 + i, truncated: false))
                }
            }
        }
        try db.put(rollouts: rows)
        let section = try #require(try RolloutBrowser.section(database: db, perCategory: 2))
        #expect(section.sampleTotals == ["Step 1: rewarded": 2, "Step 1: not rewarded": 6, "Step 2: rewarded": 2, "Step 2: not rewarded": 6,
                                         "Step 3: rewarded": 6, "Step 3: not rewarded": 2])
        // Two examples per category, from two different questions (groups) first.
        let step1 = section.samples.filter { $0.category == "Step 1: not rewarded" }
        #expect(Set(step1.map(\.questionID)) == ["q0", "q1"])
        #expect(section.samples.count == 12)
        let html = try ReportRenderer.html(ReportDocument(title: "t", models: ["m"], sections: [section]), templates: .embedded)
        #expect(!html.contains("<script>alert("))
        #expect(html.contains("&lt;script&gt;alert("))
    }
}

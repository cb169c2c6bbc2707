// The rollout browser: what the policy wrote during RL, from the rollouts `train` stored, so a reader
// can see what the reward curve means (a rising reward from format, from length, or from answers).
// Shows the first and the last stored step (and one in the middle when there are more than two),
// each split into rewarded and unrewarded responses; every category counts all the step's rollouts in
// it, not only the examples. Responses are untrusted text and are escaped by the renderer.
import Foundation
import RunStore

/// Picks example rollouts from a run store.
public enum RolloutBrowser {
    /// The steps shown: first, middle (when more than two) and last.
    static func shownSteps(_ steps: [Int]) -> [Int] {
        guard let first = steps.first, let last = steps.last else { return [] }
        var out = [first]
        if steps.count > 2 { out.append(steps[steps.count / 2]) }
        if last != first { out.append(last) }
        return out
    }

    /// The section, or nil when the run stored no rollouts.
    public static func section(database: RunDatabase, perCategory: Int = 2) throws -> ReportSection? {
        let stored = try database.rolloutSteps()
        let steps = shownSteps(stored)
        guard !steps.isEmpty else { return nil }
        let rollouts = try database.rollouts(steps: Set(steps))
        var picked: [ReportSample] = [], totals: [String: Int] = [:]
        for step in steps {
            let rows = rollouts.filter { $0.step == step }
            for (name, keep) in [("rewarded", { (r: StoredRollout) in r.reward > 0 }), ("not rewarded", { (r: StoredRollout) in r.reward <= 0 })] {
                let category = "Step \(step): \(name)"
                let members = rows.filter(keep)
                totals[category] = members.count
                // One per question where possible, so the examples are not G copies of one prompt's group.
                picked += SampleBrowser.examples(members, count: perCategory, question: \.questionID).map { r in
                    ReportSample(category: category, questionID: r.questionID,
                                 labels: [ReportFact("step", "\(r.step)"), ReportFact("group", "\(r.group)"),
                                          ReportFact("response", "\(r.index)"), ReportFact("reward", String(format: "%g", r.reward)),
                                          ReportFact("status", r.status), ReportFact("tokens", "\(r.completionTokens)"),
                                          ReportFact("truncated", r.truncated ? "yes" : "no")],
                                 prompt: r.prompt, response: r.response)
                }
            }
        }
        return ReportSection(
            id: "training-rollouts", title: "Training rollouts",
            caption: ReportCaption(
                measures: "What the policy wrote during RL: example rollouts of the first, middle and last stored step, rewarded and not.",
                method: "Up to \(perCategory) per category, one per question where possible, in group order; the reward and its status are the ones the trainer used for the update.",
                provenance: [ReportFact("steps with rollouts", "\(stored.count)")]),
            samples: picked, sampleTotals: totals)
    }
}

// The sample browser: a few stored responses per category, shown verbatim so a reader can check
// what the numbers mean (the paper's appendix examples do the same). Categories come from the
// stored grader verdicts, the finish reason and the Analyses keyword detector; responses are
// untrusted text and are escaped by the renderer.
import Foundation
import Analyses
import RunStore

/// Picks example responses from a run store.
public enum SampleBrowser {
    /// Up to `perCategory` responses (one per question where possible) for each of: correct,
    /// incorrect, no answer, truncated, self-reflection keyword found, and not graded yet.
    public static func section(database: RunDatabase, keywords: KeywordDetector?, perCategory: Int = 3) throws -> ReportSection {
        let samples = try database.samples().sorted { $0.key < $1.key }
        var status: [Int64: StoredVerdict] = [:]
        // One verdict per sample: the default grader ("auto…") before paper-parity ones, then by name.
        for v in try database.verdicts().sorted(by: { ($0.grader.hasPrefix("paper") ? 1 : 0, $0.grader) < ($1.grader.hasPrefix("paper") ? 1 : 0, $1.grader) })
        where status[v.sampleID] == nil { status[v.sampleID] = v }

        let categories: [(name: String, test: (StoredSample) -> Bool)] = [
            ("Correct", { s in s.id.flatMap { status[$0]?.status } == "correct" }),
            ("Incorrect", { s in s.id.flatMap { status[$0]?.status } == "incorrect" }),
            ("No answer extracted", { s in s.id.flatMap { status[$0]?.status } == "no-answer" && s.finishReason != "length" }),
            ("Truncated at the token budget", { s in s.finishReason == "length" }),
            ("Self-reflection keyword found", { s in keywords?.detects(s.response) ?? false }),
            ("Not graded yet", { s in s.id.flatMap { status[$0] } == nil && s.finishReason != "length" }),
        ]
        var picked: [ReportSample] = []
        for category in categories {
            var seenQuestions = Set<String>(), chosen: [StoredSample] = []
            for s in samples where chosen.count < perCategory && category.test(s) && !seenQuestions.contains(s.questionID) {
                seenQuestions.insert(s.questionID); chosen.append(s)
            }
            if chosen.count < perCategory {   // too few distinct questions: allow repeats
                for s in samples where chosen.count < perCategory && category.test(s) && !chosen.contains(s) { chosen.append(s) }
            }
            picked += chosen.map { s in
                var labels = [ReportFact("model", s.model), ReportFact("template", s.template),
                              ReportFact("temperature", String(format: "%g", s.temperature)), ReportFact("sample", "\(s.sampleIndex)"),
                              ReportFact("tokens", "\(s.completionTokens)"), ReportFact("finish", s.finishReason)]
                if let id = s.id, let v = status[id] {
                    labels.append(ReportFact("grader", v.grader))
                    labels.append(ReportFact("extracted answer", v.extracted ?? "none"))
                }
                if let keywords {
                    let found = keywords.counts(in: s.response).keys.sorted()
                    if !found.isEmpty { labels.append(ReportFact("keywords", found.joined(separator: ", "))) }
                }
                return ReportSample(category: category.name, questionID: s.questionID, labels: labels, prompt: s.prompt, response: s.response)
            }
        }
        return ReportSection(
            id: "samples", title: "Sample browser",
            caption: ReportCaption(
                measures: "Example responses, verbatim, for each outcome: correct, incorrect, no answer, truncated, and with a self-reflection keyword.",
                method: "Up to \(perCategory) per category, one per question where possible, in question order; the verdict is the stored grader's.",
                provenance: [ReportFact("samples in store", "\(samples.count)")]),
            samples: picked)
    }
}

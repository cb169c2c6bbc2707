// The sample browser: a few stored responses per category, shown verbatim so a reader can check
// what the numbers mean (the paper's appendix examples do the same). Categories come from the
// stored grader verdicts and the finish reason; the self-reflection keywords are the ones the
// reflection analysis stored per sample (its `keywords:<matching>` label), never detected again here. Each response is shown under one category at
// most, with the gold beside the extracted answer and the grader that judged it; every category
// counts all the run's responses in it, not only the examples. Responses are untrusted text and
// are escaped by the renderer.
import Foundation
import Analyses
import RunStore

/// Picks example responses from a run store.
public enum SampleBrowser {
    /// The categories, in the order a response is assigned to them.
    static let outcomeCategories = ["Correct", "Incorrect", "No answer extracted", "Truncated at the token budget, no answer", "Not graded yet"]
    /// Responses with a self-reflection keyword, shown only when not already shown under their outcome.
    static let keywordCategory = "Self-reflection keyword found"

    /// Up to `perCategory` responses (one per question where possible) for each of: correct,
    /// incorrect, no answer, truncated without an answer, not graded yet, and self-reflection keyword found.
    public static func section(database: RunDatabase, perCategory: Int = 3) throws -> ReportSection {
        let samples = try database.samples().sorted { $0.key < $1.key }
        // The keyword detector's stored label per sample: the keywords it found (empty: it ran, found none).
        var keywordsFound: [Int64: [String]] = [:]
        for l in try database.labels(kind: "reflection") where l.method.hasPrefix("keywords:") && l.verdict == "reflects" {
            keywordsFound[l.sampleID] = (l.rule ?? "").split(separator: ",").map(String.init)
        }
        var status: [Int64: StoredVerdict] = [:]
        // One verdict per sample: the default grader ("auto…") before paper-parity ones, then by name.
        for v in try database.verdicts().sorted(by: { ($0.grader.hasPrefix("paper") ? 1 : 0, $0.grader) < ($1.grader.hasPrefix("paper") ? 1 : 0, $1.grader) })
        where status[v.sampleID] == nil { status[v.sampleID] = v }
        let golds = Dictionary(try database.questions().map { ($0.id, $0.golds) }, uniquingKeysWith: { a, _ in a })

        /// The one outcome category of a sample.
        func outcome(_ s: StoredSample) -> String {
            let truncated = s.finishReason == .length
            switch s.id.flatMap({ status[$0]?.status }) {
            case .correct?: return outcomeCategories[0]
            case .incorrect?: return outcomeCategories[1]
            case nil: return truncated ? outcomeCategories[3] : outcomeCategories[4]
            default: return truncated ? outcomeCategories[3] : outcomeCategories[2]
            }
        }
        var byCategory: [String: [StoredSample]] = [:], totals: [String: Int] = [:]
        for s in samples {
            let c = outcome(s)
            byCategory[c, default: []].append(s); totals[c, default: 0] += 1
            if let id = s.id, keywordsFound[id] != nil { byCategory[keywordCategory, default: []].append(s); totals[keywordCategory, default: 0] += 1 }
        }

        var shown = Set<SampleKey>(), picked: [ReportSample] = []
        for category in outcomeCategories + [keywordCategory] {
            let candidates = (byCategory[category] ?? []).filter { !shown.contains($0.key) }
            let chosen = examples(candidates, count: perCategory, question: \.questionID)
            for s in chosen { shown.insert(s.key) }
            picked += chosen.map { s in
                ReportSample(category: category, questionID: s.questionID,
                             labels: labels(s, verdict: s.id.flatMap { status[$0] }, golds: golds[s.questionID], keywords: s.id.flatMap { keywordsFound[$0] }),
                             prompt: s.prompt, response: s.response)
            }
        }
        return ReportSection(
            id: "samples", title: "Sample browser",
            caption: ReportCaption(
                measures: "Example responses, verbatim, for each outcome: correct, incorrect, no answer, truncated without an answer, not graded, and with a self-reflection keyword.",
                method: "Up to \(perCategory) per category, one per question where possible, in question order; each response is shown once, under its outcome first (a response with a keyword is counted in both). Keywords are those the reflection analysis stored for the response; responses it did not analyse are in no keyword category. The verdict is the stored grader's, named with each response.",
                provenance: [ReportFact("samples in store", "\(samples.count)")]),
            samples: picked, sampleTotals: totals)
    }

    /// The labels of one response: settings, then the grader, its extracted answer and the gold side by side.
    static func labels(_ s: StoredSample, verdict: StoredVerdict?, golds: [String]?, keywords: [String]?) -> [ReportFact] {
        var labels = [ReportFact("model", s.model), ReportFact("template", s.template),
                      ReportFact("temperature", String(format: "%g", s.temperature)), ReportFact("sample", "\(s.sampleIndex)"),
                      ReportFact("tokens", "\(s.completionTokens)"), ReportFact("finish", s.finishReason.rawValue)]
        if let v = verdict {
            labels.append(ReportFact("grader", v.grader))
            labels.append(ReportFact("verdict", v.status.rawValue))
            labels.append(ReportFact("extracted answer", v.extracted ?? "none"))
        } else {
            labels.append(ReportFact("grader", "not graded"))
        }
        labels.append(ReportFact("gold", golds.map { $0.isEmpty ? "none stored" : $0.joined(separator: " or ") } ?? "question not stored"))
        if let keywords, !keywords.isEmpty { labels.append(ReportFact("keywords", keywords.joined(separator: ", "))) }
        return labels
    }

    /// Up to `count` of `candidates` in order, one per question first, then repeats when there are too few
    /// distinct questions (so a category is not filled with copies of one question's responses).
    static func examples<T: Hashable>(_ candidates: [T], count: Int, question: (T) -> String) -> [T] {
        var seen = Set<String>(), chosen: [T] = []
        for c in candidates where chosen.count < count && seen.insert(question(c)).inserted { chosen.append(c) }
        for c in candidates where chosen.count < count && !chosen.contains(c) { chosen.append(c) }
        return chosen
    }
}

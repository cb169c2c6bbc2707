// The learnability forecast (issue 18) in the report, read from the stored "learnability" analysis: how
// many of n samples per prompt the reward credits (the histogram), the predicted share of GRPO groups of G
// with no gradient (all correct or all wrong), DAPO's oversampling factor, and — when the same run also
// holds RL steps — the share of zero-variance groups the trainer measured beside the forecast.
// Every forecast number was computed and stored by Analyses (`Learnability.run`); the measured side is
// the trainer's `train/zero_variance_group_share` metric. This file only lays them out and compares.
import Foundation
import Analyses
import RunStore

/// Builds the learnability section of a report.
public enum LearnabilitySections {
    /// The metric the trainer stores at every step (Training/Trainer.swift, `namedValues`).
    public static let measuredMetric = "train/zero_variance_group_share"
    /// The forecast counts as confirmed when the measured share of the first steps is this close (issue 18: ±3 points).
    public static let agreementPoints = 3.0
    /// Steps averaged for the measured figure: the policy moves away from the sampled one as it learns,
    /// so only the first steps measure what the forecast predicts.
    public static let earlySteps = 5

    /// What the trainer measured, as the report compares it with the forecast.
    public struct Measured: Sendable, Hashable {
        /// Steps stored, and the mean share over the first `earlySteps` of them and over all.
        public var steps: Int
        public var earlyMean: Double
        public var overallMean: Double
        /// The trainer's group size, when the run's `train` config names it.
        public var groupSize: Int?
    }

    /// The measured zero-variance share from stored metrics, or nil when the run holds no RL step.
    public static func measured(metrics: [StoredMetric], trainConfig: String?) -> Measured? {
        let points = metrics.filter { $0.name == measuredMetric && $0.value.isFinite }.sorted { $0.step < $1.step }
        guard !points.isEmpty else { return nil }
        let early = points.prefix(earlySteps).map(\.value)
        var g: Int?
        if let data = trainConfig?.data(using: .utf8),
           let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            g = (json["groupSize"] as? Int) ?? (json["group_size"] as? Int)
        }
        return Measured(steps: points.count, earlyMean: early.reduce(0, +) / Double(early.count),
                        overallMean: points.map(\.value).reduce(0, +) / Double(points.count), groupSize: g)
    }

    /// The section of one stored forecast; `measured` adds the trainer's figure beside it.
    public static func section(_ l: LearnabilityResult, measured: Measured?, suffix: String = "") -> ReportSection {
        let n = l.samplesPerPrompt
        let prompts = l.histogram.reduce(0, +)
        let chart = ChartSpec(
            title: "Prompts by correct samples of n = \(n) (\(l.context.model), template \(l.template), T = \(AuditSections.temperatureText(l.temperature)))",
            x: ChartAxis("correct of \(n)", format: .integer), y: ChartAxis("prompts", format: .integer, min: 0),
            data: .bars(categories: l.histogram.indices.map { "\($0)" },
                        series: [BarSeries(name: "prompts", values: l.histogram.map { ChartValue(Double($0)) })]))
        var rows: [[String]] = [
            ["prompts sampled", "\(prompts)"],
            ["samples per prompt (n) / group size (G)", "\(n) / \(l.groupSize)"],
            ["prompts never solved (0 of \(n))", "\(l.histogram.first ?? 0)"],
            ["prompts always solved (\(n) of \(n))", "\(l.histogram.count > n ? l.histogram[n] : 0)"],
            ["predicted zero-signal share of groups, all prompts", AuditSections.percent(l.zeroSignalShare)],
            ["DAPO oversampling factor, all prompts", factor(l.oversamplingFactor)],
        ]
        if let kept = l.filteredPrompts {
            rows.append(["prompts the audit filter keeps", "\(kept) of \(prompts)"])
            rows.append(["predicted zero-signal share, kept prompts", l.zeroSignalShareFiltered.map(AuditSections.percent) ?? "–"])
            rows.append(["DAPO oversampling factor, kept prompts", factor(l.oversamplingFactorFiltered)])
        }
        var notes = ["A group of G responses to one prompt carries no GRPO/Dr. GRPO gradient when all G are right or all are wrong: the advantage is zero for every response. Forecast with the unbiased [C(c,G) + C(n−c,G)] / C(n,G) per prompt (c correct of n), averaged over prompts."]
        if let m = measured {
            let forecast = l.zeroSignalShareFiltered ?? l.zeroSignalShare
            let which = l.zeroSignalShareFiltered == nil ? "all prompts" : "kept prompts"
            rows.append(["measured zero-variance share, first \(min(earlySteps, m.steps)) steps", AuditSections.percent(m.earlyMean)])
            rows.append(["measured zero-variance share, all \(m.steps) steps", AuditSections.percent(m.overallMean)])
            notes.append(comparison(forecast: forecast, which: which, measured: m, groupSize: l.groupSize))
        } else {
            notes.append("This run holds no RL step, so the forecast is not compared with a measured share (`r1audit train` into the same run stores `\(measuredMetric)` at every step).")
        }
        return ReportSection(
            id: "learnability" + suffix,
            title: "Learnability forecast (template \(l.template), T = \(AuditSections.temperatureText(l.temperature)), reward \(l.reward), G = \(l.groupSize))",
            caption: ReportCaption(
                measures: "Before RL: how many prompts would give GRPO groups with no reward signal under the training template, temperature and reward, and how much oversampling (DAPO's dynamic sampling) that costs.",
                method: "n samples per prompt graded by the reward's own policy; the zero-signal share per prompt is the chance that G of the n (drawn without replacement) are all right or all wrong; DAPO's factor is 1 / (1 − share).",
                provenance: [ReportFact("model", l.context.model), ReportFact("template", l.template),
                             ReportFact("temperature", AuditSections.temperatureText(l.temperature)),
                             ReportFact("reward", l.reward), ReportFact("samples per prompt", "\(n)"),
                             ReportFact("group size G", "\(l.groupSize)")]),
            charts: [chart], table: ReportTable(columns: ["figure", "value"], rows: rows), notes: notes)
    }

    /// The sentence that compares forecast and measurement, or says why they cannot be compared.
    static func comparison(forecast: Double, which: String, measured m: Measured, groupSize: Int) -> String {
        if let g = m.groupSize, g != groupSize {
            return "Not compared: the trainer used groups of G = \(g), the forecast G = \(groupSize); rerun `r1audit learnability --group-size \(g)`."
        }
        let gap = 100 * (m.earlyMean - forecast)
        let verdict = abs(gap) <= agreementPoints
            ? "within ±\(Int(agreementPoints)) points"
            : "outside ±\(Int(agreementPoints)) points"
        return String(format: "Forecast %@ (%@) against %@ measured over the first %d RL steps: %+.1f points, %@.",
                      AuditSections.percent(forecast), which, AuditSections.percent(m.earlyMean), min(earlySteps, m.steps), gap, verdict)
    }

    static func factor(_ f: Double?) -> String { f.map { String(format: "%.2f×", $0) } ?? "∞ (every group has no signal)" }
}

// What `r1audit compare` checks before putting runs side by side: the settings each run was measured
// with (k, n, template, max tokens, grader), read from its stored results, and the differences that
// make a side-by-side chart misleading; and the model-vs-model deltas as paired bootstrap
// differences over shared questions (`ExplorationResult.pairedDifference`), not as a subtraction of
// two separately bootstrapped means.
import Foundation
import Analyses
import RunStore

/// The settings one run's figures were made with.
public struct RunSettings: Sendable, Hashable {
    /// The run's name as shown in the comparison.
    public var run: String
    /// Samples per question, questions, templates, max tokens and grader (nil when the run stores no result).
    public var k: Int?
    public var questions: Int?
    public var templates: [String]
    public var maxTokens: Int?
    public var grader: String?

    /// Creates settings.
    public init(run: String, k: Int?, questions: Int?, templates: [String], maxTokens: Int?, grader: String?) {
        self.run = run; self.k = k; self.questions = questions; self.templates = templates
        self.maxTokens = maxTokens; self.grader = grader
    }

    /// From a stored exploration result (the figure compared), else answerability, else benchmarks.
    public init(run: String, exploration: ExplorationResult?, answerability: AnswerabilityResult?, benchmarks: BenchmarkResult?) {
        let context = exploration?.context ?? answerability?.context ?? benchmarks?.context
        self.init(run: run, k: exploration?.k ?? context?.k, questions: context?.questions,
                  templates: exploration.map { [$0.template] } ?? benchmarks.map { [$0.template] } ?? context?.templates ?? [],
                  maxTokens: context?.maxTokens, grader: context.map { $0.grader + ($0.paperParity ? " [paper parity]" : "") })
    }

    /// "k 8, n 60, template r1, max tokens 512, grader auto".
    public var summary: String {
        var parts: [String] = []
        if let k { parts.append("k \(k)") }
        if let questions { parts.append("n \(questions)") }
        if !templates.isEmpty { parts.append("template \(templates.joined(separator: "+"))") }
        if let maxTokens { parts.append("max tokens \(maxTokens)") }
        if let grader { parts.append("grader \(grader)") }
        return parts.isEmpty ? "no stored results" : parts.joined(separator: ", ")
    }
}

/// Checks and paired differences for comparisons.
public enum ComparisonChecks {
    /// The settings of a run from its stored results (unreadable results count as absent).
    public static func settings(run: String, database: RunDatabase) -> RunSettings {
        RunSettings(run: run, exploration: try? ExplorationResult.loadAll(from: database).first,
                    answerability: try? AnswerabilityResult.loadAll(from: database).first, benchmarks: try? BenchmarkResult.loadAll(from: database).first)
    }

    /// One line per setting that differs between runs, e.g. "k differs: a 8, b 4".
    public static func mismatches(_ runs: [RunSettings]) -> [String] {
        let checks: [(String, (RunSettings) -> String?)] = [
            ("k (samples per question)", { $0.k.map(String.init) }),
            ("n (questions)", { $0.questions.map(String.init) }),
            ("template", { $0.templates.isEmpty ? nil : $0.templates.joined(separator: "+") }),
            ("max tokens", { $0.maxTokens.map(String.init) }),
            ("grader", { $0.grader }),
        ]
        return checks.compactMap { name, value in
            let values = runs.map { value($0) ?? "not stored" }
            guard Set(values).count > 1 else { return nil }
            return "\(name) differs: " + zip(runs, values).map { "\($0.run) \($1)" }.joined(separator: ", ")
        }
    }

    /// A section of pass@1 and pass@k differences, first run minus each other run, per shared temperature.
    public static func pairedDifferences(_ runs: [(run: String, exploration: ExplorationResult)]) -> ReportSection? {
        guard let (baseName, base) = runs.first, runs.count > 1 else { return nil }
        var rows: [[String]] = [], series: [BarSeries] = [], categories: [String] = []
        var skipped: [String] = []
        let temps = base.temperatures.map(\.temperature).sorted()
        categories = temps.map { "T = " + AuditSections.temperatureText($0) }
        for (name, other) in runs.dropFirst() {
            let kBig = min(base.k, other.k)
            for k in Array(Set([1, kBig])).sorted() {
                var values: [ChartValue?] = []
                for t in temps {
                    do {
                        let d = try base.pairedDifference(other, temperature: t, k: k)
                        values.append(ChartValue(d.difference.estimate, lower: d.difference.lower, upper: d.difference.upper))
                        rows.append(["\(baseName) − \(name)", AuditSections.temperatureText(t), "pass@\(k)",
                                     signedPercent(d.difference.estimate),
                                     "[\(signedPercent(d.difference.lower)), \(signedPercent(d.difference.upper))]",
                                     AuditSections.percent(d.shareAHigher), "\(d.questions)"])
                    } catch {
                        values.append(nil)
                        skipped.append("\(name) at T = \(AuditSections.temperatureText(t)), pass@\(k): \(error.localizedDescription)")
                    }
                }
                series.append(BarSeries(name: "\(baseName) − \(name), pass@\(k)", values: values))
            }
        }
        let chart = ChartSpec(title: "Paired difference in pass@k, \(baseName) minus each other run", x: ChartAxis("sampling temperature"),
                              y: ChartAxis("difference in pass@k", format: .percent, min: -1, max: 1),
                              data: .bars(categories: categories, series: series))
        return ReportSection(
            id: "paired-differences", title: "Model vs model: paired differences",
            caption: ReportCaption(
                measures: "pass@1 and pass@k of the first run minus each other run, on the questions both runs hold, per temperature.",
                method: "Paired percentile bootstrap over shared questions (questions resampled jointly; ExplorationResult.pairedDifference, 1000 resamples, seed 0); k is the smaller of the two runs' k.",
                provenance: [ReportFact("first run", baseName)]),
            charts: [chart],
            table: ReportTable(columns: ["runs", "temperature", "metric", "difference", "95% interval", "resamples first run higher", "questions"], rows: rows),
            notes: skipped.map { "Not compared: \($0)." })
    }

    static func signedPercent(_ x: Double) -> String { (x > 0 ? "+" : "") + AuditSections.percent(x) }

    /// A warning section listing the mismatches, shown first when the user compares anyway.
    public static func warningSection(_ mismatches: [String], settings: [RunSettings]) -> ReportSection {
        ReportSection(
            id: "comparison-warnings", title: "Warning: these runs were measured differently",
            caption: ReportCaption(
                measures: "Settings that differ between the compared runs; differences in the charts below may come from these settings, not from the models.",
                method: "Read from each run's stored results; compared with --allow-mismatch.",
                provenance: settings.map { ReportFact($0.run, $0.summary) }),
            table: ReportTable(columns: ["run", "k", "n", "template", "max tokens", "grader"], rows: settings.map { s in
                [s.run, s.k.map(String.init) ?? "not stored", s.questions.map(String.init) ?? "not stored",
                 s.templates.isEmpty ? "not stored" : s.templates.joined(separator: "+"),
                 s.maxTokens.map(String.init) ?? "not stored", s.grader ?? "not stored"]
            }),
            notes: mismatches)
    }
}

// Maps the stored Analyses results to report sections, one function per paper figure:
// answerability by template (Fig. 3 left), pass@k vs temperature (Fig. 3 middle), response length by
// category (Table 5), per-keyword counts (Fig. 9, log scale), keyword vs judge vs cross (Fig. 11)
// with the detectors' confusion matrix, reflection vs accuracy (Fig. 13) and the benchmark table
// (Table 1). Reports only reads these results; every number was computed by Analyses.
import Foundation
import Analyses

/// Builds report sections from Analyses results.
public enum AuditSections {
    /// Caption provenance from a figure's context: model, n, templates, temperatures, judge, grader, seeds.
    static func provenance(_ c: FigureContext, templates: [String]? = nil, temperatures: [Double]? = nil) -> [ReportFact] {
        [ReportFact("model", c.model),
         ReportFact("questions", "\(c.questions) (\(c.questionSource))"),
         ReportFact("template", (templates ?? c.templates).joined(separator: ", ")),
         ReportFact("temperature", (temperatures ?? c.temperatures).map(temperatureText).joined(separator: ", ")),
         ReportFact("samples per question", "\(c.k)"),
         ReportFact("top_p", String(format: "%g", c.topP)),
         ReportFact("max tokens", "\(c.maxTokens)"),
         ReportFact("judge", c.judge),
         ReportFact("grader", c.grader + (c.paperParity ? " [paper parity]" : "")),
         ReportFact("seeds", c.seedPolicy)]
    }

    static func temperatureText(_ t: Double) -> String { String(format: "%g", t) }
    static func value(_ ci: ConfidenceInterval) -> ChartValue { ChartValue(ci.estimate, lower: ci.lower, upper: ci.upper) }
    static func percent(_ x: Double) -> String { ChartNumber.format(x, as: .percent) }
    static func interval(_ ci: ConfidenceInterval) -> String {
        "\(percent(ci.estimate)) [\(percent(ci.lower)), \(percent(ci.upper))]"
    }
    /// A stored share over `trials` items, shown with its Wilson interval (from Analyses).
    /// The stored rate with the Wilson interval of its count over `trials` (the estimate shown is the stored one).
    static func share(_ x: Double, over trials: Int) -> String {
        ReportedFigures.rate(x, over: trials).map { ci in
            var shown = ci
            shown.estimate = x
            return interval(shown)
        } ?? percent(x)
    }
    /// A bootstrap interval over `questions`, replaced by Wilson's where it is degenerate at 0 or 1.
    static func proper(_ ci: ConfidenceInterval, questions: Int) -> ConfidenceInterval {
        ReportedFigures.nonDegenerate(ci, trials: questions)
    }

    static func levelText(_ ci: ConfidenceInterval?) -> String {
        guard let ci else { return "95% interval" }
        return "\(ChartNumber.format(ci.level, as: .percent)) \(ci.method) interval"
    }

    /// Answer rate per template with Wilson intervals, and responses that continued instead of answering.
    public static func answerability(_ r: AnswerabilityResult) -> ReportSection {
        let chart = ChartSpec(
            title: "Answer rate by template (\(r.context.model))", x: ChartAxis("prompt template"),
            y: ChartAxis("responses that answer", format: .percent, min: 0, max: 1),
            data: .bars(categories: r.templates.map(\.template),
                        series: [BarSeries(name: r.context.model, values: r.templates.map { value($0.rate) })]))
        let table = ReportTable(
            columns: ["template", "samples", "answers", "continues", "unparsed", "answer rate", "strict format", "lenient format",
                      "truncated", "accuracy", "grader"],
            rows: r.templates.map { t in
                [t.template + (t.template == r.bestTemplate ? " (best)" : ""), "\(t.samples)", "\(t.answers)", "\(t.continues)",
                 "\(t.unparsed)", interval(t.rate)] + formatCells(t.formatRates, over: t.samples)
                    + [share(t.truncationRate, over: t.samples), share(t.accuracy, over: t.samples),
                       t.grader ?? r.context.graderKey ?? r.context.grader]
            })
        let continuing = "Continues the text instead of answering"
        let continues = r.templates.map(\.continues).reduce(0, +)
        let samples = r.templates.flatMap { t in
            t.continuingExamples.map { e in
                ReportSample(category: continuing, questionID: e.questionID,
                             labels: [ReportFact("template", e.template), ReportFact("temperature", temperatureText(e.temperature)),
                                      ReportFact("sample", "\(e.sampleIndex)")],
                             response: e.text)
            }
        }
        return ReportSection(
            id: "answerability", title: "Answer rate by template",
            caption: ReportCaption(
                measures: "The share of responses that answer the question rather than continue the prompt text, for each prompt template (paper §2.1, Fig. 3 left).",
                method: "\(r.method); rate = answers / (answers + continues), \(levelText(r.templates.first?.rate)); unparsed judge replies are left out.",
                provenance: provenance(r.context, templates: r.templates.map(\.template))),
            charts: [chart], table: table, samples: samples,
            notes: (r.bestTemplate.map { ["Best template: \($0) (used for exploration and reflection)."] } ?? [])
                + lowestAccuracyFlag(r)
                + ["\(continues) of \(r.templates.map(\.samples).reduce(0, +)) responses continue the text instead of answering (" +
                   r.templates.map { "\($0.template): \($0.continues)" }.joined(separator: ", ") + "); \(samples.count) shown below."],
            sampleTotals: samples.isEmpty ? [:] : [continuing: continues])
    }

    /// The warning for a pick whose accuracy is the lowest of the compared templates.
    static func lowestAccuracyFlag(_ r: AnswerabilityResult) -> [String] {
        let better = r.moreAccurateThanPick
        guard let best = r.bestTemplate, let pick = r.templates.first(where: { $0.template == best }), !better.isEmpty else { return [] }
        let others = better.map { "\($0.template) \(share($0.accuracy, over: $0.samples))" }.joined(separator: ", ")
        return ["Warning: the picked template \(best) has the lowest accuracy of the templates compared " +
                "(\(share(pick.accuracy, over: pick.samples)) vs \(others)): answer rate and accuracy disagree; " +
                "compare the accuracy intervals in the table before relying on the pick."]
    }

    /// Strict and lenient format rates, the rule in force marked (strict under paper parity); "–" for a
    /// template without an answer format.
    static func formatCells(_ f: FormatRates, over n: Int) -> [String] {
        [f.strict.map { share($0, over: n) + (f.rule == .strict ? " (used)" : "") } ?? "–",
         f.lenient.map { share($0, over: n) + (f.rule == .lenient ? " (used)" : "") } ?? "–"]
    }

    /// "template r1, grader auto+fallback" for titles.
    static func templateAndGrader(_ template: String, _ c: FigureContext, grader: String? = nil) -> String {
        "template \(template), grader \(grader ?? c.graderKey ?? c.grader)"
    }

    /// The k values drawn: 1, 2, 4, … and k itself.
    static func shownK(_ k: Int) -> [Int] {
        guard k >= 1 else { return [] }
        var out: [Int] = [], x = 1
        while x < k { out.append(x); x *= 2 }
        out.append(k)
        return out
    }

    /// pass@k across temperatures with bootstrap bands, and the share of questions with no correct sample.
    public static func exploration(_ r: ExplorationResult) -> ReportSection {
        let temps = r.temperatures.sorted { $0.temperature < $1.temperature }
        let lines = shownK(r.k).map { k in
            LineSeries(name: "pass@\(k)", points: temps.compactMap { t in
                k - 1 < t.passAtK.count ? LinePoint(x: t.temperature, y: value(proper(t.passAtK[k - 1], questions: t.questions))) : nil
            })
        }
        let passChart = ChartSpec(title: "pass@k vs temperature (\(r.context.model), \(templateAndGrader(r.template, r.context, grader: r.grader)))",
                                  x: ChartAxis("sampling temperature"),
                                  y: ChartAxis("pass@k", format: .percent, min: 0, max: 1), data: .lines(lines))
        let zeroChart = ChartSpec(
            title: "Questions with no correct sample among k = \(r.k)", x: ChartAxis("sampling temperature"),
            y: ChartAxis("questions", format: .percent, min: 0, max: 1),
            data: .bars(categories: temps.map { "T = " + temperatureText($0.temperature) },
                        series: [BarSeries(name: r.context.model, values: temps.map { value($0.zeroCorrect) })]))
        let table = ReportTable(
            columns: ["temperature", "questions", "sample accuracy", "strict format", "lenient format", "pass@1", "pass@\(r.k)", "no correct sample"],
            rows: temps.map { t in
                [temperatureText(t.temperature), "\(t.questions)",
                 ReportedFigures.sampleAccuracy(t, k: r.k).map(interval) ?? percent(t.sampleAccuracy)]
                    + formatCells(t.formatRates, over: t.questions * r.k) + [
                 t.passAtK.first.map { interval(proper($0, questions: t.questions)) } ?? "–",
                 t.passAtK.last.map { interval(proper($0, questions: t.questions)) } ?? "–", interval(t.zeroCorrect)]
            })
        return ReportSection(
            id: "exploration", title: "pass@k vs temperature (\(templateAndGrader(r.template, r.context, grader: r.grader)))",
            caption: ReportCaption(
                measures: "How often at least one of k samples is correct, per sampling temperature (paper §2.1, Fig. 3 middle); questions with no correct sample give RL no reward signal.",
                method: "Unbiased pass@k estimator (Chen et al. 2021) averaged over questions; shaded bands are \(levelText(temps.first?.passAtK.first)) over questions, replaced by the 95% Wilson interval over questions where the bootstrap is degenerate at 0% or 100%; sample accuracy and format rate carry Wilson intervals over all samples.",
                provenance: provenance(r.context, templates: [r.template], temperatures: temps.map(\.temperature))),
            charts: [passChart, zeroChart], table: table)
    }

    /// Display names of response categories.
    static func categoryName(_ c: ResponseCategory) -> String {
        switch c {
        case .truncated: return "truncated"
        case .noAnswer: return "no answer"
        case .correct: return "correct"
        case .incorrect: return "incorrect"
        }
    }

    /// Mean response length per category per temperature, and with vs without reflection.
    public static func lengths(exploration: ExplorationResult?, reflection: ReflectionResult?) -> ReportSection {
        var charts: [ChartSpec] = [], rows: [[String]] = []
        var context: FigureContext? = nil
        if let e = exploration {
            context = e.context
            let temps = e.temperatures.sorted { $0.temperature < $1.temperature }
            let cats = ResponseCategory.allCases
            charts.append(ChartSpec(
                title: "Mean response length by category (\(e.context.model), \(templateAndGrader(e.template, e.context, grader: e.grader)))", x: ChartAxis("response category"),
                y: ChartAxis("completion tokens", format: .number),
                data: .bars(categories: cats.map(categoryName), series: temps.map { t in
                    BarSeries(name: "T = " + temperatureText(t.temperature),
                              values: cats.map { c in t.lengths.byCategory[c]?.mean.map { ChartValue($0) } })
                })))
            for t in temps {
                for c in cats {
                    let s = t.lengths.byCategory[c]
                    rows.append([temperatureText(t.temperature), categoryName(c), "\(s?.count ?? 0)",
                                 s?.mean.map { ChartNumber.format($0, as: .number) } ?? "–",
                                 s?.median.map { ChartNumber.format($0, as: .number) } ?? "–",
                                 s?.min.map(String.init) ?? "–", s?.max.map(String.init) ?? "–"])
                }
            }
        }
        if let r = reflection {
            context = context ?? r.context
            let temps = r.temperatures.sorted { $0.temperature < $1.temperature }
            charts.append(ChartSpec(
                title: "Mean response length with and without self-reflection (\(templateAndGrader(r.template, r.context)))", x: ChartAxis("responses"),
                y: ChartAxis("completion tokens", format: .number),
                data: .bars(categories: ["with reflection", "without reflection"], series: temps.map { t in
                    BarSeries(name: "T = " + temperatureText(t.temperature),
                              values: [t.lengthsWithReflection.mean.map { ChartValue($0) },
                                       t.lengthsWithoutReflection.mean.map { ChartValue($0) }])
                })))
        }
        return ReportSection(
            id: "lengths", title: "Response length by category" + ((exploration?.template ?? reflection?.template).map { " (template \($0))" } ?? ""),
            caption: ReportCaption(
                measures: "Mean completion length in tokens of truncated, unanswered, correct and incorrect responses, and of responses with and without self-reflection (paper appendix D, Table 5).",
                method: "Completion tokens as counted by the sampling backend; truncated means the max-token budget was reached; reflection is decided by the \(reflection?.temperatures.first?.detector ?? "keyword") detector.",
                provenance: context.map { provenance($0, templates: [exploration?.template ?? reflection?.template].compactMap { $0 }) } ?? []),
            charts: charts, table: rows.isEmpty ? nil : ReportTable(columns: ["temperature", "category", "responses", "mean", "median", "min", "max"], rows: rows))
    }

    /// The benchmark table (Table 1 style: one row per model, one column per set, then the average).
    public static func benchmarks(_ r: BenchmarkResult) -> ReportSection {
        let chart = ChartSpec(
            title: "Benchmark accuracy (\(r.context.model), \(r.decoding))", x: ChartAxis("benchmark"),
            y: ChartAxis("accuracy", format: .percent, min: 0),
            data: .bars(categories: r.sets.map(\.name), series: [BarSeries(name: r.context.model, values: r.sets.map { value(proper($0.accuracy, questions: $0.questions)) })]))
        let table = ReportTable(
            columns: ["model", "template", "decoding"] + r.sets.map(\.name) + ["Avg."],
            rows: [[r.context.model, r.template, r.decoding] + r.sets.map { percent($0.accuracy.estimate) } + [percent(r.average)]])
        let notes = r.sets.map { s in
            "\(s.name): \(s.questions) questions, \(s.samples) samples, accuracy \(interval(proper(s.accuracy, questions: s.questions))), format rate \(share(s.formatRate, over: s.samples)), truncated \(share(s.truncationRate, over: s.samples)), mean \(ChartNumber.format(s.meanCompletionTokens, as: .number)) tokens."
        }
        return ReportSection(
            id: "benchmarks", title: "Benchmark scores",
            caption: ReportCaption(
                measures: "Accuracy on each evaluation set and their unweighted average, as in the paper's Table 1.",
                method: "\(r.decoding) decoding; accuracy is the mean share of correct samples per question, \(levelText(r.sets.first?.accuracy)) over questions.",
                provenance: provenance(r.context, templates: [r.template])),
            charts: [chart], table: table, notes: notes)
    }
}

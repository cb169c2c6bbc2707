// Report sections for self-reflection (paper §2.3, appendices C–E): per-keyword counts on a log scale
// (Fig. 9), keyword vs judge vs their cross at response and question level (Fig. 11) with the
// detectors' confusion matrix and Cohen's κ, and accuracy with vs without reflection per question
// (Fig. 13). All numbers come from `Analyses.ReflectionResult`.
import Foundation
import Analyses

extension AuditSections {
    /// Responses containing each keyword, log scale, one series per temperature.
    public static func reflectionKeywords(_ r: ReflectionResult) -> ReportSection {
        let temps = r.temperatures.sorted { $0.temperature < $1.temperature }
        var totals: [String: Int] = [:]
        for t in temps { for (k, v) in t.keyword.responsesWithKeyword { totals[k, default: 0] += v } }
        let found = r.keywords.filter { (totals[$0] ?? 0) > 0 }.sorted { (totals[$0] ?? 0, $1) > (totals[$1] ?? 0, $0) }
        let absent = r.keywords.filter { (totals[$0] ?? 0) == 0 }
        let chart = ChartSpec(
            title: "Responses containing each reflection keyword (\(r.context.model))", x: ChartAxis("keyword"),
            y: ChartAxis("responses", scale: .log, format: .integer),
            data: .bars(categories: found, series: temps.map { t in
                BarSeries(name: "T = " + temperatureText(t.temperature),
                          values: found.map { k in ChartValue(Double(t.keyword.responsesWithKeyword[k] ?? 0)) })
            }))
        let table = ReportTable(
            columns: ["keyword"] + temps.flatMap { ["responses (T = \(temperatureText($0.temperature)))", "occurrences (T = \(temperatureText($0.temperature)))"] },
            rows: (found.isEmpty ? r.keywords : found).map { k in [k] + temps.flatMap { ["\($0.keyword.responsesWithKeyword[k] ?? 0)", "\($0.keyword.occurrences[k] ?? 0)"] } })
        var notes: [String] = []
        let responses = temps.map(\.keyword.responses).reduce(0, +)
        if found.isEmpty {
            notes.append("Detection ran: no keyword found in \(responses) responses (pool: \(r.keywords.joined(separator: ", "))).")
        } else if !absent.isEmpty {
            notes.append("Keywords never found: \(absent.joined(separator: ", ")).")
        }
        return ReportSection(
            id: "reflection-keywords", title: "Self-reflection keywords",
            caption: ReportCaption(
                measures: "How many responses contain each self-reflection keyword (paper Fig. 9, log scale).",
                method: "\(r.keywordMatching) matching of the keyword pool, case-insensitive; a response counts once per keyword however often it appears.",
                provenance: provenance(r.context, templates: [r.template], temperatures: temps.map(\.temperature))),
            charts: found.isEmpty ? [] : [chart], table: responses == 0 && found.isEmpty ? nil : table, notes: notes)
    }

    /// Keyword, judge and cross detection rates at response and question level, and the confusion matrix.
    public static func reflectionDetectors(_ r: ReflectionResult) -> ReportSection {
        let temps = r.temperatures.sorted { $0.temperature < $1.temperature }
        var charts: [ChartSpec] = [], rows: [[String]] = [], notes: [String] = []
        func rate(_ hit: Int, _ n: Int) -> ChartValue? {
            ReportedFigures.rate(hit, of: n).map(value)
        }
        for t in temps {
            let k = t.keyword
            var series = [BarSeries(name: "keyword", values: [rate(k.responsesDetected, k.responses), rate(k.questionsDetected, k.questions)])]
            rows.append([temperatureText(t.temperature), "keyword", "\(k.responsesDetected) / \(k.responses)", "\(k.questionsDetected) / \(k.questions)"])
            if let j = t.judge?.detected {
                series.append(BarSeries(name: "judge", values: [rate(j.responsesDetected, j.responses), rate(j.questionsDetected, j.questions)]))
                rows.append([temperatureText(t.temperature), "judge", "\(j.responsesDetected) / \(j.responses)", "\(j.questionsDetected) / \(j.questions)"])
            }
            if let c = t.cross {
                series.append(BarSeries(name: "keyword ∧ judge (cross)", values: [rate(c.responsesDetected, c.responses), rate(c.questionsDetected, c.questions)]))
                rows.append([temperatureText(t.temperature), "cross", "\(c.responsesDetected) / \(c.responses)", "\(c.questionsDetected) / \(c.questions)"])
            }
            charts.append(ChartSpec(
                title: "Self-reflection detected, T = \(temperatureText(t.temperature)) (\(r.context.model))", x: ChartAxis("level"),
                y: ChartAxis("share detected", format: .percent, min: 0, max: 1),
                data: .bars(categories: ["responses", "questions"], series: series)))
            if let m = t.confusion {
                charts.append(ChartSpec(
                    title: "Keyword vs judge on each response, T = \(temperatureText(t.temperature))", x: ChartAxis("LLM judge"),
                    y: ChartAxis("keyword detector", format: .integer),
                    data: .heatmap(HeatMap(rows: ["keyword fires", "keyword silent"], columns: ["judge fires", "judge silent"],
                                           values: [[Double(m.both), Double(m.firstOnly)], [Double(m.secondOnly), Double(m.neither)]]))))
                let kappa = (t.kappa ?? m.cohensKappa).map { ChartNumber.format($0, as: .number) } ?? "undefined"
                let agree = m.observedAgreement.map { percent($0) } ?? "–"
                notes.append("T = \(temperatureText(t.temperature)): detectors agree on \(agree) of \(m.total) responses; Cohen's κ = \(kappa).")
            }
            if let j = t.judge, j.unparsed > 0 {
                notes.append("T = \(temperatureText(t.temperature)): \(j.unparsed) judge replies had no usable category and are left out.")
            }
        }
        if temps.allSatisfy({ $0.judge == nil }) {
            notes.append("No reflection judge was run, so only the keyword detector is shown; pass a judge to `r1audit audit` for the judge and cross rates.")
        }
        return ReportSection(
            id: "reflection-detectors", title: "Self-reflection: keyword vs judge vs cross",
            caption: ReportCaption(
                measures: "The share of responses, and of questions with any such response, where each detector finds self-reflection (paper Fig. 11); the matrix shows where the keyword detector and the LLM judge disagree.",
                method: "Keyword: \(r.keywordMatching) match of the keyword pool. Judge: the paper's reflection prompt, category 2 = reflection. Cross: both. Whiskers are 95% Wilson intervals.",
                provenance: provenance(r.context, templates: [r.template], temperatures: temps.map(\.temperature))),
            charts: charts, table: rows.isEmpty ? nil : ReportTable(columns: ["temperature", "detector", "responses", "questions"], rows: rows),
            samples: disagreementSamples(r), notes: notes)
    }

    /// Responses on which the detectors disagree (excerpts as stored by Analyses).
    static func disagreementSamples(_ r: ReflectionResult) -> [ReportSample] {
        r.temperatures.flatMap { t in
            t.disagreements.map { d in
                ReportSample(category: d.keywordFired ? "Keyword fires, judge does not" : "Judge fires, keyword does not",
                             questionID: d.excerpt.questionID,
                             labels: [ReportFact("temperature", temperatureText(d.excerpt.temperature)),
                                      ReportFact("sample", "\(d.excerpt.sampleIndex)"),
                                      ReportFact("keywords", d.keywords.isEmpty ? "none" : d.keywords.joined(separator: ", ")),
                                      ReportFact("judge reply", d.judgeReply)],
                             response: d.excerpt.text)
            }
        }
    }

    /// Distribution over questions of accuracy with reflection minus accuracy without (Fig. 13).
    public static func reflectionAccuracy(_ r: ReflectionResult) -> ReportSection {
        let temps = r.temperatures.sorted { $0.temperature < $1.temperature }
        let bins = temps.first?.accuracy.histogram.count ?? 0
        let edges = ReportedFigures.accuracyGapEdges(bins: bins)
        let usable = temps.filter { $0.accuracy.histogram.count == bins && !$0.accuracy.gaps.isEmpty }
        let chart = ChartSpec(
            title: "Accuracy with reflection − without, per question (\(r.context.model))",
            x: ChartAxis("accuracy difference (with − without reflection)", format: .number),
            y: ChartAxis("questions", format: .integer),
            data: usable.isEmpty ? .histogram(edges: [], series: []) : .histogram(edges: edges, series: usable.map { t in
                BarSeries(name: "T = " + temperatureText(t.temperature), values: t.accuracy.histogram.map { ChartValue(Double($0)) })
            }))
        let rows = temps.map { t -> [String] in
            let a = t.accuracy
            return [temperatureText(t.temperature), t.detector, "\(a.gaps.count)", "\(a.positive)", "\(a.zero)", "\(a.negative)",
                    a.meanDelta.map { ChartNumber.format($0, as: .number) } ?? "–", "\(a.skippedQuestions)"]
        }
        return ReportSection(
            id: "reflection-accuracy", title: "Self-reflection vs accuracy",
            caption: ReportCaption(
                measures: "For each question with both reflecting and non-reflecting responses, accuracy of the reflecting ones minus accuracy of the others (paper appendix D, Fig. 13); mass right of 0 means reflection goes with higher accuracy.",
                method: "Per question over its k responses; questions where all or none of the responses reflect are skipped. Reflection is decided by the \(temps.first?.detector ?? "keyword") detector.",
                provenance: provenance(r.context, templates: [r.template], temperatures: temps.map(\.temperature))),
            charts: [chart],
            table: ReportTable(columns: ["temperature", "detector", "questions", "better with", "equal", "worse with", "mean difference", "skipped"], rows: rows))
    }
}

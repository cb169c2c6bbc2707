// The pre-RL readiness audit (issue 21) in the report, read from the stored "readiness" analysis: the
// verdict line and its card (each part with its figure and the rule that fired), the pass@k curve at
// large k beside the blind guesser's (flagged where the guesser exceeds 10%), the crossover with a tuned
// run when one was given, the contamination probe against its control set, and format headroom.
// Every number was computed and stored by Analyses (`Readiness.run`); this file only lays them out.
import Foundation
import Analyses

/// Builds the readiness sections of a report.
public enum ReadinessSections {
    static func percent(_ x: Double) -> String { AuditSections.percent(x) }
    static func interval(_ ci: ConfidenceInterval) -> String { AuditSections.interval(ci) }
    static func fractionText(_ f: Double) -> String { "\(Int((f * 100).rounded()))%" }
    static func rouge(_ ci: ConfidenceInterval) -> String { String(format: "%.2f [%.2f, %.2f]", ci.estimate, ci.lower, ci.upper) }
    static func points(_ ci: ConfidenceInterval) -> String {
        String(format: "%+.1f [%+.1f, %+.1f]", 100 * ci.estimate, 100 * ci.lower, 100 * ci.upper)
    }

    /// "template qwen-math, T = 0.6, grader auto+fallback": what tells two stored readiness results apart.
    static func settings(_ r: ReadinessResult) -> String {
        "template \(r.template), T = \(AuditSections.temperatureText(r.temperature)), grader \(r.grader)"
    }

    /// What made the figures: the model, the samples read and the settings of the audit.
    static func provenance(_ r: ReadinessResult, model: String) -> [ReportFact] {
        [ReportFact("model", model), ReportFact("template", r.template),
         ReportFact("temperature", AuditSections.temperatureText(r.temperature)),
         ReportFact("questions", "\(r.questions)"), ReportFact("samples per question", "\(r.samplesPerQuestion)"),
         ReportFact("grader", r.grader), ReportFact("answer-rate judge", "heuristic"),
         ReportFact("group size G", "\(r.groupSize)")]
    }

    /// The sections of one stored readiness result, in reading order. `model` names the model whose
    /// samples were read (the run's); ids get `suffix` (`-2`, …) when the run holds several results.
    public static func sections(_ r: ReadinessResult, model: String, suffix: String = "") -> [ReportSection] {
        var out = [verdict(r, model: model), passAtK(r, model: model)]
        if let x = r.crossover { out.append(crossover(x, r, model: model)) }
        out.append(contamination(r, model: model))
        out.append(headroom(r, model: model))
        return out.map { s in
            var s = s
            s.id += suffix
            return s
        }
    }

    /// The verdict line and the report card.
    public static func verdict(_ r: ReadinessResult, model: String) -> ReportSection {
        let table = ReportTable(columns: ["part", "value", "figure", "rule"],
                                rows: r.verdict.parts.map { [$0.name, $0.value, $0.figure, $0.rule] })
        let kept = r.zeroSignalShareKept.map { "\(percent($0)) over the \(r.questionsKept) kept" } ?? "no question kept"
        return ReportSection(
            id: "readiness", title: "Pre-RL readiness: verdict (\(settings(r)))",
            caption: ReportCaption(
                measures: "Whether RL on this model, template and data would have reward signal, and whether a gain would be real: one line, and one card whose parts each show the figure and the rule that decided them (issue 21).",
                method: "The first rule that fires decides the signal: none when no question is kept, the answer rate is < \(percent(ReadinessVerdict.minimumAnswerRate)) or < \(percent(ReadinessVerdict.minimumSignalShare)) of groups have signal; weak when < \(percent(ReadinessVerdict.weakSignalShare)) of groups have signal, pass@k − pass@1 < \(percent(ReadinessVerdict.minimumHeadroom)) or pass@k is within \(percent(ReadinessVerdict.guesserMargin)) of the blind guesser; otherwise yes (docs/ANALYSES.md, \"Verdict\").",
                provenance: provenance(r, model: model)),
            table: table,
            notes: ["Verdict: \(r.verdict.line)",
                    "Answer rate (heuristic): \(interval(r.answerRate)) of \(r.headroom.responses) responses; questions kept \(r.questionsKept) of \(r.questions); predicted zero-signal share of groups of G = \(r.groupSize): \(percent(r.zeroSignalShareAll)) over all questions, \(kept)."])
    }

    /// pass@k at every reported k with the blind guesser's pass@k beside it.
    public static func passAtK(_ r: ReadinessResult, model: String) -> ReportSection {
        let pts = r.passAtK.points
        let curve = pts.map { p in
            LinePoint(x: Double(p.k), y: AuditSections.value(AuditSections.proper(p.passAtK, questions: r.questions)))
        }
        var lines = [LineSeries(name: "pass@k (\(model))", points: curve)]
        var notes: [String] = []
        if let base = r.guessingBaseline, base.count == pts.count {
            lines.append(LineSeries(name: "blind guesser", points: zip(pts, base).map { LinePoint(x: Double($0.k), y: ChartValue($1)) }))
            let flagged = zip(pts, r.guessingFlagged ?? []).filter { $1 }.map { "\($0.0.k)" }
            if !flagged.isEmpty, let first = pts.first, let last = pts.last {
                lines.append(LineSeries(name: "\(percent(GuessingBaseline.flagThreshold)) flag threshold",
                                        points: [LinePoint(x: Double(first.k), y: ChartValue(GuessingBaseline.flagThreshold)),
                                                 LinePoint(x: Double(last.k), y: ChartValue(GuessingBaseline.flagThreshold))]))
            }
            notes.append(flagged.isEmpty
                         ? "The blind guesser stays at or under \(percent(GuessingBaseline.flagThreshold)) at every k shown."
                         : "Flag: the blind guesser exceeds \(percent(GuessingBaseline.flagThreshold)) at k = \(flagged.joined(separator: ", ")); pass@k there says little about capability.")
        } else {
            notes.append("No guessing baseline: the benchmark's answer space was not given (`r1audit readiness --answer-space S`).")
        }
        let rows = pts.enumerated().map { i, p -> [String] in
            let base = r.guessingBaseline.flatMap { i < $0.count ? $0[i] : nil }
            let flag = r.guessingFlagged.flatMap { i < $0.count ? $0[i] : nil }
            return ["\(p.k)", interval(AuditSections.proper(p.passAtK, questions: r.questions)),
                    base.map(percent) ?? "–", flag.map { $0 ? "guesser > \(percent(GuessingBaseline.flagThreshold))" : "" } ?? "–"]
        }
        let chart = ChartSpec(title: "pass@k at large k (\(model), \(settings(r)))",
                              x: ChartAxis("k (samples per question)", scale: pts.count > 2 ? .log : .linear, format: .integer),
                              y: ChartAxis("pass@k", format: .percent, min: 0, max: 1), data: .lines(lines))
        return ReportSection(
            id: "readiness-pass-at-k", title: "Pre-RL readiness: pass@k at large k (\(settings(r)))",
            caption: ReportCaption(
                measures: "The chance that at least one of k samples is right, up to k = \(r.samplesPerQuestion) samples per question, beside the pass@k a uniform guesser over the answer space would reach (1 − (1 − 1/S)^k).",
                method: "Unbiased pass@k estimator (Chen et al. 2021) for every k from one stored sample set per question; bands are \(AuditSections.levelText(pts.first?.passAtK)) over questions, Wilson where the bootstrap is degenerate at 0% or 100%.",
                provenance: provenance(r, model: model)),
            charts: [chart], table: ReportTable(columns: ["k", "pass@k [95% CI]", "blind guesser", "flag"], rows: rows), notes: notes)
    }

    /// Base − tuned pass@k at each k and the crossover k.
    public static func crossover(_ x: PassAtKCrossover, _ r: ReadinessResult, model: String) -> ReportSection {
        let tuned = r.tunedRun ?? "the tuned run"
        let chart = ChartSpec(title: "pass@k, base − tuned (\(model) vs \(tuned))",
                              x: ChartAxis("k (samples per question)", scale: x.points.count > 2 ? .log : .linear, format: .integer),
                              y: ChartAxis("base − tuned pass@k", format: .percent),
                              data: .lines([LineSeries(name: "base − tuned", points: x.points.map { p in
                                  LinePoint(x: Double(p.k), y: AuditSections.value(p.difference.difference))
                              })]))
        let at: String
        if let k = x.crossoverK {
            let ci = x.crossoverInterval.map { " (95% interval \($0.lowerBound) to \($0.upperBound > x.maxK ? "beyond \(x.maxK)" : "\($0.upperBound)"))" } ?? ""
            at = "The base curve meets the tuned one at k = \(k)\(ci); \(percent(x.shareCrossing)) of bootstrap resamples cross within k = \(x.maxK)."
        } else if x.tunedLeadsAtOne {
            at = "No crossover up to k = \(x.maxK): the tuned run leads at every k; \(percent(x.shareCrossing)) of bootstrap resamples cross."
        } else {
            at = "No crossover: the tuned run does not lead at k = 1."
        }
        return ReportSection(
            id: "readiness-crossover", title: "Pre-RL readiness: crossover with \(tuned) (\(settings(r)))",
            caption: ReportCaption(
                measures: "Where the base model's pass@k curve meets the RL-tuned model's (Yue et al. 2025): RL usually wins at k = 1 and the base model catches up at large k.",
                method: "Paired per-question pass@k differences on the \(x.questions) questions both runs hold, with a paired bootstrap over questions at each k; the crossover k is the smallest k where the mean difference is ≥ 0, its interval from the same resamples (a resample that never crosses counts as k = \(x.maxK + 1)).",
                provenance: provenance(r, model: model) + [ReportFact("tuned run", tuned)]),
            charts: [chart],
            table: ReportTable(columns: ["k", "base − tuned (points) [95% CI]", "resamples with base higher"],
                               rows: x.points.map { ["\($0.k)", points($0.difference.difference), percent($0.difference.shareAHigher)] }),
            notes: [at])
    }

    /// The contamination probe on the benchmark beside the control set.
    public static func contamination(_ r: ReadinessResult, model: String) -> ReportSection {
        let title = "Pre-RL readiness: contamination probe"
        guard let c = r.contamination else {
            return ReportSection(id: "readiness-contamination", title: title + " (\(settings(r)))",
                                 caption: ReportCaption(measures: "Not probed in this run.",
                                                        method: "Run `r1audit readiness --probe` with the run's model to add the partial-prompt completion probe."),
                                 notes: ["Contamination: not probed."])
        }
        let pairs = c.benchmarkFigures.map { b in (b, c.controlFigures.first { $0.fraction == b.fraction }) }
        let chart = ChartSpec(
            title: "ROUGE-L of the continuation vs the true rest (\(model))", x: ChartAxis("share of the problem given as the prompt"),
            y: ChartAxis("mean ROUGE-L F", format: .number, min: 0, max: 1),
            data: .bars(categories: pairs.map { fractionText($0.0.fraction) },
                        series: [BarSeries(name: c.benchmark, values: pairs.map { AuditSections.value($0.0.rougeL) }),
                                 BarSeries(name: "control (generated)", values: pairs.map { $0.1.map { AuditSections.value($0.rougeL) } })]))
        let rows = pairs.map { b, k -> [String] in
            [fractionText(b.fraction), "\(b.items)", interval(b.exactMatch), k.map { interval($0.exactMatch) } ?? "–",
             rouge(b.rougeL), k.map { rouge($0.rougeL) } ?? "–",
             interval(b.answerAccuracy), k.map { interval($0.answerAccuracy) } ?? "–"]
        }
        return ReportSection(
            id: "readiness-contamination", title: title + ": \(c.benchmark) (\(model))",
            caption: ReportCaption(
                measures: "Whether the model reproduces the rest of a benchmark problem from its first 40/60/80% (Wu et al. 2025): exact match, ROUGE-L of the continuation against the true rest, and the answer accuracy from the partial prompt, against a control set the model cannot have seen.",
                method: "Bare continuation prompt, greedy; exact match and answer accuracy with 95% Wilson intervals, mean ROUGE-L F (rouge-score tokenisation) with a 95% bootstrap over problems. High when at some share the benchmark's ROUGE-L is ≥ \(String(format: "%.2f", ContaminationProbe.rougeMargin)) above the control's with the intervals apart, or its exact-match interval lies above the control's.",
                provenance: [ReportFact("model", model), ReportFact("benchmark", c.benchmark),
                             ReportFact("benchmark problems", "\(Set(c.items.map(\.questionID)).count)"),
                             ReportFact("control problems", "\(Set(c.controlItems.map(\.questionID)).count)"),
                             ReportFact("decoding", "greedy")]),
            charts: [chart],
            table: ReportTable(columns: ["prompt share", "problems", "exact match", "control exact match", "ROUGE-L", "control ROUGE-L",
                                         "answer accuracy", "control answer accuracy"], rows: rows),
            notes: ["Contamination: \(c.level.rawValue) — \(c.reason)."])
    }

    /// Strict vs lenient vs any-format accuracy and the share of responses writing code.
    public static func headroom(_ r: ReadinessResult, model: String) -> ReportSection {
        let h = r.headroom
        let chart = ChartSpec(
            title: "Accuracy by what the grader credits (\(model), \(settings(r)))", x: ChartAxis("credited"),
            y: ChartAxis("responses", format: .percent, min: 0, max: 1),
            data: .bars(categories: ["any format", "strict format", "lenient format", "with code", "without code"],
                        series: [BarSeries(name: h.template, values: [h.accuracy, h.strictAccuracy, h.lenientAccuracy,
                                                                      h.accuracyWithCode, h.accuracyWithoutCode].map { AuditSections.value($0) })]))
        let rows = [["accuracy (any format)", interval(h.accuracy)], ["accuracy, strict format", interval(h.strictAccuracy)],
                    ["accuracy, lenient format", interval(h.lenientAccuracy)], ["format gap (any − strict)", percent(h.formatGap)],
                    ["responses with code or Python", interval(h.codeShare)], ["accuracy with code", interval(h.accuracyWithCode)],
                    ["accuracy without code", interval(h.accuracyWithoutCode)]]
        return ReportSection(
            id: "readiness-headroom", title: "Pre-RL readiness: format headroom (\(settings(r)))",
            caption: ReportCaption(
                measures: "How much of an RL gain could be the model learning the reward's format rather than the mathematics (the spurious-rewards finding): accuracy crediting any extracted answer vs only the strict or lenient format, and accuracy split by whether the response writes code or mentions Python.",
                method: "Each of the \(h.responses) responses graded once; 95% Wilson intervals over responses; code is a fenced block, `python`, `def `, `import `, `print(`, `return `, `for i in range` or `sympy`.",
                provenance: provenance(r, model: model)),
            charts: [chart], table: ReportTable(columns: ["figure", "value [95% CI]"], rows: rows))
    }
}

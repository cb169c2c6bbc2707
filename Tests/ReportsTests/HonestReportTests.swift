// Issue 17, "a report that says only what the run holds": keyword detection that found nothing says
// so with its count, proportions at 0/n and n/n carry a non-degenerate Wilson interval, the sample
// browser shows gold, grader and extracted answer and each response once, empty responses are
// labelled, category counts cover the whole run, `compare` finds mismatched settings and reports
// paired differences, and training charts read in words with learning rates in scientific notation.
import Foundation
import Testing
@testable import Analyses
@testable import Reports
import RunStore

@Suite struct HonestReportTests {
    static func document(_ sections: [ReportSection]) -> ReportDocument {
        ReportDocument(title: "t", models: ["m"], sections: sections)
    }

    @Test func keywordDetectionThatFoundNothingSaysSoWithTheCount() throws {
        let ctx = try BuilderFixtures.context()
        let detector = KeywordDetector(keywords: ["wait", "recheck"])
        let tally = KeywordTally(detector: detector, responsesByQuestion: [["the answer is 4", "5"], ["x", "y"]])
        let t = TemperatureReflection(
            temperature: 0.6, keyword: tally, judge: nil, cross: nil, confusion: nil, kappa: nil, disagreements: [], detector: "keyword",
            accuracy: ReflectionAccuracy(questions: []), lengths: BuilderFixtures.lengths,
            lengthsWithReflection: LengthSummary([]), lengthsWithoutReflection: LengthSummary([10, 20]))
        let r = ReflectionResult(context: ctx, template: "r1", keywordMatching: "wordBoundary", keywords: ["wait", "recheck"], temperatures: [t])
        let section = AuditSections.reflectionKeywords(r)
        #expect(!section.hasNoData)
        let md = try ReportRenderer.markdown(Self.document([section]), templates: .embedded)
        #expect(md.contains("Detection ran: no keyword found in 4 responses (pool: wait, recheck)."))
        #expect(!md.contains("No data"))
        #expect(md.contains("| wait | 0 | 0 |"))
    }

    @Test(arguments: [(0, 12, "0% [0%, 24.2%]"), (12, 12, "100% [75.8%, 100%]"), (0, 3, "0% [0%, 56.1%]"), (3, 12, "25% [8.9%, 53.2%]")])
    func wilsonIntervalIsNotDegenerateAtTheEnds(hits: Int, trials: Int, shown: String) throws {
        let ci = try #require(ReportedFigures.rate(hits, of: trials))
        #expect(AuditSections.interval(ci) == shown)
        let bootstrap = ConfidenceInterval(estimate: Double(hits) / Double(trials), lower: Double(hits) / Double(trials),
                                           upper: Double(hits) / Double(trials), level: 0.95, method: "bootstrap-percentile")
        let fixed = ReportedFigures.nonDegenerate(bootstrap, trials: trials)
        if hits == 0 || hits == trials {
            #expect(AuditSections.interval(fixed) == shown && fixed.method.hasPrefix("wilson"))
        } else {
            #expect(fixed == bootstrap)   // inside (0, 1) a collapsed bootstrap is what the data say
        }
    }

    @Test func zeroPassAtKAndZeroAccuracyShowWilsonIntervalsInTheRenderedTables() throws {
        let ctx = try BuilderFixtures.context()
        let zero = ConfidenceInterval(estimate: 0, lower: 0, upper: 0, level: 0.95, method: "bootstrap-percentile/1000/seed 0")
        let t = TemperatureExploration(temperature: 0.6, questions: 3, passAtK: [zero, zero, zero, zero],
                                       zeroCorrect: try WilsonInterval.interval(successes: 3, trials: 3), sampleAccuracy: 0, formatRates: FormatRates(strict: 0, lenient: 0, rule: .lenient),
                                       lengths: BuilderFixtures.lengths, correctPerQuestion: ["q1": 0, "q2": 0, "q3": 0])
        let e = ExplorationResult(context: ctx, template: "r1", k: 4, temperatures: [t])
        let a = AnswerabilityResult(context: ctx, method: "heuristic", templates: [
            TemplateAnswerability(template: "r1", samples: 12, answers: 0, continues: 12, unparsed: 0,
                                  rate: try WilsonInterval.interval(successes: 0, trials: 12), formatRates: FormatRates(strict: 0, lenient: 0, rule: .lenient), truncationRate: 1, accuracy: 0,
                                  continuingExamples: [])], bestTemplate: "r1")
        let md = try ReportRenderer.markdown(Self.document([AuditSections.exploration(e), AuditSections.answerability(a)]), templates: .embedded)
        #expect(!md.contains(#"[0%, 0%\]"#))   // Markdown escapes the brackets
        // Columns: T, questions, sample accuracy, strict format, lenient format (the rule in force), pass@1, pass@k, none correct.
        #expect(md.contains(#"| 0.6 | 3 | 0% \[0%, 24.2%\] | 0% \[0%, 24.2%\] | 0% \[0%, 24.2%\] (used) | 0% \[0%, 56.1%\] | 0% \[0%, 56.1%\] | 100% \[43.9%, 100%\] |"#), "\(md)")
        // Columns: …, answer rate, strict format, lenient format, truncated, accuracy, grader.
        #expect(md.contains(#"| r1 (best) | 12 | 0 | 12 | 0 | 0% \[0%, 24.2%\] | 0% \[0%, 24.2%\] | 0% \[0%, 24.2%\] (used) | 100% \[75.8%, 100%\] | 0% \[0%, 24.2%\] |"#), "\(md)")
    }

    @Test func aPickWithTheLowestAccuracyIsFlaggedNamingTheBetterTemplate() throws {
        let ctx = try BuilderFixtures.context()
        func row(_ name: String, answers: Int, correct: Int) throws -> TemplateAnswerability {
            TemplateAnswerability(template: name, samples: 20, answers: answers, continues: 20 - answers, unparsed: 0,
                                  rate: try WilsonInterval.interval(successes: answers, trials: 20), formatRates: FormatRates(strict: 0, lenient: 0, rule: .lenient),
                                  truncationRate: 0, accuracy: Double(correct) / 20, continuingExamples: [])
        }
        let rows = [try row("r1", answers: 3, correct: 1), try row("qwen-math", answers: 19, correct: 0)]
        let flagged = try ReportRenderer.markdown(Self.document([AuditSections.answerability(
            AnswerabilityResult(context: ctx, method: "heuristic", templates: rows, bestTemplate: "qwen-math"))]), templates: .embedded)
        #expect(flagged.contains("Warning: the picked template qwen-math has the lowest accuracy of the templates compared (0% [0%, 16.1%] vs r1 5% [0.9%, 23.6%])")
                || flagged.contains(#"Warning: the picked template qwen-math has the lowest accuracy of the templates compared (0% \[0%, 16.1%\] vs r1 5% \[0.9%, 23.6%\])"#), "\(flagged)")
        let fine = try ReportRenderer.markdown(Self.document([AuditSections.answerability(
            AnswerabilityResult(context: ctx, method: "heuristic", templates: rows, bestTemplate: "r1"))]), templates: .embedded)
        #expect(!fine.contains("Warning: the picked template"))
    }

    @Test func histogramEdgesAndObjectiveNameComeFromAnalyses() {
        #expect(ReportedFigures.accuracyGapEdges(bins: 4) == [-1, -0.5, 0, 0.5, 1])
        #expect(ReportedFigures.accuracyGapEdges(bins: 0).isEmpty)
        let config = ["train": #"{"learner":{"objective":{"aggregation":"seq-mean-token-mean","baseline":"mean","scaleByStd":true}}}"#]
        #expect(ReportedFigures.objective(config: config) == "GRPO (baseline mean, advantages / std, aggregation seq-mean-token-mean)")
        #expect(TrainingSections.objective(config: config) == ReportedFigures.objective(config: config))
    }

    /// The fixture store with its questions and golds, one empty and one more unanswered response.
    static func browserStore() throws -> RunDatabase {
        let db = try BuilderFixtures.tempStore()
        try BuilderFixtures.fill(db)
        try db.upsert(questions: ["q1", "q2", "q3", "q4"].map { StoredQuestion(id: $0, problem: "What is \($0)?", golds: ["4"], source: "builtin") })
        let empty = try db.insert(sample: BuilderFixtures.sample("q4", 0, response: ""))
        let other = try db.insert(sample: BuilderFixtures.sample("q4", 1, response: "Wait, I am not sure."))
        try db.put(verdicts: [StoredVerdict(sampleID: empty, grader: "auto+fallback", extracted: nil, status: .noAnswer),
                              StoredVerdict(sampleID: other, grader: "auto+fallback", extracted: nil, status: .noAnswer)])
        // The reflection analysis' stored keyword labels (the browser reads these, never re-detects):
        // q1#1 "Wait, let me recheck." and q4#1 "Wait, I am not sure." fired; q1#0 was analysed and found none.
        let byKey = Dictionary(try db.samples().map { ("\($0.questionID)#\($0.sampleIndex)", $0.id ?? 0) }, uniquingKeysWith: { a, _ in a })
        try db.put(labels: [StoredLabel(sampleID: try #require(byKey["q1#1"]), kind: "reflection", method: "keywords:wordBoundary", verdict: "reflects", rule: "recheck,wait"),
                            StoredLabel(sampleID: other, kind: "reflection", method: "keywords:wordBoundary", verdict: "reflects", rule: "wait"),
                            StoredLabel(sampleID: try #require(byKey["q1#0"]), kind: "reflection", method: "keywords:wordBoundary", verdict: "none", rule: "")])
        return db
    }

    @Test func sampleBrowserShowsGoldGraderAndEachResponseOnce() throws {
        let db = try Self.browserStore()
        defer { BuilderFixtures.remove(db) }
        let section = try SampleBrowser.section(database: db, perCategory: 5)
        let keys = section.samples.map { s in s.questionID + "/" + (s.labels.first { $0.key == "sample" }?.value ?? "") }
        #expect(keys.count == Set(keys).count, "a response listed twice: \(keys)")
        #expect(keys.count == 6)
        let incorrect = try #require(section.samples.first { $0.category == "Incorrect" })
        let labels = incorrect.labels.map { "\($0.key): \($0.value)" }
        #expect(labels.suffix(5) == ["grader: auto+fallback", "verdict: incorrect", "extracted answer: 5", "gold: 4", "keywords: recheck, wait"])
        #expect(section.sampleTotals == ["Correct": 1, "Incorrect": 1, "No answer extracted": 3, "Truncated at the token budget, no answer": 1,
                                         "Self-reflection keyword found": 2])
        #expect(!section.samples.contains { $0.category == "Self-reflection keyword found" })   // both already shown under their outcome
    }

    @Test func emptyResponseIsLabelledAndCountsCoverTheWholeRun() throws {
        let db = try Self.browserStore()
        defer { BuilderFixtures.remove(db) }
        let doc = try ReportBuilder.build(database: db, samplesPerCategory: 1)
        let md = try ReportRenderer.markdown(doc, templates: .embedded)
        let html = try ReportRenderer.html(doc, templates: .embedded)
        #expect(md.contains("### No answer extracted (1 shown of 3)"))
        #expect(html.contains("<h3>Continues the text instead of answering (1 shown of 11)</h3>"))
        #expect(md.contains("11 of 24 responses continue the text instead of answering (qwen-math: 3, r1: 8); 1 shown below."))
        let withEmpty = try ReportBuilder.build(database: db, samplesPerCategory: 5)
        let html5 = try ReportRenderer.html(withEmpty, templates: .embedded)
        #expect(html5.contains(#"<pre class="text response">(empty response)</pre>"#))
        #expect(!html5.contains(#"<pre class="text response"></pre>"#))
        #expect(html5.contains("Question q4"))
    }

    @Test(arguments: ["\u{202E}evil", "a\u{200B}b"])
    func modelOutputStaysEscapedWithControlsVisible(response: String) throws {
        let sample = ReportSample(category: "c", questionID: "q", response: "<b>" + response)
        let section = ReportSection(id: "samples", title: "s", caption: ReportCaption(measures: "m", method: "h"), samples: [sample])
        let html = try ReportRenderer.html(Self.document([section]), templates: .embedded)
        #expect(html.contains("&lt;b&gt;"))
        #expect(html.contains("⟨U+202E⟩evil") || html.contains("a⟨U+200B⟩b"))
    }

    static func settings(_ run: String, k: Int = 4, n: Int = 3, template: String = "r1", maxTokens: Int = 256, grader: String = "auto") -> RunSettings {
        RunSettings(run: run, k: k, questions: n, templates: [template], maxTokens: maxTokens, grader: grader)
    }

    @Test(arguments: [
        (settings("b", k: 8), ["k (samples per question) differs: a 4, b 8"]),
        (settings("b", n: 60), ["n (questions) differs: a 3, b 60"]),
        (settings("b", template: "none"), ["template differs: a r1, b none"]),
        (settings("b", maxTokens: 512), ["max tokens differs: a 256, b 512"]),
        (settings("b", grader: "paper"), ["grader differs: a auto, b paper"]),
        (settings("b"), []),
    ])
    func compareFindsEveryMismatchedSetting(other: RunSettings, expected: [String]) {
        #expect(ComparisonChecks.mismatches([Self.settings("a"), other]) == expected)
    }

    @Test func compareUsesPairedDifferencesAndTitlesChartsWithEachRunsSettings() throws {
        let ctx = try BuilderFixtures.context()
        func run(_ correct: [String: Int]) -> ExplorationResult {
            let ci = ConfidenceInterval(estimate: 0.5, lower: 0.2, upper: 0.8, level: 0.95, method: "bootstrap")
            return ExplorationResult(context: ctx, template: "r1", k: 4, temperatures: [
                TemperatureExploration(temperature: 0.6, questions: 3, passAtK: [ci, ci, ci, ci], zeroCorrect: ci, sampleAccuracy: 0.5,
                                       formatRates: FormatRates(strict: 1, lenient: 1, rule: .lenient), lengths: BuilderFixtures.lengths, correctPerQuestion: correct)])
        }
        let a = run(["q1": 4, "q2": 2, "q3": 0]), b = run(["q1": 1, "q2": 1, "q3": 0])
        let section = try #require(ComparisonChecks.pairedDifferences([("a", a), ("b", b)]))
        let expected = try a.pairedDifference(b, temperature: 0.6, k: 1)
        let row = try #require(section.table?.rows.first)
        #expect(row == ["a − b", "0.6", "pass@1", "+" + AuditSections.percent(expected.difference.estimate),
                        "[" + ComparisonChecks.signedPercent(expected.difference.lower) + ", " + ComparisonChecks.signedPercent(expected.difference.upper) + "]",
                        AuditSections.percent(expected.shareAHigher), "3"])
        #expect(section.table?.rows.map { $0[2] } == ["pass@1", "pass@4"])

        let one = ReportSection(id: "x", title: "x", caption: ReportCaption(measures: "", method: ""),
                                charts: [ChartSpec(title: "pass@k vs temperature (m)", x: ChartAxis("T"), y: ChartAxis("p"),
                                                   data: .bars(categories: ["r1"], series: [BarSeries(name: "m", values: [ChartValue(0.5)])]))])
        let merged = ReportComparison.merge([("a", Self.document([one])), ("b", Self.document([one]))],
                                            settings: ["a": Self.settings("a").summary, "b": Self.settings("b", k: 8).summary])
        #expect(merged.sections.first?.charts.first?.title
                == "pass@k vs temperature — a: k 4, n 3, template r1, max tokens 256, grader auto; b: k 8, n 3, template r1, max tokens 256, grader auto")
        let warning = ComparisonChecks.warningSection(["k differs"], settings: [Self.settings("a"), Self.settings("b", k: 8)])
        let md = try ReportRenderer.markdown(Self.document([warning]), templates: .embedded)
        #expect(md.contains("## Warning: these runs were measured differently") && md.contains("| b | 8 | 3 | r1 | 256 | auto |"))
    }

    @Test(arguments: [(3e-6, "3e-6"), (1.5e-7, "1.5e-7"), (0.0005, "5e-4"), (0.25, "0.25"), (0, "0")])
    func smallNumbersUseScientificNotation(value: Double, shown: String) {
        #expect(ChartNumber.format(value, as: .number) == shown)
    }

    @Test func trainingChartsReadInWords() throws {
        let curves = [("train/lr", [1e-6, 3e-6]), ("train/truncated_share", [0.5, 0.2]), ("train/mean_length_correct", [100, 120])].map { name, vs in
            TrainingSections.Curve(name: name, points: vs.enumerated().map { (step: $0.offset + 1, value: $0.element) })
        }
        let section = TrainingSections.section(curves: curves, model: "m", objective: nil)
        let shares = try #require(section.charts.first { $0.title.hasPrefix("Truncated") })
        #expect(shares.y.min == 0 && shares.y.max == 1)
        let lr = try #require(section.charts.first { $0.title == "Learning rate" })
        guard case let .lines(series) = lr.data else { Issue.record("expected lines"); return }
        #expect(series.map(\.name) == ["learning rate"])
        let md = try ReportRenderer.markdown(Self.document([section]), templates: .embedded)
        #expect(md.contains("| learning rate (train/lr) | 2 | 1e-6 | 3e-6 |"))
        #expect(md.contains("mean length of correct responses") && md.contains("share of truncated responses"))
    }
}

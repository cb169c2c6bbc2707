// The readiness section of the report (issue 21), from a run store built here: 3 questions × 4 samples of
// qwen-math at T = 0.6 whose figures are worked out by hand (q1 4/4 right, q2 2/4, q3 0/4), the readiness
// audit run over it (`Readiness.run`), then a contamination result and a crossover stored with it. The
// report must show the verdict and card, the curve beside the guesser with the flag, the probe against
// the control, format headroom and the crossover; the benchmark's name is hostile, and must stay inert.
import Foundation
import Testing
@testable import Analyses
@testable import Reports
import RunStore

@Suite struct ReadinessReportTests {
    static let hostileBenchmark = "<script>x()</script> | *bench* & \"co\""

    /// The store, with the readiness result stored (with a probe and a crossover when `extras`).
    static func store(extras: Bool = true) async throws -> (RunDatabase, ReadinessResult) {
        let db = try BuilderFixtures.tempStore()
        try db.upsert(questions: [
            StoredQuestion(id: "q1", problem: "What is 2 + 2?", golds: ["4"], source: "test"),
            StoredQuestion(id: "q2", problem: "What is 3 + 3?", golds: ["6"], source: "test"),
            StoredQuestion(id: "q3", problem: "What is 5 + 5?", golds: ["10"], source: "test"),
        ])
        try db.upsert(prompt: StoredPrompt(template: "qwen-math", body: "{question}", stop: [], extraction: .boxed))
        let responses: [(String, [String])] = [
            ("q1", ["The sum is \\boxed{4}.", "So \\boxed{4}.", "We get \\boxed{4}.", "Answer \\boxed{4}."]),
            ("q2", ["The sum is \\boxed{6}.", "```python\nprint(3+3)\n```\nSo \\boxed{6}.", "The sum is \\boxed{5}.", "The sum is \\boxed{7}."]),
            ("q3", ["The sum is \\boxed{11}.", "The sum is \\boxed{9}.", "The sum is \\boxed{12}.", "The sum is \\boxed{1}."]),
        ]
        for (q, rs) in responses {
            for (i, r) in rs.enumerated() {
                _ = try db.insert(sample: StoredSample(questionID: q, template: "qwen-math", temperature: 0.6, topP: 1, sampleIndex: i,
                                                       seed: UInt64(i), prompt: q, response: r, promptTokens: 5, completionTokens: 8,
                                                       finishReason: .stop, latency: 0, model: "tiny-model"))
            }
        }
        // S = 20: the guesser is 5% at k = 1, 9.75% at k = 2, 18.5% at k = 4 (flagged there only).
        var r = try await Readiness(groupSize: 8, answerSpace: .size(20), bootstrapResamples: 50).run(database: db)
        guard extras else { return (db, r) }
        let probe = try ContaminationProbe(fractions: [0.4, 0.8], seed: 3)
        let bench = [ContaminationItem(questionID: "q1", fraction: 0.4, rougeL: 0.9, exactMatch: true, answerCorrect: true),
                     ContaminationItem(questionID: "q2", fraction: 0.4, rougeL: 0.7, exactMatch: false, answerCorrect: false),
                     ContaminationItem(questionID: "q1", fraction: 0.8, rougeL: 1.0, exactMatch: true, answerCorrect: true),
                     ContaminationItem(questionID: "q2", fraction: 0.8, rougeL: 0.8, exactMatch: true, answerCorrect: true)]
        let control = bench.map { ContaminationItem(questionID: "c-" + $0.questionID, fraction: $0.fraction, rougeL: $0.rougeL / 4,
                                                   exactMatch: false, answerCorrect: false) }
        let bf = try probe.figures(bench), cf = try probe.figures(control)
        let (level, reason) = ContaminationProbe.level(benchmark: bf, control: cf)
        r.contamination = ContaminationResult(benchmark: hostileBenchmark, benchmarkFigures: bf, controlFigures: cf, level: level,
                                              reason: reason, items: bench, controlItems: control)
        r.crossover = try PassAtKCrossover(base: [(4, 4), (4, 2), (4, 0)], tuned: [(4, 4), (4, 3), (4, 0)], resamples: 50, seed: 1)
        r.tunedRun = "tuned-run"
        try r.store(in: db)
        return (db, r)
    }

    static func section(_ doc: ReportDocument, _ id: String) throws -> ReportSection {
        try #require(doc.sections.first { $0.id == id }, "no section \(id) in \(doc.sections.map(\.id))")
    }

    @Test func verdictLineAndCardComeFromTheStoredResult() async throws {
        let (db, r) = try await Self.store()
        defer { BuilderFixtures.remove(db) }
        let doc = try ReportBuilder.build(database: db)
        let s = try Self.section(doc, "readiness")
        #expect(s.title == "Pre-RL readiness: verdict (template qwen-math, T = 0.6, grader auto+fallback)")
        #expect(s.notes.first == "Verdict: " + r.verdict.line)
        #expect(r.verdict.line.hasPrefix("RL signal: ") && r.verdict.line.contains("questions kept: 1 of 3"))
        let table = try #require(s.table)
        #expect(table.columns == ["part", "value", "figure", "rule"])
        #expect(table.rows.map(\.first) == ["RL signal", "template", "questions kept", "contamination", "expected gain"])
        #expect(table.rows.allSatisfy { $0.count == 4 && !$0[2].isEmpty && !$0[3].isEmpty })
        #expect(table.rows[2][1] == "1 of 3")
        #expect(s.caption.provenance.contains(ReportFact("model", "tiny-model")))
        #expect(s.caption.provenance.contains(ReportFact("samples per question", "4")))
    }

    @Test func passAtKSitsBesideTheGuesserAndFlagsAboveTenPercent() async throws {
        let (db, _) = try await Self.store()
        defer { BuilderFixtures.remove(db) }
        let s = try Self.section(try ReportBuilder.build(database: db), "readiness-pass-at-k")
        let table = try #require(s.table)
        #expect(table.rows.map(\.first) == ["1", "2", "4"])
        #expect(table.rows[0][1].hasPrefix("50% ["))              // (1 + 0.5 + 0) / 3
        #expect(table.rows[2][1].hasPrefix("66.7% ["))            // q1 and q2 solved at k = 4
        #expect(table.rows.map { $0[2] } == ["5%", "9.8%", "18.5%"])
        #expect(table.rows.map { $0[3] } == ["", "", "guesser > 10%"])
        #expect(s.notes.contains { $0.contains("exceeds 10% at k = 4") })
        guard case let .lines(lines) = try #require(s.charts.first).data else { Issue.record("not a line chart"); return }
        #expect(lines.map(\.name) == ["pass@k (tiny-model)", "blind guesser", "10% flag threshold"])
        #expect(lines[0].points.map(\.x) == [1, 2, 4] && lines[0].points.allSatisfy { $0.y.lower != nil })
        #expect(abs((lines[1].points.last?.y.value ?? 0) - (1 - pow(0.95, 4))) < 1e-12)
    }

    @Test func noAnswerSpaceSaysThereIsNoBaselineAndNoProbeSaysNotProbed() async throws {
        let db = try BuilderFixtures.tempStore()
        defer { BuilderFixtures.remove(db) }
        let (full, _) = try await Self.store(extras: false)
        defer { BuilderFixtures.remove(full) }
        var r = try #require(try ReadinessResult.loadAll(from: full).first)
        r.guessingBaseline = nil; r.guessingFlagged = nil
        for s in try full.samples() { _ = try db.insert(sample: s) }
        try r.store(in: db)
        let doc = try ReportBuilder.build(database: db)
        let curve = try Self.section(doc, "readiness-pass-at-k")
        #expect(curve.table?.rows.allSatisfy { $0[2] == "–" } == true)
        #expect(curve.notes.contains { $0.hasPrefix("No guessing baseline") })
        let probe = try Self.section(doc, "readiness-contamination")
        #expect(probe.notes == ["Contamination: not probed."] && probe.hasNoData)
        #expect(!doc.sections.contains { $0.id == "readiness-crossover" })
    }

    @Test func contaminationSitsBesideTheControlAndHeadroomAndCrossoverAreShown() async throws {
        let (db, r) = try await Self.store()
        defer { BuilderFixtures.remove(db) }
        let doc = try ReportBuilder.build(database: db)
        let probe = try Self.section(doc, "readiness-contamination")
        let c = try #require(r.contamination)
        #expect(c.level == .high)
        #expect(probe.notes == ["Contamination: high — \(c.reason)."])
        let rows = try #require(probe.table).rows
        #expect(rows.map(\.first) == ["40%", "80%"])
        #expect(rows[1][2].hasPrefix("100% [") && rows[1][3].hasPrefix("0% ["))      // exact match, benchmark vs control
        #expect(rows[0][4].hasPrefix("0.80 [") && rows[0][5].hasPrefix("0.20 ["))    // mean ROUGE-L 0.8 vs 0.2
        #expect(probe.caption.provenance.contains(ReportFact("control problems", "2")))

        let head = try #require(try Self.section(doc, "readiness-headroom").table)
        #expect(head.rows[0] == ["accuracy (any format)", AuditSections.interval(r.headroom.accuracy)])
        #expect(head.rows[3] == ["format gap (any − strict)", "0%"])
        #expect(head.rows[4][1].hasPrefix("8.3% ["))                                  // 1 of 12 writes Python

        let cross = try Self.section(doc, "readiness-crossover")
        let x = try #require(r.crossover)
        #expect(x.tunedLeadsAtOne && x.crossoverK == 3)   // q2: 3/4 tuned vs 2/4 base; both reach 1 at k = 3 (C(2,3) = 0)
        #expect(cross.title.contains("tuned-run"))
        #expect(cross.notes.first?.hasPrefix("The base curve meets the tuned one at k = 3") == true)
        #expect(cross.table?.rows.map(\.first) == ["1", "2", "4"])
    }

    @Test func hostileTextIsEscapedInHTMLAndMarkdown() async throws {
        let (db, _) = try await Self.store()
        defer { BuilderFixtures.remove(db) }
        let doc = try ReportBuilder.build(database: db)
        let html = try ReportRenderer.html(doc, templates: .embedded)
        _ = try Markup.parseXML(html)                                   // still well-formed
        #expect(!html.contains("<script>x()"))
        #expect(html.contains("&lt;script&gt;x()&lt;/script&gt;"))
        for svg in Markup.svgBlocks(html) { _ = try Markup.parseXML(svg) }
        let md = try ReportRenderer.markdown(doc, templates: .embedded)
        #expect(!md.contains(Self.hostileBenchmark))
        let headings = md.components(separatedBy: "\n").filter { $0.hasPrefix("## Pre-RL readiness") }
        #expect(headings.count == 5)
    }

    /// Golden: the Markdown of the readiness sections, fixed by the seeds; regenerate with
    /// R1AUDIT_UPDATE_GOLDENS=1 after a deliberate change and read the diff.
    @Test func readinessMarkdownMatchesTheGolden() async throws {
        let (db, _) = try await Self.store()
        defer { BuilderFixtures.remove(db) }
        var doc = try ReportBuilder.build(database: db)
        doc.sections = doc.sections.filter { $0.id.hasPrefix("readiness") }
        doc.metadata = []
        let md = try ReportRenderer.markdown(doc, templates: .embedded)
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/goldens/reports/readiness.md")
        if ProcessInfo.processInfo.environment["R1AUDIT_UPDATE_GOLDENS"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try md.write(to: url, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(md == golden)
    }
}

// ReportBuilder reads a filled run store into every section, renders it well-formed with hostile
// responses escaped, survives an empty store and an unreadable stored result; ReportComparison
// overlays two runs.
import Foundation
import Testing
@testable import Analyses
@testable import Reports
import RunStore

@Suite struct BuilderTests {
    @Test func filledStoreGivesEverySectionWithData() throws {
        let db = try BuilderFixtures.tempStore()
        defer { BuilderFixtures.remove(db) }
        try BuilderFixtures.fill(db)
        let doc = try ReportBuilder.build(database: db)
        #expect(doc.title == "r1audit report: fixture-run")
        #expect(doc.models == ["SmolLM2-135M"])
        let ids = doc.sections.map(\.id)
        #expect(ids == ["answerability", "exploration", "reflection-keywords", "reflection-detectors", "reflection-accuracy",
                        "lengths", "benchmarks", "training", "samples"])
        for s in doc.sections { #expect(!s.hasNoData, "\(s.id) has no data") }
        let keywords = try #require(doc.sections.first { $0.id == "reflection-keywords" })
        guard case let .bars(categories, series)? = keywords.charts.first?.data else { Issue.record("expected bars"); return }
        #expect(categories == ["wait", "recheck", "verify"])   // by count, absent "hmm" left out
        #expect(series.count == 2 && keywords.charts.first?.y.scale == .log)
        #expect(keywords.notes.contains { $0.contains("hmm") })
        let detectors = try #require(doc.sections.first { $0.id == "reflection-detectors" })
        #expect(detectors.charts.filter { if case .heatmap = $0.data { return true }; return false }.count == 2)
        let shown = try #require(detectors.samples.first?.response)
        #expect(shown.count > 500 && shown.hasPrefix("<script>") && !shown.hasSuffix("…"))   // full stored response, not the excerpt
        let training = try #require(doc.sections.first { $0.id == "training" })
        #expect(training.charts.map(\.title) == ["Reward and accuracy over training", "Response length over training (correct vs incorrect)",
                                                  "Truncated, unanswered and zero-variance shares", "train/loss", "Throughput"])
        let objective = try #require(training.caption.provenance.first { $0.key == "objective" }?.value)
        #expect(objective.hasPrefix("Dr. GRPO (baseline mean, no std scaling"))
        let browser = try #require(doc.sections.last)
        #expect(Set(browser.samples.map(\.category)) == ["Correct", "Incorrect", "No answer extracted", "Truncated at the token budget, no answer"])
    }

    @Test func filledStoreRendersWellFormedAndEscaped() throws {
        let db = try BuilderFixtures.tempStore()
        defer { BuilderFixtures.remove(db) }
        try BuilderFixtures.fill(db)
        let doc = try ReportBuilder.build(database: db)
        let html = try ReportRenderer.html(doc, templates: .embedded)
        let xml = try Markup.parseXML(html)
        #expect(try Markup.elements(xml, "script").isEmpty && Markup.elements(xml, "textarea").isEmpty)
        #expect(try Markup.elements(xml, "svg").count == doc.sections.flatMap(\.charts).count)
        let md = try ReportRenderer.markdown(doc, templates: .embedded)
        #expect(md.contains("| SmolLM2-135M | qwen-math | greedy | 5% | 0% | 2.5% |"))
    }

    @Test func emptyStoreSaysNoData() throws {
        let db = try BuilderFixtures.tempStore()
        defer { BuilderFixtures.remove(db) }
        let doc = try ReportBuilder.build(database: db)
        #expect(doc.sections.map(\.id) == ["answerability", "exploration", "reflection", "lengths", "benchmarks", "samples"])
        let allEmpty = doc.sections.allSatisfy { $0.hasNoData }
        #expect(allEmpty)
        let html = try ReportRenderer.html(doc, templates: .embedded)
        #expect(Markup.count("class=\"no-data\"", in: html) == doc.sections.count)
        _ = try Markup.parseXML(html)
    }

    @Test func ungradedSamplesStillShowInTheBrowser() throws {
        let db = try BuilderFixtures.tempStore()
        defer { BuilderFixtures.remove(db) }
        _ = try db.insert(sample: BuilderFixtures.sample("q9", 0, response: "partial </textarea> output"))
        let doc = try ReportBuilder.build(database: db)
        let browser = try #require(doc.sections.last)
        #expect(browser.samples.map(\.category) == ["Not graded yet"])
        #expect(doc.models == ["SmolLM2-135M"])   // taken from the samples when no analysis ran
    }

    @Test func unreadableResultBecomesANoteNotAFailure() throws {
        let db = try BuilderFixtures.tempStore()
        defer { BuilderFixtures.remove(db) }
        try BuilderFixtures.fill(db, training: false)
        try db.put(result: StoredResult(key: ResultKey(analysis: ExplorationResult.analysis, template: "qwen-math", temperature: 0.6,
                                                       grader: "auto+fallback", judge: "none"),
                                        headline: 0, payload: "{\"not\": \"an exploration\"}"))
        let doc = try ReportBuilder.build(database: db)
        let failed = try #require(doc.sections.first)
        #expect(failed.id == "exploration-error")
        #expect(failed.notes.first?.contains("exploration [template qwen-math, T=0.6, grader auto+fallback") == true)
        #expect(doc.sections.contains { $0.id == "answerability" && !$0.hasNoData })
    }

    @Test func comparisonOverlaysRuns() throws {
        let a = try BuilderFixtures.tempStore(), b = try BuilderFixtures.tempStore()
        defer { BuilderFixtures.remove(a); BuilderFixtures.remove(b) }
        try BuilderFixtures.fill(a, model: "SmolLM2-135M")
        try BuilderFixtures.fill(b, model: "Qwen2.5-Coder-0.5B")
        let merged = ReportComparison.merge([("smol", try ReportBuilder.build(database: a)), ("qwen", try ReportBuilder.build(database: b))])
        #expect(merged.models == ["SmolLM2-135M", "Qwen2.5-Coder-0.5B"])
        let answer = try #require(merged.sections.first { $0.id == "answerability" })
        guard case let .bars(_, series)? = answer.charts.first?.data else { Issue.record("expected bars"); return }
        #expect(series.map(\.name) == ["smol", "qwen"])
        #expect(answer.caption.provenance.contains(ReportFact("model (qwen)", "Qwen2.5-Coder-0.5B")))
        let bench = try #require(merged.sections.first { $0.id == "benchmarks" }?.table)
        #expect(bench.columns.first == "run" && bench.rows.count == 2)
        let detectors = try #require(merged.sections.first { $0.id == "reflection-detectors" })
        #expect(detectors.charts.contains { $0.title.hasPrefix("qwen: ") })   // heat maps stay per run
        let training = try #require(merged.sections.first { $0.id == "training" })
        guard case let .lines(lines)? = training.charts.first?.data else { Issue.record("expected lines"); return }
        #expect(lines.map(\.name) == ["smol · accuracy", "smol · mean reward", "qwen · accuracy", "qwen · mean reward"])   // legends in words
        _ = try Markup.parseXML(try ReportRenderer.html(merged, templates: .embedded))
    }

    @Test func filesAreWrittenSideBySide() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-report-out-\(UUID().uuidString)")
        let files = try ReportFiles.write(Fixtures.fullDocument(), to: dir, templates: .embedded)
        #expect(FileManager.default.fileExists(atPath: files.markdown) && FileManager.default.fileExists(atPath: files.html))
        #expect(files.charts == 5 && files.sections == 8 && files.sectionsWithData == 7)
    }
}

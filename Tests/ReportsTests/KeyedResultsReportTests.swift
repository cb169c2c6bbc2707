// The report shows every template, temperature and grader the run holds (issue 17): two templates
// explored give two pass@k sections, each length section names its own template and pairs it only with
// that template's reflection, the header's sampling plan is what the samples hold, and the answerability
// table shows strict and lenient format rates side by side (issue 16).
import Foundation
import Testing
@testable import Analyses
@testable import Reports
import RunStore

@Suite struct KeyedResultsReportTests {
    static func r1Exploration() throws -> ExplorationResult {
        var ctx = try BuilderFixtures.context()
        ctx.templates = ["r1"]; ctx.temperatures = [0.6]
        let t = TemperatureExploration(temperature: 0.6, questions: 3, passAtK: [BuilderFixtures.ci(0.05, 0, 0.2, "bootstrap")],
                                       zeroCorrect: BuilderFixtures.ci(0.9, 0.6, 0.98), sampleAccuracy: 0.05,
                                       formatRates: FormatRates(strict: 0.3, lenient: 0.8, rule: .lenient),
                                       lengths: BuilderFixtures.lengths, correctPerQuestion: ["q1": 0, "q2": 0, "q3": 1])
        return ExplorationResult(context: ctx, template: "r1", grader: "auto+fallback", k: 1, temperatures: [t])
    }

    @Test func twoTemplatesExploredAreBothInTheReport() throws {
        let db = try BuilderFixtures.tempStore()
        defer { BuilderFixtures.remove(db) }
        try BuilderFixtures.fill(db, training: false)
        try Self.r1Exploration().store(in: db)
        try db.setConfig("sampling.plan", json: #"{"k":1}"#)   // the last call's plan: not the run's
        let doc = try ReportBuilder.build(database: db)
        let explorations = doc.sections.filter { $0.id.hasPrefix("exploration") }
        #expect(explorations.map(\.id) == ["exploration", "exploration-2"])
        #expect(explorations.map(\.title) == ["pass@k vs temperature (template qwen-math, grader auto+fallback)",
                                             "pass@k vs temperature (template r1, grader auto+fallback)"])
        let r1Table = try #require(explorations[1].table)
        #expect(r1Table.columns.contains("strict format") && r1Table.columns.contains("lenient format"))
        let row = r1Table.rows.first ?? []
        #expect(row.contains { $0.hasPrefix("30% [") } && row.contains { $0.hasPrefix("80% [") && $0.hasSuffix("(used)") }, "\(row)")

        let lengths = doc.sections.filter { $0.id.hasPrefix("lengths") }
        #expect(lengths.map(\.title) == ["Response length by category (template qwen-math)", "Response length by category (template r1)"])
        // qwen-math's lengths sit beside qwen-math's reflection; r1 has no reflection, so no reflection chart.
        #expect(lengths[0].charts.count == 2 && lengths[0].charts.allSatisfy { $0.title.contains("template qwen-math") })
        #expect(lengths[1].charts.count == 1 && lengths[1].charts[0].title.contains("template r1"))
        #expect(lengths[1].caption.provenance.first { $0.key == "template" }?.value == "r1")

        let reflection = try #require(doc.sections.first { $0.id == "reflection-keywords" })
        #expect(reflection.title.contains("template qwen-math") && reflection.title.contains("judge heuristic"))

        let plan = try #require(doc.metadata.first { $0.key == "sampling plan (as stored)" }?.value)
        #expect(plan == "qwen-math T=0.6: 3 questions × k=2 (4 samples)")
        #expect(!doc.metadata.contains { $0.key == "sampling.plan" })
    }

    @Test func answerabilityShowsStrictAndLenientFormatRatesSideBySide() throws {
        let db = try BuilderFixtures.tempStore()
        defer { BuilderFixtures.remove(db) }
        try BuilderFixtures.fill(db, training: false)
        let section = try #require(try ReportBuilder.build(database: db).sections.first { $0.id == "answerability" })
        let table = try #require(section.table)
        let r1 = try #require(table.rows.first { $0.first == "r1" })
        var cell: [String: String] = [:]
        for (name, value) in zip(table.columns, r1) { cell[name] = value }
        #expect(cell["strict format"]?.hasPrefix("10% [") == true, "\(cell)")
        #expect(cell["lenient format"]?.hasPrefix("20% [") == true && cell["lenient format"]?.hasSuffix("(used)") == true, "\(cell)")
        #expect(cell["answer rate"]?.hasPrefix("33%") == true && cell["accuracy"]?.hasPrefix("10% [") == true, "\(cell)")
        #expect(cell["grader"] == "auto+fallback")
    }

    @Test func aPaperParityRerunIsShownBesideTheDefaultGrader() throws {
        let db = try BuilderFixtures.tempStore()
        defer { BuilderFixtures.remove(db) }
        try BuilderFixtures.fill(db, training: false)
        var paper = try #require(try ExplorationResult.loadAll(from: db).first)
        paper.context.graderKey = "paper"; paper.context.paperParity = true; paper.grader = "paper:boxed"
        try paper.store(in: db)
        let titles = try ReportBuilder.build(database: db).sections.filter { $0.id.hasPrefix("exploration") }.map(\.title)
        #expect(titles == ["pass@k vs temperature (template qwen-math, grader auto+fallback)",
                           "pass@k vs temperature (template qwen-math, grader paper:boxed)"])
    }
}

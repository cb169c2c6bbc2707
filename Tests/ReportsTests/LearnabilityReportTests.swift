// The learnability forecast in the report (issue 18), from a store built here: three prompts with 4, 2
// and 0 correct of n = 4, forecast for groups of G = 2 by `LearnabilityMath` (worked out by hand below),
// stored as the analysis stores it; then RL steps stored as the trainer stores them. The report must show
// the histogram, the forecast, and the forecast against the measured share of the first steps.
import Foundation
import Testing
@testable import Analyses
@testable import Reports
import RunStore

@Suite struct LearnabilityReportTests {
    /// c = 4 of 4: every pair all right, 1. c = 2: (C(2,2) + C(2,2)) / C(4,2) = 2/6. c = 0: 1.
    /// Mean over prompts (1 + 1/3 + 1) / 3 = 7/9; DAPO's factor 1 / (1 − 7/9) = 4.5.
    static let handShare = 7.0 / 9.0

    static func store(kept: Set<String>? = nil) throws -> (RunDatabase, LearnabilityResult) {
        let db = try BuilderFixtures.tempStore()
        let correct = ["q1": 4, "q2": 2, "q3": 0]
        let ids = correct.keys.sorted()
        let counts = ids.map { correct[$0] ?? 0 }
        let share = try #require(try LearnabilityMath.zeroSignalShare(correct: counts, n: 4, groupSize: 2))
        let keptCounts = kept.map { k in ids.filter { k.contains($0) }.map { correct[$0] ?? 0 } }
        let filtered = try keptCounts.flatMap { try LearnabilityMath.zeroSignalShare(correct: $0, n: 4, groupSize: 2) }
        let settings = AnalysisSettings(questions: [], questionSource: "test")
        let result = LearnabilityResult(
            context: FigureContext(settings: settings, model: "tiny-model", k: 4, temperatures: [0.6], templates: ["qwen-math"],
                                   judge: "none"),
            template: "qwen-math", temperature: 0.6, samplesPerPrompt: 4, groupSize: 2, reward: "paper:boxed",
            histogram: LearnabilityMath.histogram(correct: counts, n: 4), zeroSignalShare: share,
            oversamplingFactor: LearnabilityMath.oversamplingFactor(zeroShare: share),
            filteredPrompts: keptCounts?.count, zeroSignalShareFiltered: filtered,
            oversamplingFactorFiltered: filtered.flatMap { LearnabilityMath.oversamplingFactor(zeroShare: $0) },
            correctPerQuestion: correct)
        try result.store(in: db)
        return (db, result)
    }

    static func section(_ db: RunDatabase) throws -> ReportSection {
        let doc = try ReportBuilder.build(database: db, runName: "learn")
        return try #require(doc.sections.first { $0.id == "learnability" }, "no learnability section in \(doc.sections.map(\.id))")
    }

    static func row(_ s: ReportSection, _ figure: String) throws -> String {
        try #require(s.table?.rows.first { $0.first?.hasPrefix(figure) == true }?.last, "no row \(figure)")
    }

    @Test func histogramAndForecastComeFromTheStoredResult() throws {
        let (db, r) = try Self.store()
        #expect(abs(r.zeroSignalShare - Self.handShare) < 1e-12)
        let s = try Self.section(db)
        guard case let .bars(categories, series)? = s.charts.first?.data else { Issue.record("no bar chart"); return }
        #expect(categories == ["0", "1", "2", "3", "4"])
        #expect(series.first?.values.map { $0?.value } == [1, 0, 1, 0, 1])
        #expect(try Self.row(s, "predicted zero-signal share of groups, all prompts") == AuditSections.percent(7.0 / 9.0))
        #expect(try Self.row(s, "DAPO oversampling factor, all prompts") == "4.50×")
        #expect(try Self.row(s, "prompts never solved") == "1")
        #expect(s.notes.contains { $0.contains("holds no RL step") })
    }

    @Test func theAuditFilterForecastIsShownWhenThereIsOne() throws {
        // Kept q2 only (2 of 4): 1/3; factor 1 / (2/3) = 1.5.
        let (db, _) = try Self.store(kept: ["q2"])
        let s = try Self.section(db)
        #expect(try Self.row(s, "prompts the audit filter keeps") == "1 of 3")
        #expect(try Self.row(s, "predicted zero-signal share, kept prompts") == AuditSections.percent(1.0 / 3.0))
        #expect(try Self.row(s, "DAPO oversampling factor, kept prompts") == "1.50×")
    }

    @Test func measuredStepsAreComparedWithTheForecast() throws {
        let (db, _) = try Self.store()
        // The first five steps average 0.78 (7/9 = 0.7778: +0.2 points, within ±3); the sixth is not counted early.
        let values = [0.75, 0.80, 0.80, 0.75, 0.80, 0.20]
        try db.putMetrics(values.enumerated().map { StoredMetric(name: LearnabilitySections.measuredMetric, step: $0 + 1, value: $1) })
        try db.setConfig("train", json: #"{"groupSize": 2, "steps": 6}"#)
        let s = try Self.section(db)
        #expect(try Self.row(s, "measured zero-variance share, first 5 steps") == AuditSections.percent(0.78))
        #expect(try Self.row(s, "measured zero-variance share, all 6 steps") == AuditSections.percent(4.1 / 6))
        let note = try #require(s.notes.first { $0.hasPrefix("Forecast") })
        #expect(note.contains("+0.2 points, within ±3 points"), "\(note)")
    }

    @Test func aForecastOffByMoreThanThreePointsSaysSo() throws {
        let (db, _) = try Self.store()
        try db.putMetrics((1...5).map { StoredMetric(name: LearnabilitySections.measuredMetric, step: $0, value: 0.5) })
        let note = try #require(try Self.section(db).notes.first { $0.hasPrefix("Forecast") })
        #expect(note.contains("-27.8 points, outside ±3 points"), "\(note)")
    }

    @Test func aDifferentTrainingGroupSizeIsNotCompared() throws {
        let (db, _) = try Self.store()
        try db.putMetrics([StoredMetric(name: LearnabilitySections.measuredMetric, step: 1, value: 0.78)])
        try db.setConfig("train", json: #"{"groupSize": 8}"#)
        let s = try Self.section(db)
        #expect(s.notes.contains { $0.hasPrefix("Not compared: the trainer used groups of G = 8, the forecast G = 2") })
        #expect(!s.notes.contains { $0.hasPrefix("Forecast") })
    }
}

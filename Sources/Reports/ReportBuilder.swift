// Assembles a `ReportDocument` from one run store: run metadata, then a section per stored analysis
// in the paper's order (§2.1 templates and exploration, §2.3 reflection, Table 1 benchmarks), the
// training curves, and the sample browser. A missing analysis gives a "no data" section; one that
// cannot be decoded gives a section saying why, so one bad result never hides the rest.
import Foundation
import Analyses
import RunStore

/// Builds reports from run stores.
public enum ReportBuilder {
    /// The report of one run.
    /// - Parameters:
    ///   - database: the run's store.
    ///   - runName: shown in the title (defaults to the store's folder name).
    ///   - samplesPerCategory: responses shown per sample-browser category.
    public static func build(database: RunDatabase, runName: String? = nil, samplesPerCategory: Int = 3) throws -> ReportDocument {
        let name = runName ?? URL(fileURLWithPath: database.path).deletingLastPathComponent().lastPathComponent
        var sections: [ReportSection] = []

        let answerability = load(AnswerabilityResult.self, from: database, into: &sections, id: "answerability", title: "Answer rate by template")
        let exploration = load(ExplorationResult.self, from: database, into: &sections, id: "exploration", title: "pass@k vs temperature")
        let reflection = load(ReflectionResult.self, from: database, into: &sections, id: "reflection", title: "Self-reflection")
        let benchmarks = load(BenchmarkResult.self, from: database, into: &sections, id: "benchmarks", title: "Benchmark scores")
        let failed = sections   // decoding failures, shown first

        sections = []
        sections.append(answerability.map(AuditSections.answerability)
                        ?? empty("answerability", "Answer rate by template", "Run `r1audit audit` (or its answerability stage) on this run."))
        sections.append(exploration.map(AuditSections.exploration)
                        ?? empty("exploration", "pass@k vs temperature", "Run `r1audit audit` to sample k responses per temperature."))
        if let r = reflection {
            sections += [AuditSections.reflectionKeywords(r), AuditSections.reflectionDetectors(r), AuditSections.reflectionAccuracy(r)]
        } else {
            sections.append(empty("reflection", "Self-reflection", "Run `r1audit audit` to measure self-reflection on the exploration samples."))
        }
        sections.append(AuditSections.lengths(exploration: exploration, reflection: reflection))
        sections.append(benchmarks.map(AuditSections.benchmarks)
                        ?? empty("benchmarks", "Benchmark scores", "Run the benchmark suite to fill the Table 1 style scores."))

        let models = try models(database, answerability, exploration)
        let curves = TrainingSections.curves(from: try database.metrics())
        let config = try database.allConfig()
        if !curves.isEmpty {
            sections.append(TrainingSections.section(curves: curves, model: models.first,
                                                     objective: TrainingSections.objective(config: config)))
        }
        let detector = reflection.map { KeywordDetector(keywords: $0.keywords, matching: KeywordMatching(rawValue: $0.keywordMatching) ?? .wordBoundary) }
        var browser = try SampleBrowser.section(database: database, keywords: detector, perCategory: samplesPerCategory)
        if let i = sections.firstIndex(where: { $0.id == "reflection-detectors" }) {
            sections[i].samples = try fullTexts(sections[i].samples, reflection: reflection, database: database)
        }
        browser.notes = browser.samples.isEmpty ? ["This run has no stored samples yet."] : []
        sections.append(browser)

        let usage = try database.tokenUsage()
        var metadata = [ReportFact("run", name), ReportFact("store", database.path),
                        ReportFact("samples", "\(usage.samples)"), ReportFact("completion tokens", "\(usage.completionTokens)")]
        for key in config.keys.sorted() {
            let value = config[key] ?? ""
            metadata.append(ReportFact(key, value.count > 300 ? String(value.prefix(300)) + "…" : value))
        }
        return ReportDocument(title: "r1audit report: \(name)", models: models.isEmpty ? ["unknown model"] : models,
                              metadata: metadata, sections: failed + sections)
    }

    /// Loads a stored result; a decoding failure becomes a section explaining it.
    static func load<T: StoredAnalysisResult>(_ type: T.Type, from database: RunDatabase, into failures: inout [ReportSection],
                                              id: String, title: String) -> T? {
        do { return try T.load(from: database) } catch {
            let e = ReportError.metricDecoding(key: T.metricName, expected: String(describing: T.self), reason: error.localizedDescription)
            failures.append(ReportSection(id: id + "-error", title: title + " (unreadable)",
                                          caption: ReportCaption(measures: "—", method: "—"),
                                          notes: [e.errorDescription ?? "\(e)"]))
            return nil
        }
    }

    static func empty(_ id: String, _ title: String, _ hint: String) -> ReportSection {
        ReportSection(id: id, title: title, caption: ReportCaption(measures: "Not measured in this run.", method: hint))
    }

    /// The models named by the stored results, or else by the samples.
    static func models(_ database: RunDatabase, _ a: AnswerabilityResult?, _ e: ExplorationResult?) throws -> [String] {
        var names = [a?.context.model, e?.context.model].compactMap { $0 }
        if names.isEmpty { names = Array(Set(try database.samples().map(\.model))).sorted() }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// Replaces disagreement excerpts (cut at 400 characters by Analyses) with the stored full responses.
    static func fullTexts(_ samples: [ReportSample], reflection: ReflectionResult?, database: RunDatabase) throws -> [ReportSample] {
        guard let r = reflection else { return samples }
        var out = samples
        let excerpts = r.temperatures.flatMap { $0.disagreements.map(\.excerpt) }
        for (i, e) in excerpts.enumerated() where i < out.count {
            if let s = try database.samples(template: e.template, temperature: e.temperature, questionID: e.questionID)
                .first(where: { $0.sampleIndex == e.sampleIndex }) {
                out[i].response = s.response
            }
        }
        return out
    }
}

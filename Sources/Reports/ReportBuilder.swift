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

        // Every stored result, keyed by (analysis, template, temperature, grader, judge): each template,
        // temperature and grader the run holds gets its own sections, titled with them.
        let answerabilities = loadAll(AnswerabilityResult.self, from: database, into: &sections, id: "answerability", title: "Answer rate by template")
        let explorations = loadAll(ExplorationResult.self, from: database, into: &sections, id: "exploration", title: "pass@k vs temperature")
        let reflections = loadAll(ReflectionResult.self, from: database, into: &sections, id: "reflection", title: "Self-reflection")
        let benchmarks = loadAll(BenchmarkResult.self, from: database, into: &sections, id: "benchmarks", title: "Benchmark scores")
        let readiness = loadAll(ReadinessResult.self, from: database, into: &sections, id: "readiness", title: "Pre-RL readiness")
        let learnability = loadAll(LearnabilityResult.self, from: database, into: &sections, id: "learnability", title: "Learnability forecast")
        let failed = sections   // decoding failures, shown first

        sections = []
        if answerabilities.isEmpty {
            sections.append(empty("answerability", "Answer rate by template", "Run `r1audit audit` (or its answerability stage) on this run."))
        }
        for (i, a) in answerabilities.enumerated() {
            sections.append(numbered(AuditSections.answerability(a), i, answerabilities.count > 1 ? a.context : nil))
        }
        if explorations.isEmpty {
            sections.append(empty("exploration", "pass@k vs temperature", "Run `r1audit audit` to sample k responses per temperature."))
        }
        for (i, e) in explorations.enumerated() { sections.append(numbered(AuditSections.exploration(e), i, nil)) }
        if reflections.isEmpty {
            sections.append(empty("reflection", "Self-reflection", "Run `r1audit audit` to measure self-reflection on the exploration samples."))
        }
        for (i, r) in reflections.enumerated() {
            sections += [AuditSections.reflectionKeywords(r), AuditSections.reflectionDetectors(r), AuditSections.reflectionAccuracy(r)]
                .map { section in
                    var s = numbered(section, i, nil)
                    s.title += " (\(AuditSections.templateAndGrader(r.template, r.context)), judge \(r.context.judge))"
                    return s
                }
        }
        // Lengths: each exploration with the reflection of the same template and grader, never another's.
        var pairs: [(ExplorationResult?, ReflectionResult?)] = explorations.map { e in
            (e, reflections.first { $0.template == e.template && $0.context.graderKey == e.context.graderKey })
        }
        for r in reflections where !pairs.contains(where: { $0.1 == r }) { pairs.append((nil, r)) }
        if pairs.isEmpty { pairs = [(nil, nil)] }
        for (i, p) in pairs.enumerated() { sections.append(numbered(AuditSections.lengths(exploration: p.0, reflection: p.1), i, nil)) }
        if benchmarks.isEmpty {
            sections.append(empty("benchmarks", "Benchmark scores", "Run the benchmark suite to fill the Table 1 style scores."))
        }
        for (i, b) in benchmarks.enumerated() { sections.append(numbered(AuditSections.benchmarks(b), i, nil)) }
        // The readiness audit, only when the run holds one (`r1audit readiness`).
        for (i, r) in readiness.enumerated() {
            let model = try database.samples(template: r.template, temperature: r.temperature).first?.model ?? "unknown model"
            sections += ReadinessSections.sections(r, model: model, suffix: i > 0 ? "-\(i + 1)" : "")
        }
        let answerability = answerabilities.first, exploration = explorations.first, reflection = reflections.first

        let models = try models(database, answerability, exploration)
        let metrics = try database.metrics()
        let curves = TrainingSections.curves(from: metrics)
        let config = try database.allConfig()
        // The learnability forecast, beside what the trainer measured when the run also holds RL steps.
        let measured = LearnabilitySections.measured(metrics: metrics, trainConfig: config["train"])
        for (i, l) in learnability.enumerated() {
            sections.append(LearnabilitySections.section(l, measured: measured, suffix: i > 0 ? "-\(i + 1)" : ""))
        }
        if !curves.isEmpty {
            sections.append(TrainingSections.section(curves: curves, model: models.first,
                                                     objective: TrainingSections.objective(config: config)))
        }
        if let rollouts = try RolloutBrowser.section(database: database) { sections.append(rollouts) }
        var browser = try SampleBrowser.section(database: database, perCategory: samplesPerCategory)
        for (n, r) in reflections.enumerated() {
            let id = "reflection-detectors" + (n > 0 ? "-\(n + 1)" : "")
            if let i = sections.firstIndex(where: { $0.id == id }) {
                sections[i].samples = try fullTexts(sections[i].samples, reflection: r, database: database)
            }
        }
        browser.notes = browser.samples.isEmpty ? ["This run has no stored samples yet."] : []
        sections.append(browser)

        let usage = try database.tokenUsage()
        var metadata = [ReportFact("run", name), ReportFact("store", database.path),
                        ReportFact("samples", "\(usage.samples)"), ReportFact("completion tokens", "\(usage.completionTokens)")]
        // The plan as the samples hold it (the stored `sampling.plan` is only the last call's).
        let groups = try database.sampleGroups()
        if !groups.isEmpty {
            metadata.append(ReportFact("sampling plan (as stored)", groups.map {
                "\($0.template) T=\(String(format: "%g", $0.temperature)): \($0.questions) questions × k=\($0.k) (\($0.samples) samples)"
            }.joined(separator: "; ")))
        }
        for key in config.keys.sorted() where key != "sampling.plan" {
            let value = config[key] ?? ""
            metadata.append(ReportFact(key, value.count > 300 ? String(value.prefix(300)) + "…" : value))
        }
        return ReportDocument(title: "r1audit report: \(name)", models: models.isEmpty ? ["unknown model"] : models,
                              metadata: metadata, sections: failed + sections)
    }

    /// Loads every stored result of one analysis; a decoding failure becomes a section explaining it.
    static func loadAll<T: StoredAnalysisResult>(_ type: T.Type, from database: RunDatabase, into failures: inout [ReportSection],
                                                 id: String, title: String) -> [T] {
        do { return try T.loadAll(from: database) } catch {
            let e = ReportError.metricDecoding(key: T.analysis, expected: String(describing: T.self), reason: error.localizedDescription)
            failures.append(ReportSection(id: id + "-error", title: title + " (unreadable)",
                                          caption: ReportCaption(measures: "—", method: "—"),
                                          notes: [e.errorDescription ?? "\(e)"]))
            return []
        }
    }

    /// The `i`-th section of a kind gets a distinct id (`exploration`, `exploration-2`, …); with `context`,
    /// its title also names the temperature, grader and judge that tell it apart.
    static func numbered(_ section: ReportSection, _ i: Int, _ context: FigureContext?) -> ReportSection {
        var s = section
        if i > 0 { s.id += "-\(i + 1)" }
        if let c = context {
            s.title += " (T = \(c.temperatures.map { String(format: "%g", $0) }.joined(separator: ", ")), grader \(c.graderKey ?? c.grader), judge \(c.judge))"
        }
        return s
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

// `r1audit reflection`: self-reflection detectors and their agreement (Liu et al. 2025 §2.3, appendices
// C–E). Thin: options, one `Reflection.run`, a summary per temperature.
import Analyses
import ArgumentParser
import Foundation
import Sampling
import Inference
import Prompts

/// Keyword and LLM-judge self-reflection, their cross, κ, reflection vs accuracy, lengths.
struct ReflectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reflection",
        abstract: "Self-reflection (\"aha\") in responses: keywords, LLM judge, their agreement, and accuracy.",
        discussion: """
        Finds self-reflection in k responses per question: the paper's 15 keywords (case-insensitive; per keyword, \
        per response, and per question when any of its k responses reflects), the paper's LLM judge when \
        --judge-endpoint/--judge-model are given (categories 0–3: the last "category N" in the reply, else a 0–3 that ends it; \
        any other reply, a negative or out-of-range number, is counted as unparsed, never guessed), \
        "cross" = keyword and judge, their confusion matrix and Cohen's κ, a few disagreements to read, the \
        accuracy of reflecting minus non-reflecting responses per question, and lengths by category. \
        Responses come from the run's store; missing ones are sampled (use --stored-only to never sample).

        Questions: a --dataset file or suite is used whole; builtin gives 20; --limit N or --sample N takes fewer.

        Example: r1audit reflection --run qwen --template qwen-math --k 8 --temperatures 0.6
        """)

    @OptionGroup var backend: BackendOptions
    @OptionGroup var runOptions: RunOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var analysis: AnalysisOptions
    @OptionGroup var judge: JudgeOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Template whose responses are analysed.", valueName: "NAME"))
    var template = "qwen-math"

    @Option(name: .long, help: ArgumentHelp("Samples per question per temperature.", valueName: "K"))
    var k = Audit.defaultK

    @Option(name: .long, help: ArgumentHelp("Comma-separated temperatures.", valueName: "LIST"))
    var temperatures = Audit.defaultTemperatures.map { String(format: "%g", $0) }.joined(separator: ",")

    @Option(name: .long, help: ArgumentHelp("Keyword file (one per line, # comments); default: the paper's pool (prompts/keywords-reflection.list).", valueName: "FILE"))
    var keywords: String?

    @Option(name: .long, help: ArgumentHelp("Disagreements between keyword and judge to keep per temperature.", valueName: "N"))
    var disagreements = 5

    @Flag(name: .long, help: "Analyse only the samples already in the run; never load a model or sample.")
    var storedOnly = false

    func validate() throws {
        if k < 1 { throw ValidationError("--k must be at least 1 (got \(k)).") }
        if disagreements < 0 { throw ValidationError("--disagreements must be ≥ 0 (got \(disagreements)).") }
        _ = try AnalysisCLI.temperatures(temperatures)
    }

    mutating func run() async throws {
        let job = Reflection(settings: try analysis.settings(dataset), template: try PromptTemplate.named(template),
                             temperatures: try AnalysisCLI.temperatures(temperatures), k: k,
                             keywords: try AnalysisCLI.keywords(keywords), disagreementSamples: disagreements)
        let renderer = ProgressRenderer()
        defer { renderer.finish() }
        // The model loads before the store opens: a bad --model leaves no empty run store behind.
        let model: (any Inference.Backend)? = storedOnly ? nil : try await backend.makeBackend(progress: renderer.handler)
        let database = try runOptions.open(create: !storedOnly)
        if dataset.allowChangedQuestions {
            try SamplingJob.acceptChangedQuestions(job.settings.questions, source: job.settings.questionSource, database: database)
        }
        let judgeBackend = try judge.makeBackend(progress: renderer.handler)
        let result = try await job.run(backend: model, database: database, judge: judgeBackend.map { JudgeRunner(backend: $0) },
                                       progress: renderer.handler)
        try? await judgeBackend?.shutdown()
        renderer.finish()
        try output.emit(result) { Self.render(result) }
    }

    /// The reflection summary, one block per temperature.
    static func render(_ r: ReflectionResult) -> String {
        func level(_ c: LevelCounts) -> [String] {
            ["\(c.responsesDetected)/\(c.responses) (\(AnalysisCLI.pct(c.responses > 0 ? Double(c.responsesDetected) / Double(c.responses) : 0)))",
             "\(c.questionsDetected)/\(c.questions) (\(AnalysisCLI.pct(c.questions > 0 ? Double(c.questionsDetected) / Double(c.questions) : 0)))"]
        }
        var blocks = ["Self-reflection (template \(r.template), keywords: \(r.keywordMatching))"]
        for t in r.temperatures {
            let kw = LevelCounts(responses: t.keyword.responses, responsesDetected: t.keyword.responsesDetected,
                                 questions: t.keyword.questions, questionsDetected: t.keyword.questionsDetected)
            var rows = [["keyword"] + level(kw)]
            if let j = t.judge {
                rows.append(["judge"] + level(j.detected))
                rows.append(["judge (paper rule)"] + level(j.paperRuleDetected))
            }
            if let c = t.cross { rows.append(["cross"] + level(c)) }
            var lines = ["T=\(String(format: "%g", t.temperature))",
                         AnalysisCLI.table(["detector", "responses", "questions"], rows)]
            if let j = t.judge, let m = t.confusion {
                let cats = (0...3).map { "\($0):\(j.categories[String($0)] ?? 0)" }.joined(separator: " ")
                lines.append("judge categories \(cats) unparsed:\(j.unparsed)")
                lines.append("confusion (keyword × judge): both \(m.both), keyword only \(m.firstOnly), judge only \(m.secondOnly), "
                             + "neither \(m.neither); κ = \(t.kappa.map { String(format: "%.3f", $0) } ?? "undefined")")
            }
            let counts = t.keyword.occurrences.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
            lines.append("keyword counts: " + (counts.isEmpty ? "none" : counts.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
            let a = t.accuracy
            lines.append("reflection vs accuracy (\(t.detector)): \(a.gaps.count) questions with both kinds; mean Δ "
                         + (a.meanDelta.map { String(format: "%+.3f", $0) } ?? "n/a") + "; Δ>0 \(a.positive), Δ=0 \(a.zero), Δ<0 \(a.negative)")
            lines.append("lengths (samples × mean tokens): reflecting \(AnalysisCLI.tokens(t.lengthsWithReflection)), "
                         + "not \(AnalysisCLI.tokens(t.lengthsWithoutReflection)); "
                         + ResponseCategory.allCases.map { "\($0.rawValue) \(AnalysisCLI.tokens(t.lengths.byCategory[$0]))" }.joined(separator: ", "))
            for d in t.disagreements.prefix(3) {
                let text = d.excerpt.text.replacingOccurrences(of: "\n", with: " ").prefix(160)
                lines.append("  disagreement \(d.excerpt.questionID)#\(d.excerpt.sampleIndex) keyword=\(d.keywordFired) judge=\(d.judgeFired): \(text)")
            }
            blocks.append(lines.joined(separator: "\n"))
        }
        blocks.append(r.context.caption)
        return blocks.joined(separator: "\n")
    }
}

// `r1audit explore`: pass@k across temperatures (Liu et al. 2025 §2.1, Fig. 3 middle). Thin: options,
// one `Exploration.run`, two tables.
import Analyses
import ArgumentParser
import Foundation
import Sampling
import Prompts

/// pass@1…k per temperature, the share of questions with no correct sample, and lengths by category.
struct ExploreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "pass@k across temperatures: how much reward signal the model would give RL.",
        discussion: """
        Draws k samples per question at each temperature with one template, grades them, and prints pass@1…k \
        (the unbiased estimator of Chen et al. 2021) with 95% bootstrap intervals over questions, the share of \
        questions where no sample is correct (no reward signal for RL), format and truncation rates, and \
        response lengths (samples × mean tokens) split by correct / incorrect / no answer / truncated. The format \
        rate is shown under both rules, strict (the paper's R1 `</think> <answer>…</answer>`) and lenient (a closed \
        `<answer>` anywhere); `*` marks the rule in force (strict under --paper-parity). Results are stored per \
        template, temperature and grader, so exploring another template never replaces this one.

        Questions: a --dataset file or suite is used whole; builtin gives 20; --limit N or --sample N takes fewer.

        Example: r1audit explore --template qwen-math --k 8 --temperatures 0.4,0.6,0.8,1.0,1.2
        """)

    @OptionGroup var backend: BackendOptions
    @OptionGroup var runOptions: RunOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var analysis: AnalysisOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Template (a name in prompts/ or a file).", valueName: "NAME"))
    var template = "qwen-math"

    @Option(name: .long, help: ArgumentHelp("Samples per question per temperature.", valueName: "K"))
    var k = 8

    @Option(name: .long, help: ArgumentHelp("Comma-separated temperatures.", valueName: "LIST"))
    var temperatures = "0.4,0.6,0.8,1.0,1.2"

    func validate() throws {
        if k < 1 { throw ValidationError("--k must be at least 1 (got \(k)).") }
        _ = try AnalysisCLI.temperatures(temperatures)
    }

    mutating func run() async throws {
        let job = Exploration(settings: try analysis.settings(dataset), template: try PromptTemplate.named(template),
                              temperatures: try AnalysisCLI.temperatures(temperatures), k: k)
        let renderer = ProgressRenderer()
        defer { renderer.finish() }
        // The model loads before the store opens: a bad --model leaves no empty run store behind.
        let model = try await backend.makeBackend(progress: renderer.handler)
        let database = try runOptions.open()
        if dataset.allowChangedQuestions {
            try SamplingJob.acceptChangedQuestions(job.settings.questions, source: job.settings.questionSource, database: database)
        }
        let result = try await job.run(backend: model, database: database, progress: renderer.handler)
        renderer.finish()
        try output.emit(result) { Self.render(result) }
    }

    /// The pass@k and length tables.
    static func render(_ r: ExplorationResult) -> String {
        let pass = r.temperatures.map { t -> [String] in
            [String(format: "%g", t.temperature), "\(t.questions)",
             // A bootstrap degenerate at 0% or 100% is shown with the Wilson interval over questions, as the report does.
             t.passAtK.first.map { AnalysisCLI.pct(ReportedFigures.nonDegenerate($0, trials: t.questions)) } ?? "-",
             t.passAtK.last.map { AnalysisCLI.pct(ReportedFigures.nonDegenerate($0, trials: t.questions)) } ?? "-",
             t.passAtK.map { String(format: "%.0f", $0.estimate * 100) }.joined(separator: " "),
             AnalysisCLI.pct(t.zeroCorrect.estimate)] + AnalysisCLI.formats(t.formatRates) + [AnalysisCLI.pct(t.lengths.truncationRate)]
        }
        let lengths = r.temperatures.map { t in
            [String(format: "%g", t.temperature)] + ResponseCategory.allCases.map { AnalysisCLI.tokens(t.lengths.byCategory[$0]) }
        }
        return """
        Exploration: pass@k (template \(r.template), k=\(r.k), grader \(r.grader ?? r.context.graderKey ?? r.context.grader))
        \(AnalysisCLI.table(["T", "n", "pass@1 [95% CI]", "pass@\(r.k) [95% CI]", "pass@1…\(r.k) (%)", "zero correct", "strict format", "lenient format", "truncated"], pass))
        Response lengths (samples × mean tokens)
        \(AnalysisCLI.table(["T", "truncated", "no answer", "correct", "incorrect"], lengths))
        \(r.context.caption)
        """
    }
}

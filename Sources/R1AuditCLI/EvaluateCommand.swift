// `r1audit evaluate --suite`: benchmark accuracy on the paper's evaluation sets (Liu et al. 2025 Table 1 /
// Table 4). Thin: options, one `BenchmarkSuite.run`, a table.
import Analyses
import ArgumentParser
import Datasets
import Foundation
import Prompts

/// Per-set and average accuracy on AIME24, AMC23, MATH500, Minerva Math and OlympiadBench.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Benchmark accuracy on the paper's five evaluation sets (or chosen ones).",
        discussion: """
        Reads NAME.jsonl for each set from --datasets (default $R1AUDIT_DATASETS, else ../shared/datasets), samples \
        greedily (--temperature 0, the default) or k samples at a temperature, grades, and prints per-set accuracy \
        with 95% bootstrap intervals, format and truncation rates, and the unweighted average over sets (the \
        paper's "Avg."). The paper's budget is --max-tokens 3000; on CPU, --limit N evaluates a seeded sample of N \
        questions per set.

        Example: r1audit evaluate --suite --limit 20 --max-tokens 1024
        """)

    @OptionGroup var backend: BackendOptions
    @OptionGroup var runOptions: RunOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Evaluate the paper's suite: aime24, amc23, math500, minerva, olympiadbench.")
    var suite = false

    @Option(name: .long, help: ArgumentHelp("Comma-separated set names instead of the suite.", valueName: "LIST"))
    var sets: String?

    @Option(name: .long, help: ArgumentHelp("Folder holding NAME.jsonl files.", valueName: "DIR"))
    var datasets: String?

    @Option(name: .long, help: ArgumentHelp("Questions per set (a seeded sample); default: all.", valueName: "N"))
    var limit: Int?

    @Option(name: .long, help: ArgumentHelp("Template (a name in prompts/ or a file).", valueName: "NAME"))
    var template = "qwen-math"

    @Option(name: .long, help: "0 = greedy (one sample per question); above 0, k samples per question.")
    var temperature = 0.0

    @Option(name: .long, help: ArgumentHelp("Samples per question when sampling.", valueName: "K"))
    var k = 1

    @Option(name: .long, help: ArgumentHelp("Token budget per response (paper: 3000).", valueName: "N"))
    var maxTokens = 3000

    @Option(name: .long, help: "Nucleus sampling top-p.")
    var topP = 1.0

    @Option(name: .long, help: "Run seed (sample seeds, question subsets and bootstrap derive from it).")
    var seed: UInt64 = 0

    @Flag(name: .long, help: "The paper's grading: template format only (last \\boxed / R1 answer tag), no fallback.")
    var paperParity = false

    func validate() throws {
        if !suite && sets == nil { throw ValidationError("give --suite (the paper's five sets) or --sets NAME,… .") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1 (got \(limit)).") }
        if k < 1 { throw ValidationError("--k must be at least 1 (got \(k)).") }
        if temperature == 0 && k > 1 { throw ValidationError("greedy decoding (--temperature 0) draws one sample; use --k 1.") }
        if maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1 (got \(maxTokens)).") }
        if !(temperature >= 0 && temperature.isFinite) { throw ValidationError("--temperature must be ≥ 0 (got \(temperature)).") }
    }

    mutating func run() async throws {
        let names = sets.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? DatasetRegistry.benchmarkNames
        let registry = datasets.map { DatasetRegistry(directory: URL(fileURLWithPath: $0)) } ?? DatasetRegistry.default()
        let settings = AnalysisSettings(questions: [], questionSource: names.joined(separator: ","), maxTokens: maxTokens, topP: topP,
                                        seed: seed, grader: GraderSettings(paperParity: paperParity))
        let job = BenchmarkSuite(registry: registry, names: names, limit: limit, template: try PromptTemplate.named(template),
                                 temperature: temperature, k: k, settings: settings)
        let renderer = ProgressRenderer()
        defer { renderer.finish() }
        // The model loads before the store opens: a bad --model leaves no empty run store behind.
        let model = try await backend.makeBackend(progress: renderer.handler)
        let database = try runOptions.open()
        let result = try await job.run(backend: model, database: database, progress: renderer.handler)
        renderer.finish()
        try output.emit(result) { Self.render(result) }
    }

    /// The benchmark table.
    static func render(_ r: BenchmarkResult) -> String {
        var rows = r.sets.map { s in
            [s.name, "\(s.questions)", AnalysisCLI.pct(s.accuracy), AnalysisCLI.pct(s.formatRate), AnalysisCLI.pct(s.truncationRate),
             String(format: "%.0f", s.meanCompletionTokens)]
        }
        rows.append(["average", "", AnalysisCLI.pct(r.average), "", "", ""])
        return """
        Benchmarks (\(r.decoding), template \(r.template))
        \(AnalysisCLI.table(["set", "n", "accuracy [95% CI]", "format", "truncated", "mean tokens"], rows))
        \(r.context.caption)
        """
    }
}

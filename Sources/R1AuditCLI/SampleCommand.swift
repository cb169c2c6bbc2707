// `r1audit sample`: fill a run store with questions × templates × temperatures × k samples through
// the local engine or an OpenAI-compatible endpoint. Rerunning the same command resumes: no sample
// is requested twice, none lost (issue 2). Thin command: options, validate(), SamplingJob.run, render.
import ArgumentParser
import Datasets
import Foundation
import Inference
import Prompts
import RunStore
import Sampling

/// Draws samples into a run.
struct SampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw k samples per question, template and temperature into a run store (resumable).",
        discussion: """
        Every sample gets its own seed, derived from (--seed, question id, template, temperature, \
        sample index), and is stored in RUNS-DIR/NAME/run.sqlite the moment it arrives. Run the same \
        command again after an interruption (Ctrl-C, kill -9) and it requests only what is missing. \
        Changing --max-tokens, --top-p, --seed or the model within one run is refused: start a new --run.

        Examples:
          r1audit sample --model ~/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf
          r1audit sample --endpoint http://127.0.0.1:8080/v1 --model-name smollm2 --run smollm2 \\
              --dataset builtin --template r1 --template qwen-math --template none --k 4
          r1audit sample --dataset math500 --limit 100 --temperature 0,0.6,1.0 --k 8 --run math500
          r1audit export --jsonl --run smollm2 > samples.jsonl
        """)

    @OptionGroup(title: "Questions") var datasetOptions: DatasetOptions
    @OptionGroup(title: "Model") var backend: BackendOptions
    @OptionGroup(title: "Run") var runOptions: RunOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("""
        A prompt template: r1, qwen-math, none (the paper's three), or a path to a template file. \
        Repeat for several. A prompts/NAME.txt in the working directory overrides the built-in copy.
        """, valueName: "NAME|PATH"))
    var template: [String] = PromptTemplate.paperTemplateNames

    @Option(name: .long, help: ArgumentHelp("Samples per question, template and temperature.", valueName: "K"))
    var k = 4

    @Option(name: .long, help: ArgumentHelp("Sampling temperature(s): repeat the option or give a comma list (0 is greedy).",
                                            valueName: "T[,T…]"))
    var temperature: [String] = ["0.6"]

    @Option(name: .long, help: ArgumentHelp("Nucleus sampling: keep the smallest token set with this much probability.", valueName: "P"))
    var topP = 1.0

    @Option(name: .long, help: ArgumentHelp("The most tokens a response may have (longer ones are cut, finish_reason length).", valueName: "N"))
    var maxTokens = 512

    @Option(name: .long, help: ArgumentHelp("Requests handed to the backend at a time (it bounds its own concurrency).", valueName: "N"))
    var chunkSize = 256

    /// The parsed temperatures.
    var temperatures: [Double] {
        temperature.flatMap { $0.split(separator: ",") }.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    func validate() throws {
        let parts = temperature.flatMap { $0.split(separator: ",") }
        if parts.isEmpty { throw ValidationError("give at least one --temperature.") }
        for p in parts {
            guard let t = Double(p.trimmingCharacters(in: .whitespaces)), t >= 0, t.isFinite else {
                throw ValidationError("--temperature takes numbers ≥ 0 such as 0, 0.6 or 1.0 (got \"\(p)\").")
            }
        }
        if k < 1 { throw ValidationError("--k must be at least 1 (got \(k)).") }
        if !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1] (got \(topP)).") }
        if maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1 (got \(maxTokens)).") }
        if chunkSize < 1 { throw ValidationError("--chunk-size must be at least 1 (got \(chunkSize)).") }
        if template.isEmpty { throw ValidationError("give at least one --template.") }
    }

    /// The plan this command describes (questions and templates are read here).
    func makePlan() throws -> SamplingPlan {
        let questions = try datasetOptions.load()
        let templates = try template.map { try PromptTemplate.named($0) }
        return SamplingPlan(questions: questions.questions, questionSource: questions.source, templates: templates,
                            temperatures: temperatures, k: k, topP: topP, maxTokens: maxTokens,
                            runSeed: datasetOptions.seed, chunkSize: chunkSize,
                            allowChangedQuestions: datasetOptions.allowChangedQuestions)
    }

    func run() async throws {
        let renderer = ProgressRenderer()
        defer { renderer.finish() }
        let plan = try makePlan()
        // The model loads before the store opens: a bad --model leaves no empty run store behind.
        let model = try await backend.makeBackend(progress: renderer.handler)
        let database = try runOptions.open()
        let summary = try await execute(plan: plan, backend: model, database: database, progress: renderer.handler)
        renderer.finish()
        try render(summary)
    }

    /// The library call, separate from `run()` so tests can pass their own backend.
    func execute(plan: SamplingPlan, backend: any Backend, database: RunDatabase,
                 progress: ProgressHandler?) async throws -> SamplingSummary {
        try await SamplingJob.run(plan: plan, backend: backend, database: database, progress: progress)
    }

    func render(_ s: SamplingSummary) throws {
        try output.emit(SampleReport(run: runOptions.run, store: runOptions.storeURL.path, summary: s)) {
            """
            run \(runOptions.run): \(s.alreadyStored + s.stored)/\(s.planned) samples stored \
            (\(s.stored) new, \(s.alreadyStored) already there) in \(runOptions.storeURL.path)
            model \(s.model): \(String(format: "%.1f", s.elapsedSeconds)) s, \
            \(String(format: "%.2f", s.samplesPerSecond)) samples/s, \
            \(String(format: "%.0f", s.completionTokensPerSecond)) completion tok/s
            run tokens: \(s.runUsage.promptTokens) prompt + \(s.runUsage.completionTokens) completion \
            over \(s.runUsage.samples) samples
            """
        }
    }
}

/// What `sample --json` prints.
struct SampleReport: Codable {
    var run: String
    var store: String
    var summary: SamplingSummary
}

// `r1audit audit`: the paper's §2 (Liu et al. 2025) on one model in one resumable run, plus the option
// bundles and table helpers the analysis commands share (answerability, explore, evaluate, reflection).
import Analyses
import ArgumentParser
import Datasets
import Endpoint
import Foundation
import Inference
import Prompts
import RunStore
import Sampling

extension AnalysesError: BadInputError {
    /// Bad arguments, keyword files and missing datasets are input; stored-result and judge failures are not.
    public var isBadInput: Bool {
        switch self {
        case .invalidArgument, .keywordFile, .datasetMissing, .noQuestions, .templateNotStored: return true
        case .storedResult, .judgeIncomplete, .backendIncomplete: return false
        }
    }
}

/// Sampling budget, grading and bootstrap settings shared by the analysis commands.
struct AnalysisOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Token budget per response (default 256; fixed for a run once it holds samples).", valueName: "N"))
    var maxTokens: Int?

    @Option(name: .long, help: "Nucleus sampling top-p (fixed per run).")
    var topP = 1.0

    @Flag(name: .long, help: "Reproduce the paper's choices: template format only (last \\boxed / R1 answer tag, no fallback), substring keywords, the paper's judge parsing.")
    var paperParity = false

    @Flag(name: .long, help: "Do not accept plain-text answers (\"The answer is 42\") when the template's format is missing.")
    var noFallback = false

    @Option(name: .long, help: ArgumentHelp("Bootstrap resamples for confidence intervals.", valueName: "N"))
    var bootstrap = 1000

    @Option(name: .long, help: ArgumentHelp("Requests handed to the backend at once.", valueName: "N"))
    var chunkSize = 64

    func validate() throws {
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1 (got \(maxTokens)).") }
        if !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1] (got \(topP)).") }
        if bootstrap < 1 { throw ValidationError("--bootstrap must be at least 1 (got \(bootstrap)).") }
        if chunkSize < 1 { throw ValidationError("--chunk-size must be at least 1 (got \(chunkSize)).") }
    }

    /// The grader settings these flags select.
    var grader: GraderSettings { GraderSettings(paperParity: paperParity, plainTextFallback: !noFallback) }

    /// Loads the questions (a dataset file or suite: all of it; `builtin`: 20; unless --limit or --sample says
    /// otherwise) and builds the shared settings; `--seed` of the dataset options is the run seed.
    func settings(_ d: DatasetOptions, defaultQuestions: Int = Audit.defaultQuestions,
                  defaultMaxTokens: Int = Audit.defaultMaxTokens) throws -> AnalysisSettings {
        let set = try DatasetRegistry.default().load(d.dataset, inputKey: d.inputKey, answerKey: d.answerKey,
                                                     limit: d.limit ?? (d.sample == nil && d.dataset == "builtin" ? defaultQuestions : nil),
                                                     sample: d.sample, seed: d.seed, skipBadLines: d.skipBadLines)
        return AnalysisSettings(questions: set.questions, questionSource: set.source, maxTokens: maxTokens ?? defaultMaxTokens,
                                topP: topP, seed: d.seed, grader: grader, bootstrapResamples: bootstrap, chunkSize: chunkSize)
    }
}

/// The LLM judge: a chat endpoint (`--judge-endpoint URL --judge-model NAME`); without one, documented heuristics are used.
struct JudgeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("OpenAI-compatible server of the judge (repeatable for replicas). Without it: the answerability heuristic and keywords only.", valueName: "URL"))
    var judgeEndpoint: [String] = []

    @Option(name: .long, help: ArgumentHelp("The judge's model name as the server knows it (the paper used gpt-4o-mini).", valueName: "NAME"))
    var judgeModel: String?

    @Option(name: .long, help: ArgumentHelp("Environment variable holding the judge's API key.", valueName: "VAR"))
    var judgeApiKeyEnv: String?

    @Option(name: .long, help: ArgumentHelp("Judge requests in flight at once.", valueName: "N"))
    var judgeConcurrency = 4

    func validate() throws {
        if !judgeEndpoint.isEmpty && (judgeModel ?? "").isEmpty {
            throw ValidationError("--judge-endpoint needs --judge-model NAME (the model the judge server serves).")
        }
        if judgeEndpoint.isEmpty && judgeModel != nil { throw ValidationError("--judge-model needs --judge-endpoint URL.") }
        if judgeConcurrency < 1 { throw ValidationError("--judge-concurrency must be at least 1 (got \(judgeConcurrency)).") }
        for u in judgeEndpoint where URL(string: u)?.host == nil {
            throw ValidationError("--judge-endpoint must be a URL such as http://127.0.0.1:8080 (got \"\(u)\").")
        }
    }

    /// The judge's backend, nil without `--judge-endpoint`. Call `shutdown()` on it when done.
    func makeBackend(progress: ProgressHandler?) throws -> EndpointBackend? {
        guard !judgeEndpoint.isEmpty, let model = judgeModel else { return nil }
        let config = EndpointConfiguration(urls: judgeEndpoint.compactMap(URL.init(string:)), model: model,
                                           apiKeyEnvironmentVariable: judgeApiKeyEnv, concurrency: judgeConcurrency)
        do { return try EndpointBackend(configuration: config, progress: progress) } catch {
            throw CLIError.badInput(error.localizedDescription)
        }
    }
}

/// Parsing and rendering helpers of the analysis commands.
enum AnalysisCLI {
    /// "0.6,1.0" → [0.6, 1.0].
    static func temperatures(_ text: String, option: String = "--temperatures") throws -> [Double] {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.compactMap(Double.init)
        guard !values.isEmpty, values.count == parts.count, values.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw ValidationError("\(option) must be comma-separated temperatures ≥ 0 such as 0.6,1.0 (got \"\(text)\").")
        }
        guard Set(values).count == values.count else { throw ValidationError("\(option) lists a temperature twice (\"\(text)\").") }
        return values
    }

    /// Template names or files, comma-separated.
    static func templates(_ text: String) throws -> [PromptTemplate] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw ValidationError("--templates needs at least one name, e.g. r1,qwen-math,none.") }
        return try names.map { try PromptTemplate.named($0) }
    }

    /// Keywords from `--keywords FILE`, else the paper's pool.
    static func keywords(_ path: String?) throws -> [String] {
        guard let path else { return KeywordDetector.paperPool }
        return try KeywordDetector.loadKeywords(from: URL(fileURLWithPath: path))
    }

    static func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
    /// Strict and lenient format rates side by side, the rule in force marked with `*`; "-" without a format.
    static func formats(_ f: FormatRates) -> [String] {
        [f.strict.map { pct($0) + (f.rule == .strict ? "*" : "") } ?? "-", f.lenient.map { pct($0) + (f.rule == .lenient ? "*" : "") } ?? "-"]
    }
    static func pct(_ ci: ConfidenceInterval) -> String {
        String(format: "%.1f%% [%.1f, %.1f]", ci.estimate * 100, ci.lower * 100, ci.upper * 100)
    }
    static func tokens(_ s: LengthSummary?) -> String {
        guard let s, let mean = s.mean else { return "0" }
        return "\(s.count) × \(Int(mean.rounded()))"
    }

    /// Left-aligned columns separated by two spaces.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { c, cell in cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}

/// `r1audit audit`: answerability → exploration with the best template → self-reflection, one run.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit a base model before RL: template answerability, pass@k exploration, self-reflection.",
        discussion: """
        Runs the paper's section 2 (Liu et al. 2025) on one model, storing
        everything in runs/NAME/run.sqlite:
        1. answerability: which prompt template makes the model answer the
           question instead of continuing the text;
        2. exploration: pass@1..k across temperatures with the best template
           (is there reward signal for RL?);
        3. self-reflection: the paper's keywords, the LLM judge if given, and
           how the two agree.
        With no options it audits the default model on 20 built-in questions
        (k=4, T=0.6,1.0, 256 tokens, 200 samples); a --dataset file or suite
        is used whole unless --limit or --sample. Rerunning with the same
        --run resumes; `r1audit report --run NAME` writes the report.

        Examples:
          r1audit audit
          r1audit audit --model Qwen2.5-0.5B.gguf --run qwen
          r1audit audit --endpoint http://127.0.0.1:8080/v1 --model-name base \\
            --judge-endpoint http://127.0.0.1:9000/v1 --judge-model judge
        """)

    @OptionGroup var backend: BackendOptions
    @OptionGroup var runOptions: RunOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var analysis: AnalysisOptions
    @OptionGroup var judge: JudgeOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Templates to compare (names in prompts/ or files).", valueName: "LIST"))
    var templates = PromptTemplate.paperTemplateNames.joined(separator: ",")

    @Option(name: .long, help: ArgumentHelp("Samples per question per temperature for pass@k.", valueName: "K"))
    var k = Audit.defaultK

    @Option(name: .long, help: ArgumentHelp("Exploration temperatures; answerability uses the first.", valueName: "LIST"))
    var temperatures = Audit.defaultTemperatures.map { String(format: "%g", $0) }.joined(separator: ",")

    @Option(name: .long, help: ArgumentHelp("Self-reflection keyword file (one per line); default: the paper's pool.", valueName: "FILE"))
    var keywords: String?

    func validate() throws {
        if k < 1 { throw ValidationError("--k must be at least 1 (got \(k)).") }
        _ = try AnalysisCLI.temperatures(temperatures)
    }

    mutating func run() async throws {
        let settings = try analysis.settings(dataset)
        let audit = Audit(settings: settings, templates: try AnalysisCLI.templates(templates),
                          temperatures: try AnalysisCLI.temperatures(temperatures), k: k,
                          keywords: try AnalysisCLI.keywords(keywords))
        let renderer = ProgressRenderer()
        defer { renderer.finish() }
        // The model loads before the store opens: a bad --model leaves no empty run store behind.
        let model = try await backend.makeBackend(progress: renderer.handler)
        let database = try runOptions.open()
        if dataset.allowChangedQuestions {
            try SamplingJob.acceptChangedQuestions(audit.settings.questions, source: audit.settings.questionSource, database: database)
        }
        let judgeBackend = try judge.makeBackend(progress: renderer.handler)
        let result = try await audit.run(backend: model, database: database, judge: judgeBackend.map { JudgeRunner(backend: $0) },
                                         progress: renderer.handler)
        try? await judgeBackend?.shutdown()
        renderer.finish()
        let store = runOptions.storeURL.path, run = runOptions.run
        try output.emit(result) {
            [AnswerabilityCommand.render(result.answerability),
             "Exploration with the best template (\(result.template)):",
             ExploreCommand.render(result.exploration),
             ReflectionCommand.render(result.reflection),
             "\(result.samples) samples, \(result.completionTokens) completion tokens, stored in \(store).",
             "Rerun the same command to resume; `r1audit report --run \(run)` writes the report."].joined(separator: "\n\n")
        }
    }
}

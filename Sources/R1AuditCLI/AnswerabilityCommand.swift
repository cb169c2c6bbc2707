// `r1audit answerability`: template answerability (Liu et al. 2025 §2.1, Fig. 3 left). Thin: options,
// one `Answerability.run`, a table.
import Analyses
import ArgumentParser
import Foundation
import Sampling
import Prompts

/// Which template makes the model answer the question rather than continue the text.
struct AnswerabilityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answerability",
        abstract: "Answer rate per prompt template: does the model answer, or just continue the text?",
        discussion: """
        Samples one response per question for each template and classifies it as answering the question or \
        continuing the prompt (new questions, rambling). With --judge-endpoint/--judge-model an LLM judge decides \
        with the paper's prompt (a reply that does not start with 0 or 1 after whitespace and Markdown emphasis \
        is counted as unparsed, never guessed: "10", "-1", "1.5", "1st" or text before the digit are unparsed); \
        without one a documented heuristic does, reading the response itself and never the grader's extraction \
        (empty, new turns, new questions, written options or the prompt repeated are continuing; an answer \
        marker with an answer, a final numeric statement or a cut derivation is answering; rule by rule in \
        docs/ANALYSES.md). Prints the answer rate with a 95% Wilson interval, the strict and lenient format \
        rates (`*` marks the rule in force: strict under --paper-parity), accuracy and the best template. Each \
        response's verdict and rule (or the judge's reply) is stored; `r1audit export --jsonl` shows them.

        Questions: a --dataset file or suite is used whole; builtin gives 20; --limit N or --sample N takes fewer.

        Example: r1audit answerability --templates r1,qwen-math,none --limit 20
        """)

    @OptionGroup var backend: BackendOptions
    @OptionGroup var runOptions: RunOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var analysis: AnalysisOptions
    @OptionGroup var judge: JudgeOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Templates to compare (names in prompts/ or files).", valueName: "LIST"))
    var templates = PromptTemplate.paperTemplateNames.joined(separator: ",")

    @Option(name: .long, help: "Sampling temperature (0 = greedy).")
    var temperature = Audit.defaultTemperatures[0]

    @Option(name: .long, help: ArgumentHelp("Responses per question and template.", valueName: "N"))
    var samples = 1

    func validate() throws {
        if samples < 1 { throw ValidationError("--samples must be at least 1 (got \(samples)).") }
        if !(temperature >= 0 && temperature.isFinite) { throw ValidationError("--temperature must be ≥ 0 (got \(temperature)).") }
    }

    mutating func run() async throws {
        let job = Answerability(settings: try analysis.settings(dataset), templates: try AnalysisCLI.templates(templates),
                                temperature: temperature, samplesPerQuestion: samples)
        let renderer = ProgressRenderer()
        defer { renderer.finish() }
        // The model loads before the store opens: a bad --model leaves no empty run store behind.
        let model = try await backend.makeBackend(progress: renderer.handler)
        let database = try runOptions.open()
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

    /// The answerability table.
    static func render(_ r: AnswerabilityResult) -> String {
        let rows = r.templates.map { t -> [String] in
            [t.template, "\(t.samples)", "\(t.answers)", "\(t.continues)", "\(t.unparsed)", AnalysisCLI.pct(t.rate)]
                + AnalysisCLI.formats(t.formatRates) + [AnalysisCLI.pct(t.truncationRate), AnalysisCLI.pct(t.accuracy)]
        }
        return """
        Answerability (\(r.method))
        \(AnalysisCLI.table(["template", "samples", "answers", "continues", "unparsed", "answer rate [95% CI]", "strict format", "lenient format", "truncated", "correct"], rows))
        best template: \(r.bestTemplate ?? "none")
        \(r.context.caption)
        """
    }
}

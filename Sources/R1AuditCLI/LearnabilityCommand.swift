// `r1audit learnability`: forecast, before RL, how many GRPO groups will carry no gradient (issue 18).
// Thin: options, --from-audit resolution (shared with `train`), one `Learnability.run`, render.
import Analyses
import ArgumentParser
import Datasets
import Foundation
import Prompts

/// Samples n per training prompt under the RL settings and predicts the zero-signal share.
struct LearnabilityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learnability",
        abstract: "Forecast RL's zero-signal groups: the pass-rate histogram under the exact RL template, temperature and reward.",
        discussion: """
        Samples --samples responses (default: --group-size) per training question with the template, \
        temperature and reward `train` would use, and prints the histogram of correct samples per \
        question, the predicted share of groups of G whose rewards are all equal (zero advantage, so no \
        gradient for GRPO or Dr. GRPO; unbiased estimate [C(c,G) + C(n−c,G)] / C(n,G)) and DAPO's \
        oversampling factor 1/(1 − share), the prompts dynamic sampling draws per kept group.

        With --from-audit RUN the settings and questions come from the audit as in `train --from-audit`, \
        and the share is also given over the questions the audit filter keeps (after filtering); the \
        forecast's own samples are independent of the audit's, so use a new --run. --weights fp32 \
        samples exactly as `train`'s rollouts do (q8 is faster and close).

        Example: r1audit learnability --from-audit smol-audit --group-size 8 --run smol-learn
        """)

    @OptionGroup var backend: BackendOptions
    @OptionGroup var runOptions: RunOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Prompt template (default: qwen-math, or the audit's).", valueName: "NAME"))
    var template: String?
    @Option(name: .long, help: ArgumentHelp("Sampling temperature (default: 1.0, or the audit's best).", valueName: "T"))
    var temperature: Double?
    @Option(name: .long, help: "The reward's extraction: paper, auto or fallback (default: paper, or the audit's grader).")
    var reward: RewardChoice?
    @Option(name: .long, help: ArgumentHelp("GRPO group size G (responses per prompt in a step).", valueName: "G"))
    var groupSize = 8
    @Option(name: .long, help: ArgumentHelp("Samples per question (n ≥ G; more samples, a tighter estimate).", valueName: "N"))
    var samples: Int?
    @Option(name: .long, help: ArgumentHelp("Generation budget per response (train's --max-new-tokens).", valueName: "N"))
    var maxNewTokens = 256
    @Option(name: .long, help: "Nucleus sampling top-p (train's --top-p).")
    var topP = 1.0
    @Option(name: .long, help: ArgumentHelp("Take template, reward, temperature and questions from this audit run.", valueName: "RUN"))
    var fromAudit: String?
    @Flag(name: .long, help: "With --from-audit: the filter keeps questions the audit always solved.")
    var keepSolved = false

    func validate() throws {
        if groupSize < 2 { throw ValidationError("--group-size must be at least 2 (got \(groupSize)).") }
        if let n = samples, n < groupSize { throw ValidationError("--samples must be at least --group-size (\(groupSize)); got \(n).") }
        if maxNewTokens < 1 { throw ValidationError("--max-new-tokens must be at least 1.") }
        if let t = temperature, t < 0 { throw ValidationError("--temperature must be ≥ 0.") }
        if !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1].") }
        if fromAudit == nil && keepSolved { throw ValidationError("--keep-solved needs --from-audit RUN.") }
        if let a = fromAudit, a == runOptions.run {
            throw ValidationError("--run must differ from --from-audit (\(a)): the forecast's samples must be new, not the audit's.")
        }
    }

    mutating func run() async throws {
        var questions: [Question], source: String, kept: Set<String>?
        var tpl = template ?? "qwen-math", temp = temperature ?? 1.0, r = reward ?? .paper
        if let run = fromAudit {
            let plan = try FromAudit.plan(run: run, runsDir: runOptions.runsDir)
            // The forecast covers every audit question (before filtering) and marks the ones the filter keeps.
            questions = try dataset.dataset == "builtin" ? plan.questions : dataset.load().questions
            source = dataset.dataset == "builtin" ? "audit:\(run)" : dataset.dataset
            if dataset.dataset == "builtin", let limit = dataset.limit { questions = Array(questions.prefix(limit)) }
            kept = Set(FromAudit.questions(plan, dataset: questions, keepSolved: keepSolved).1.kept)
            tpl = template ?? plan.template; temp = temperature ?? plan.temperature; r = reward ?? RewardChoice(plan.grader)
        } else {
            let set = try dataset.load()
            questions = set.questions; source = set.source; kept = nil
        }
        let settings = AnalysisSettings(questions: questions, questionSource: source, maxTokens: maxNewTokens, topP: topP,
                                        seed: dataset.seed, grader: r.grader)
        let job = Learnability(settings: settings, template: try PromptTemplate.named(tpl), temperature: temp,
                               samplesPerPrompt: samples ?? groupSize, groupSize: groupSize, keptQuestionIDs: kept)
        let renderer = ProgressRenderer()
        defer { renderer.finish() }
        // The model loads before the store opens: a bad --model leaves no empty run store behind.
        let model = try await backend.makeBackend(progress: renderer.handler)
        let database = try runOptions.open()
        let result = try await job.run(backend: model, database: database, progress: renderer.handler)
        renderer.finish()
        try output.emit(result) { Self.render(result) }
    }

    /// The histogram and the forecast.
    static func render(_ r: LearnabilityResult) -> String {
        let total = max(r.histogram.reduce(0, +), 1)
        let rows = r.histogram.enumerated().map { c, count in
            ["\(c)/\(r.samplesPerPrompt)", "\(count)", AnalysisCLI.pct(Double(count) / Double(total)),
             String(repeating: "█", count: Int((Double(count) / Double(total) * 40).rounded()))]
        }
        func factor(_ f: Double?) -> String { f.map { String(format: "%.2f×", $0) } ?? "∞ (every group flat)" }
        var lines = [
            "Learnability forecast (template \(r.template), T=\(String(format: "%g", r.temperature)), reward \(r.reward), "
                + "n=\(r.samplesPerPrompt) per question, G=\(r.groupSize))",
            AnalysisCLI.table(["correct", "questions", "share", ""], rows),
            "zero-signal groups (all \(r.groupSize) rewards equal): \(AnalysisCLI.pct(r.zeroSignalShare)) of \(total) questions; "
                + "DAPO oversampling \(factor(r.oversamplingFactor))",
        ]
        if let n = r.filteredPrompts {
            lines.append("after the audit filter (\(n) questions kept): "
                         + (r.zeroSignalShareFiltered.map { AnalysisCLI.pct($0) } ?? "–") + "; DAPO oversampling \(factor(r.oversamplingFactorFiltered))")
        }
        lines.append(r.context.caption)
        return lines.joined(separator: "\n")
    }
}

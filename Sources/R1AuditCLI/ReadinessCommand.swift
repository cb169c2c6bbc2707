// `r1audit readiness`: the pre-RL readiness verdict over a run that already holds samples (issue 21).
// Thin: options, `validate()`, one `Readiness.run`, a card.
import Analyses
import ArgumentParser
import Datasets
import Foundation
import RunStore

/// Will RL on this model, template and data have signal, and would a gain be real?
struct ReadinessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readiness",
        abstract: "Pre-RL readiness: pass@k headroom, zero-signal share, format headroom, contamination, one verdict.",
        discussion: """
        Reads the samples a run already holds (run `audit` or `explore` first; by default the template and \
        temperature with the most samples) and prints: pass@k up to the samples per question with bootstrap \
        intervals, beside a blind guesser's pass@k when --answer-space is given (flagged above 10%); strict, \
        lenient and any-format accuracy and the share of responses writing code; the heuristic answer rate; \
        the questions RL can learn from (some but not all samples correct, --keep-solved keeps the always \
        correct) and the predicted share of groups of --group-size whose rewards are all equal (zero \
        gradient for GRPO and Dr. GRPO). With --probe it also runs the contamination probe: the first \
        40/60/80% of each of the run's questions (at most --probe-limit) as a bare prompt, greedy, against a \
        control set generated with --seed. The verdict's rules are in docs/ANALYSES.md.

        Examples:
          r1audit audit --run smol && r1audit readiness --run smol
          r1audit readiness --run smol --probe --probe-limit 20 --answer-space 1000
        """)

    @OptionGroup var runOptions: RunOptions
    @OptionGroup var backend: BackendOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Template whose samples to read (default: the one with the most samples).", valueName: "NAME"))
    var template: String?

    @Option(help: ArgumentHelp("Temperature whose samples to read (default: the one with the most samples).", valueName: "T"))
    var temperature: Double?

    @Option(help: ArgumentHelp("RL group size G for the zero-signal forecast.", valueName: "G"))
    var groupSize = 8

    @Flag(help: "Count always-correct questions as kept (they give no signal, so the default drops them).")
    var keepSolved = false

    @Option(help: ArgumentHelp("Size of the benchmark's answer space for the blind-guesser baseline (AIME: 1000; five choices: 5).",
                               valueName: "S"))
    var answerSpace: Int?

    @Flag(help: "The paper's grading: the template's format only, no plain-text fallback.")
    var paperParity = false

    @Flag(help: "Also run the contamination probe on the model given by --model or --endpoint.")
    var probe = false

    @Option(help: ArgumentHelp("Questions of the run to probe (and control questions to generate).", valueName: "N"))
    var probeLimit = 50

    @Option(help: ArgumentHelp("Comma-separated shares of each problem given as the probe's prompt.", valueName: "LIST"))
    var fractions = "0.4,0.6,0.8"

    @Option(help: ArgumentHelp("A run of the RL-tuned model (same questions, template and temperature): adds the pass@k crossover.",
                               valueName: "NAME"))
    var tunedRun: String?

    @Option(help: "Seed for the control set and the bootstrap.")
    var seed: UInt64 = 0

    func validate() throws {
        if groupSize < 2 { throw ValidationError("--group-size must be at least 2 (got \(groupSize)).") }
        if let s = answerSpace, s < 1 { throw ValidationError("--answer-space must be at least 1 (got \(s)).") }
        if probeLimit < 1 { throw ValidationError("--probe-limit must be at least 1 (got \(probeLimit)).") }
        _ = try Self.fractionList(fractions)
    }

    static func fractionList(_ text: String) throws -> [Double] {
        let xs = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !xs.isEmpty, xs.allSatisfy({ $0 != nil && $0! > 0 && $0! < 1 }) else {
            throw ValidationError("--fractions must be comma-separated numbers between 0 and 1, e.g. 0.4,0.6,0.8 (got \"\(text)\").")
        }
        return xs.compactMap { $0 }
    }

    mutating func run() async throws {
        let database = try runOptions.open(create: false)
        let job = Readiness(grader: GraderSettings(paperParity: paperParity, plainTextFallback: !paperParity),
                            template: template, temperature: temperature, groupSize: groupSize, keepSolved: keepSolved,
                            answerSpace: answerSpace.map { .size($0) }, seed: seed)
        let renderer = ProgressRenderer()
        defer { renderer.finish() }
        var tuned: (name: String, database: RunDatabase)? = nil
        if let tunedRun {
            var other = runOptions
            other.run = tunedRun
            tuned = (tunedRun, try other.openReadOnly())
        }
        var result: ReadinessResult
        if probe {
            let questions = try database.questions().prefix(probeLimit).map { Question(id: $0.id, problem: $0.problem, golds: $0.golds) }
            let benchmark = QuestionSet(source: "run \(runOptions.run)", questions: Array(questions))
            let model = try await backend.makeBackend(progress: renderer.handler)
            result = try await job.run(database: database, probe: try ContaminationProbe(fractions: try Self.fractionList(fractions), seed: seed),
                                       benchmark: benchmark, backend: model, tuned: tuned, progress: renderer.handler)
        } else {
            result = try await job.run(database: database, tuned: tuned, progress: renderer.handler)
        }
        renderer.finish()
        try output.emit(result) { Self.render(result) }
    }

    /// The card: the verdict line, its parts, then the figures behind them.
    static func render(_ r: ReadinessResult) -> String {
        let parts = r.verdict.parts.map { [$0.name, $0.value, $0.figure, $0.rule] }
        let curve = r.passAtK.points.enumerated().map { i, p in
            ["\(p.k)", AnalysisCLI.pct(p.passAtK),
             r.guessingBaseline.map { AnalysisCLI.pct($0[i]) + (r.guessingFlagged?[i] == true ? " (!)" : "") } ?? "-"]
        }
        let h = r.headroom
        var text = """
        \(r.verdict.line)
        \(AnalysisCLI.table(["part", "value", "figure", "rule"], parts))
        pass@k (template \(r.template), T=\(String(format: "%g", r.temperature)), \(r.questions) questions, grader \(r.grader))
        \(AnalysisCLI.table(["k", "pass@k [95% CI]", "blind guesser"], curve))
        Format headroom: accuracy \(AnalysisCLI.pct(h.accuracy)), strict \(AnalysisCLI.pct(h.strictAccuracy)), lenient \(AnalysisCLI.pct(h.lenientAccuracy)); code in \(AnalysisCLI.pct(h.codeShare)) of responses (accuracy \(AnalysisCLI.pct(h.accuracyWithCode.estimate)) with, \(AnalysisCLI.pct(h.accuracyWithoutCode.estimate)) without)
        Answer rate (heuristic): \(AnalysisCLI.pct(r.answerRate)); questions kept \(r.questionsKept) of \(r.questions); zero-signal share at G=\(r.groupSize): \(AnalysisCLI.pct(r.zeroSignalShareAll)) all, \(r.zeroSignalShareKept.map(AnalysisCLI.pct) ?? "-") kept
        """
        if let c = r.contamination {
            let rows = zip(c.benchmarkFigures, c.controlFigures).map { b, k in
                ["\(Int((b.fraction * 100).rounded()))%", AnalysisCLI.pct(b.exactMatch), String(format: "%.2f", b.rougeL.estimate),
                 AnalysisCLI.pct(b.answerAccuracy), AnalysisCLI.pct(k.exactMatch), String(format: "%.2f", k.rougeL.estimate)]
            }
            text += "\nContamination: \(c.level.rawValue) (\(c.reason))\n"
                + AnalysisCLI.table(["prompt", "exact match", "ROUGE-L", "answer acc.", "control exact", "control ROUGE-L"], rows)
        }
        if let x = r.crossover {
            let rows = x.points.map { p in
                ["\(p.k)", String(format: "%+.1f [%+.1f, %+.1f]", 100 * p.difference.difference.estimate,
                                  100 * p.difference.difference.lower, 100 * p.difference.difference.upper),
                 String(format: "%.0f%%", 100 * p.difference.shareAHigher)]
            }
            let k = x.crossoverK.map { "k = \($0)" } ?? (x.tunedLeadsAtOne ? "none up to k = \(x.maxK)" : "none (the tuned run does not lead at k = 1)")
            let ci = x.crossoverInterval.map { " [\($0.lowerBound), \($0.upperBound)\($0.upperBound > x.maxK ? "+" : "")]" } ?? ""
            text += "\nCrossover with \(r.tunedRun ?? "the tuned run") (\(x.questions) shared questions): \(k)\(ci)\n"
                + AnalysisCLI.table(["k", "base − tuned (points)", "resamples base higher"], rows)
        }
        return text
    }
}

// The inputs `train`, `learnability` and the training exports share (issue 18): `--dataset FILE|builtin|NAME`
// with the sampling commands' keys and `--skip-bad-lines`, the RL reward (`--reward`), and `--from-audit RUN`,
// which takes an audit run's template, grader, temperature and its question filter.
import Analyses
import ArgumentParser
import Datasets
import Foundation
import RunStore

/// `--input-key`, `--answer-key`, `--skip-bad-lines`: how a training dataset's JSONL is read (as `sample` reads it).
struct TrainingDatasetKeys: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The JSON field holding the problem text.", valueName: "KEY"))
    var inputKey = "problem"
    @Option(name: .long, help: ArgumentHelp("The JSON field holding the gold answer (GSM8K \"#### 18\" is understood).", valueName: "KEY"))
    var answerKey = "answer"
    @Flag(name: .long, help: "Skip malformed lines (and report how many) instead of stopping at the first.")
    var skipBadLines = false

    func validate() throws {
        if inputKey.isEmpty || answerKey.isEmpty { throw ValidationError("--input-key and --answer-key must not be empty.") }
    }

    /// Loads `spec` (a JSONL file, `builtin`, or a suite name) through the dataset registry.
    func load(_ spec: String, limit: Int?, seed: UInt64, warn: (String) -> Void) throws -> QuestionSet {
        let set = try DatasetRegistry.default().load(spec, inputKey: inputKey, answerKey: answerKey, limit: limit,
                                                     sample: nil, seed: seed, skipBadLines: skipBadLines)
        if set.skippedLines > 0 { warn("skipped \(set.skippedLines) malformed lines of \(set.source)") }
        return set
    }
}

/// The RL reward's extraction: the paper's (template format only), or r1audit's auto extraction with or without fallback.
enum RewardChoice: String, CaseIterable, ExpressibleByArgument {
    case paper, auto, fallback

    var grader: GraderSettings {
        switch self {
        case .paper: return GraderSettings(paperParity: true, plainTextFallback: false)
        case .auto: return GraderSettings(paperParity: false, plainTextFallback: false)
        case .fallback: return GraderSettings(paperParity: false, plainTextFallback: true)
        }
    }

    init(_ g: GraderSettings) { self = g.paperParity ? .paper : (g.plainTextFallback ? .fallback : .auto) }
}

/// What `--from-audit RUN` chose, printed and stored in the training run as `train.from_audit`.
struct FromAuditChoices: Codable, Sendable {
    var auditRun: String
    var template: String
    var temperature: Double
    var reward: String
    var k: Int
    var keepSolved: Bool
    /// Options given explicitly that replaced the audit's value.
    var overridden: [String]
    var selection: TrainingQuestionSelection

    /// The lines printed before training.
    var text: String {
        let s = selection
        let over = overridden.isEmpty ? "" : " (overridden: \(overridden.joined(separator: ", ")))"
        return """
        from audit '\(auditRun)': template \(template), temperature \(String(format: "%g", temperature)), reward \(reward)\(over)
        questions: \(s.kept.count) kept of \(s.kept.count + s.droppedUnsolved.count + s.droppedSolved.count + s.droppedUnmeasured.count) \
        (dropped \(s.droppedUnsolved.count) with no correct sample of \(k), \(s.droppedSolved.count) always correct\
        \(keepSolved ? "" : " (--keep-solved keeps them)"), \(s.droppedUnmeasured.count) not measured by the audit)
        """
    }

    /// The stored record (value: the kept question count).
    func record(name: String = "train.from_audit") throws -> StoredMetric {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return StoredMetric(name: name, step: 0, value: Double(selection.kept.count),
                            payload: String(decoding: try enc.encode(self), as: UTF8.self))
    }
}

/// `--from-audit RUN` resolved against the runs folder.
enum FromAudit {
    /// Opens the audit run and reads its plan; a missing run or audit is bad input with what to run.
    static func plan(run: String, runsDir: String) throws -> AuditTrainingPlan {
        var options = RunOptions()
        options.run = run; options.runsDir = runsDir
        guard FileManager.default.fileExists(atPath: options.storeURL.path) else {
            throw CLIError.badInput("--from-audit \(run): no run store at \(options.storeURL.path); run `r1audit audit --run \(run)` first (or pass --runs-dir)")
        }
        do { return try AuditTrainingPlan.load(from: try options.open(create: false), run: run) } catch let e as AnalysesError {
            throw CLIError.badInput("--from-audit \(run): \(e.localizedDescription)")
        }
    }

    /// The training questions: the audit's own (or `dataset`'s when given), filtered by the audit's pass rates.
    static func questions(_ plan: AuditTrainingPlan, dataset: [Question]?, keepSolved: Bool) -> ([Question], TrainingQuestionSelection) {
        let pool = dataset ?? plan.questions
        let sel = TrainingQuestionSelection.select(ids: pool.map(\.id), correct: plan.correctPerQuestion, k: plan.k, keepSolved: keepSolved)
        let kept = Set(sel.kept)
        return (pool.filter { kept.contains($0.id) }, sel)
    }
}

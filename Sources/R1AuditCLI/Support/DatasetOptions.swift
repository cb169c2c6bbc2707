// `--dataset FILE|builtin|NAME` and its companions: the questions a command works on (issue 2,
// Datasets). Shared by `sample` and the analyses; resolved by Datasets.DatasetRegistry.
import ArgumentParser
import Datasets
import Foundation

/// Which questions to use.
public struct DatasetOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("""
        The questions: `builtin` (50 seeded arithmetic word problems, no download), a JSONL file, or a \
        suite name (aime24, amc23, math500, minerva, olympiadbench, …) looked up in $R1AUDIT_DATASETS \
        or ../shared/datasets.
        """, valueName: "FILE|builtin|NAME"))
    public var dataset = "builtin"

    @Option(name: .long, help: ArgumentHelp("The JSON field holding the problem text.", valueName: "KEY"))
    public var inputKey = "problem"

    @Option(name: .long, help: ArgumentHelp("The JSON field holding the gold answer (an `answers` list adds golds; GSM8K \"#### 18\" is understood).", valueName: "KEY"))
    public var answerKey = "answer"

    @Option(name: .long, help: ArgumentHelp("Use only the first N questions (for builtin: generate N).", valueName: "N"))
    public var limit: Int?

    @Option(name: .long, help: ArgumentHelp("Use a reproducible random subset of N questions (chosen with --seed).", valueName: "N"))
    public var sample: Int?

    @Option(name: .long, help: ArgumentHelp("The seed of --sample and of every sample's own seed.", valueName: "S"))
    public var seed: UInt64 = 0

    @Flag(name: .long, help: "Skip malformed lines (and report how many) instead of stopping at the first.")
    public var skipBadLines = false

    @Flag(name: .long, help: ArgumentHelp("""

        Continue a run although a question it already sampled (same id) now has another problem text or \
        other golds; its stored samples are kept. Without it such a rerun is refused (exit 2).
        """))
    public var allowChangedQuestions = false

    public init() {}

    public func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1 (got \(limit)).") }
        if let sample, sample < 1 { throw ValidationError("--sample must be at least 1 (got \(sample)).") }
        if inputKey.isEmpty || answerKey.isEmpty { throw ValidationError("--input-key and --answer-key must not be empty.") }
    }

    /// Loads the questions (errors are bad input, exit 2).
    public func load() throws -> QuestionSet {
        try DatasetRegistry.default().load(dataset, inputKey: inputKey, answerKey: answerKey, limit: limit,
                                           sample: sample, seed: seed, skipBadLines: skipBadLines)
    }
}

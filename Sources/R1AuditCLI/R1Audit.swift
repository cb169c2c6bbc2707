// The root command. Each subcommand is thin: options, validate(), one library call, render
// (swift-argument-parser Examples/math/Math.swift).
import ArgumentParser

/// `r1audit`: audit a base model before R1-Zero-like RL, then run that RL.
public struct R1Audit: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "r1audit",
        abstract: "Audit a base language model before R1-Zero-like RL, then RL-tune it with Dr. GRPO.",
        discussion: """
        Start with `r1audit audit`: it audits the embedded default model (SmolLM2-135M, fetched by \
        scripts/fetch-models) on the built-in questions and writes a report. Every run lives in \
        runs/NAME/run.sqlite and resumes where it stopped.
        """,
        version: "0.1.0",
        subcommands: [
            Bench.self,
            GenerateCommand.self,
            PerplexityCommand.self,
            TrainCommand.self,
            ExportTrainingCommand.self,
            LearnabilityCommand.self,
            VerifyCommand.self,
            SampleCommand.self,
            ExportCommand.self,
            AuditCommand.self,
            AnswerabilityCommand.self,
            ExploreCommand.self,
            EvaluateCommand.self,
            ReadinessCommand.self,
            ReflectionCommand.self,
            TokenizeCommand.self,
            ServeCommand.self,
            ReportCommand.self,
            CompareCommand.self,
            // Each module's commands are listed here, one line each.
        ]
    )
    public init() {}
}

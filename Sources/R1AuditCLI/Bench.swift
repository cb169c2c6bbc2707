// `r1audit bench …`: side-by-side speed measurements. Figures go in docs/BENCHMARKS.md.
import ArgumentParser

/// Groups the benchmark subcommands (generate, verify, train, sgemm).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure speed: local generation, answer verification, training throughput, the sgemm ceiling.",
        discussion: "Each benchmark prints its figures (and with --json, one JSON object). Record them, with the command, in docs/BENCHMARKS.md.",
        subcommands: [
            // Each benchmark subcommand is listed here, one line each.
            BenchGenerateCommand.self,
            BenchVerifyCommand.self,
            BenchTrainCommand.self,
            BenchSgemmCommand.self,
        ]
    )
}

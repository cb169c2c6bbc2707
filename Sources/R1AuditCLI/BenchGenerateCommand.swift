// `r1audit bench generate`: llama-batched-bench's protocol on the local engine (B prompts of PP random
// tokens, TG greedy new tokens each, EOS ignored); scripts/bench-engine runs it beside llama.cpp.
import ArgumentParser
import Engine
import Foundation

/// Batched prefill/decode speed of the local engine.
struct BenchGenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Local engine speed: batched prefill and decode tokens/s, GFLOP/s and peak memory.",
        discussion: """
        Runs --batch sequences of --prompt-tokens random tokens, then --new-tokens greedy tokens each (EOS \
        ignored), as llama-batched-bench does. Reports prefill and aggregate decode tokens/s, the GFLOP/s the \
        weight GEMMs reached, and peak resident memory. Build with -c release for meaningful figures.
        Example: r1audit bench generate --model ~/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf --batch 64 --prompt-tokens 128 --new-tokens 128
        """)

    @OptionGroup var backend: BackendOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Sequences generated together.")
    var batch = 64

    @Option(help: "Prompt tokens per sequence.")
    var promptTokens = 128

    @Option(help: "New tokens per sequence.")
    var newTokens = 128

    @Option(help: "Seed of the random prompts.")
    var seed: UInt64 = 1

    func validate() throws {
        guard batch >= 1, promptTokens >= 1, newTokens >= 0 else {
            throw ValidationError("--batch and --prompt-tokens must be ≥ 1 and --new-tokens ≥ 0.")
        }
        guard backend.endpoint.isEmpty else { throw ValidationError("bench generate measures the local engine: use --model, not --endpoint.") }
    }

    func run() async throws {
        let renderer = ProgressRenderer()
        let engine = try backend.loadLocal(progress: renderer.handler)
        guard promptTokens + newTokens <= engine.configuration.maxPositionEmbeddings else {
            throw CLIError.badInput("--prompt-tokens + --new-tokens exceeds the model's context (\(engine.configuration.maxPositionEmbeddings))")
        }
        let r = try GenerationBenchmark.run(backend: engine, batch: batch, promptTokens: promptTokens,
                                            newTokens: newTokens, seed: seed, progress: renderer.handler)
        renderer.finish()
        try output.emit(r) {
            let mib = r.peakResidentBytes.map { String(format: "%.0f MiB", Double($0) / 1_048_576) } ?? "n/a"
            return """
            model \(r.model), \(r.threads) threads, batch \(r.batch) × (\(r.promptTokens) prompt + \(r.newTokens) new), weights \(r.weights) (\(String(format: "%.0f", Double(r.weightBytes) / 1_048_576)) MiB)
            prefill  \(String(format: "%8.1f", r.prefillTokensPerSecond)) tok/s  (\(String(format: "%.1f", r.prefillGFLOPS)) GFLOP/s)
            decode   \(String(format: "%8.1f", r.decodeTokensPerSecond)) tok/s aggregate  (\(String(format: "%.1f", r.decodeGFLOPS)) GFLOP/s)
            total    \(String(format: "%8.1f", r.totalTokensPerSecond)) tok/s
            CPU s    prefill \(String(format: "%.1f", r.prefillCPUSeconds)), decode \(String(format: "%.1f", r.decodeCPUSeconds)) (all threads)
            peak RSS \(mib)
            """
        }
    }
}

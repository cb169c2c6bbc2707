// `r1audit bench train`: learner throughput (forward + backward + AdamW) on a real model's shape and
// weights, the figure docs/BENCHMARKS.md compares with PyTorch on the same threads.
import ArgumentParser
import Foundation
import Tensors
import Training

/// `r1audit bench train --model PATH --batch 8 --seq 256 [--json]`
struct BenchTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Measure training throughput: forward + backward + AdamW tokens/s at batch × seq.",
        discussion: """
        Loads the model in fp32, then times --steps optimiser steps (after --warmup untimed ones) on random \
        token batches. Prints tokens/s, achieved GFLOP/s (6 × linear MACs per token + attention) and the \
        fraction of the sgemm peak (measured on the same threads, or --peak-gflops), activation and peak resident memory, plus CPU seconds per step (on a busy machine, \
        batch·seq / (CPU s / threads) estimates the unloaded rate).
        Example: r1audit bench train --model ~/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf --batch 8 --seq 256
        """)

    @Option(help: "Local model: a GGUF file or a Hugging Face folder.")
    var model: String = "\(FileManager.default.homeDirectoryForCurrentUser.path)/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    @Option(help: "Sequences per step.")
    var batch: Int = 8
    @Option(help: "Tokens per sequence.")
    var seq: Int = 256
    @Option(help: "Timed steps.")
    var steps: Int = 2
    @Option(help: "Untimed warm-up steps.")
    var warmup: Int = 1
    @Option(help: "Worker threads for the products (OpenBLAS itself runs single-threaded).")
    var threads: Int = 2
    @Flag(help: "Recompute layer activations in backward instead of keeping them (less memory, ~1 more forward).")
    var gradientCheckpointing = false
    @Option(help: "fp32, or bf16 (bf16 operands, fp32 accumulation; emulated on the fp32 sgemm where the CPU lacks avx512_bf16). Default: bf16 with avx512_bf16, else fp32.")
    var precision: LearnerPrecision?
    @Option(help: "The sgemm peak to compare with, GFLOP/s (default: measured now, as `r1audit bench sgemm`).")
    var peakGflops: Double?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if batch < 1 || seq < 2 || steps < 1 || warmup < 0 || threads < 1 {
            throw ValidationError("--batch, --steps and --threads must be positive, --seq at least 2")
        }
        if let peakGflops, !(peakGflops > 0) { throw ValidationError("--peak-gflops must be > 0 (or leave it out to measure it)") }
    }

    struct Report: Encodable {
        var model: String
        var threads: Int
        var result: LearnerBenchmarkResult
        var peakGFLOPS: Double
        /// "measured" (bench sgemm's shapes, just before the timed steps) or "given" (--peak-gflops).
        var peakSource: String
        var peakFraction: Double
        var cpuEstimatedTokensPerSecond: Double
    }

    func run() async throws {
        // The ceiling is measured on the same threads right before the run unless given.
        let peak = try peakGflops ?? SgemmBenchmark.peak(SgemmBenchmark.run(repeats: 2, threads: threads))
        let policy = try PolicyModel.load(path: model)
        let chosen = precision ?? .forThisCPU
        let r = try LearnerBenchmark.run(model: policy, batch: batch, sequenceLength: seq, steps: steps, warmup: warmup,
                                           gradientCheckpointing: gradientCheckpointing, threads: threads, precision: chosen)
        let estimate = r.cpuSecondsPerStep > 0 ? Double(batch * seq) / (r.cpuSecondsPerStep / Double(threads)) : 0
        let report = Report(model: URL(fileURLWithPath: model).lastPathComponent, threads: threads, result: r,
                            peakGFLOPS: peak, peakSource: peakGflops == nil ? "measured" : "given",
                            peakFraction: peak > 0 ? r.gflops / peak : 0, cpuEstimatedTokensPerSecond: estimate)
        try output.emit(report) {
            func f(_ x: Double, _ d: Int = 1) -> String { String(format: "%.\(d)f", x) }
            return """
            train \(report.model)  batch \(batch) × seq \(seq), \(threads) threads, \(f(Double(r.parameters) / 1e6))M parameters, \(chosen.rawValue)\(LearnerPrecision.describe(chosen, chosen: precision == nil))
              \(f(r.tokensPerSecond)) tokens/s  (\(f(r.secondsPerStep, 2)) s/step: forward \(f(r.forwardSeconds, 2)), backward \(f(r.backwardSeconds, 2)), AdamW \(f(r.optimizerSeconds, 2)))
              \(f(r.gflops)) GFLOP/s = \(f(report.peakFraction * 100, 0))% of the \(report.peakSource) \(f(peak, 0)) GFLOP/s sgemm peak; CPU \(f(r.cpuSecondsPerStep, 2)) s/step (≈ \(f(estimate, 0)) tokens/s unloaded)
              activations \(f(r.activationMiB, 0)) MiB\(r.gradientCheckpointing ? " (gradient checkpointing)" : ""); peak RSS \(f(r.peakRSSMiB, 0)) MiB
            """
        }
    }
}

// `r1audit bench train`: learner throughput (forward + backward + AdamW) in tokens/s at a fixed batch
// shape, the figure PyTorch is compared with in docs/BENCHMARKS.md. FLOPs are counted as llm.c and the
// PaLM appendix do: 6 · (linear MACs per token) per trained token, plus the attention score/value products.

import Foundation
import Inference

/// The result of a learner benchmark.
public struct LearnerBenchmarkResult: Sendable, Codable, Hashable {
    /// The batch.
    public var batch: Int
    /// The sequence length.
    public var sequenceLength: Int
    /// The timed steps.
    public var timedSteps: Int
    /// Mean seconds per optimiser step (forward + backward + AdamW) over the timed steps.
    public var secondsPerStep: Double
    /// The tokens per second.
    public var tokensPerSecond: Double
    /// Achieved GFLOP/s by the count above.
    public var gflops: Double
    /// Parameters trained.
    public var parameters: Int
    /// Activation buffers, MiB.
    public var activationMiB: Double
    /// Layer activations recomputed in backward (gradient checkpointing).
    public var gradientCheckpointing: Bool
    /// The Linear products' precision ("fp32", or "bf16": bf16 operands, fp32 accumulation).
    public var precision: LearnerPrecision
    /// Peak resident memory of the process so far (weights, gradients, AdamW moments, activations), MiB.
    public var peakRSSMiB: Double
    /// Per-phase seconds of the last step.
    public var forwardSeconds: Double
    /// The backward seconds.
    public var backwardSeconds: Double
    /// The optimizer seconds.
    public var optimizerSeconds: Double
    /// Process CPU seconds (user + system, all threads) per timed step: on a shared machine,
    /// tokens / (cpuSecondsPerStep / threads) estimates the unloaded throughput.
    public var cpuSecondsPerStep: Double
}

/// Times optimiser steps on random token batches.
public enum LearnerBenchmark {
    /// Runs `warmup` untimed and `steps` timed optimiser steps of batch × seq tokens (loss: −mean log-prob),
    /// each Linear product split over `threads` workers.
    public static func run(model: PolicyModel, batch: Int, sequenceLength: Int, steps: Int, warmup: Int = 1,
                           seed: UInt64 = 0, gradientCheckpointing: Bool = false, threads: Int? = nil,
                           precision: LearnerPrecision = .fp32, progress: ProgressHandler? = nil) throws -> LearnerBenchmarkResult {
        guard batch > 0, sequenceLength > 1, steps > 0 else {
            throw TrainingError.invalidOption(name: "batch/seq/steps", value: "\(batch)/\(sequenceLength)/\(steps)",
                                              reason: "batch and steps must be positive and seq at least 2")
        }
        var model = model
        var rng = SplitMix64(seed: seed)
        let v = model.configuration.vocabSize
        let seqs = (0..<batch).map { _ in
            ScoredSequence(tokens: (0..<sequenceLength).map { _ in Int(rng.next() % UInt64(v)) }, scoredFrom: 1)
        }
        let scale = -1.0 / Double(batch * (sequenceLength - 1))
        let dlogp = seqs.map { [Double](repeating: scale, count: $0.tokens.count - 1) }
        var opt = AdamW(configuration: AdamWConfiguration(learningRate: 1e-6), parameters: model.parameters)
        var grads = ParameterSet(zerosLike: model.parameters)
        let ws = DecoderWorkspace(gradientCheckpointing: gradientCheckpointing, threads: threads, precision: precision)
        var total = 0.0, fwd = 0.0, bwd = 0.0, optS = 0.0, cpu = 0.0
        for i in 0..<(warmup + steps) {
            if Task.isCancelled { throw CancellationError() }
            let t0 = Date(), c0 = processCPUSeconds()
            grads.zero()
            _ = try model.forward(seqs, workspace: ws)
            let t1 = Date()
            try model.backward(dLogProbs: dlogp, workspace: ws, gradients: &grads)
            let t2 = Date()
            AdamW.clipGlobalNorm(&grads, maxNorm: 1)
            opt.update(&model.parameters, gradients: grads)
            let t3 = Date()
            if i >= warmup {
                total += t3.timeIntervalSince(t0); cpu += processCPUSeconds() - c0
                fwd = t1.timeIntervalSince(t0); bwd = t2.timeIntervalSince(t1); optS = t3.timeIntervalSince(t2)
            }
            progress?(ProgressUpdate(phase: "bench train", completed: i + 1, total: warmup + steps,
                                     detail: String(format: "%.2f s/step", t3.timeIntervalSince(t0))))
        }
        let cfg = model.configuration
        let tokens = Double(batch * sequenceLength)
        let attnMACs = Double(batch * cfg.numHiddenLayers * cfg.numAttentionHeads * cfg.headDim * 2 * sequenceLength * sequenceLength)
        let flops = 6 * (Double(cfg.forwardMACsPerToken) * tokens + attnMACs)
        let per = total / Double(steps)
        return LearnerBenchmarkResult(batch: batch, sequenceLength: sequenceLength, timedSteps: steps, secondsPerStep: per,
                                      tokensPerSecond: tokens / per, gflops: flops / per / 1e9,
                                      parameters: model.parameters.values.count,
                                      activationMiB: Double(ws.allocatedFloats) * 4 / 1_048_576,
                                      gradientCheckpointing: gradientCheckpointing, precision: precision, peakRSSMiB: peakResidentMiB(),
                                      forwardSeconds: fwd, backwardSeconds: bwd, optimizerSeconds: optS,
                                      cpuSecondsPerStep: cpu / Double(steps))
    }
}

/// The process's peak resident set (getrusage ru_maxrss: KiB on Linux, bytes on Darwin), MiB.
public func peakResidentMiB() -> Double {
    var u = rusage()
    #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_maxrss) / 1024
    #else
    getrusage(RUSAGE_SELF, &u)
    return Double(u.ru_maxrss) / 1_048_576
    #endif
}

/// User + system CPU seconds of this process (all threads), from getrusage.
func processCPUSeconds() -> Double {
    var u = rusage()
    #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &u)
    #else
    getrusage(RUSAGE_SELF, &u)
    #endif
    let t = u.ru_utime, s = u.ru_stime
    return Double(t.tv_sec) + Double(t.tv_usec) / 1e6 + Double(s.tv_sec) + Double(s.tv_usec) / 1e6
}

// `bench generate`: the protocol of llama.cpp's llama-batched-bench (B sequences of a PP-token prompt,
// then TG new tokens each, EOS ignored): prefill and decode timed separately, reported as tokens/s,
// with the GFLOP/s the weight GEMMs reached and the process's peak resident memory (VmHWM).
import Foundation
import Inference
import Models

/// One measurement of batched generation speed.
public struct GenerationBenchmarkResult: Codable, Sendable, Equatable {
    public var model: String
    public var threads: Int
    public var batch: Int
    public var promptTokens: Int
    public var newTokens: Int
    public var prefillSeconds: Double
    public var decodeSeconds: Double
    /// batch × promptTokens / prefillSeconds.
    public var prefillTokensPerSecond: Double
    /// batch × newTokens / decodeSeconds (aggregate over the batch).
    public var decodeTokensPerSecond: Double
    /// (batch × (promptTokens + newTokens)) / total seconds, llama-batched-bench's `S`.
    public var totalTokensPerSecond: Double
    /// Weight-GEMM GFLOP/s reached in prefill and in decode (attention not counted).
    public var prefillGFLOPS: Double
    public var decodeGFLOPS: Double
    /// Peak resident set (VmHWM) in bytes, when /proc/self/status is readable.
    public var peakResidentBytes: Int?
    /// Process CPU seconds (all threads, getrusage) spent in prefill and in decode: on a shared machine
    /// `tokens / (cpuSeconds / threads)` estimates the idle-machine rate better than wall time.
    public var prefillCPUSeconds: Double
    public var decodeCPUSeconds: Double
    /// How the weights were held (`fp32`, `q8`) and their bytes.
    public var weights: String
    public var weightBytes: Int
}

/// Runs the llama-batched-bench protocol on a local model.
public enum GenerationBenchmark {
    /// Prefills `batch` random prompts of `promptTokens` tokens (seeded) in passes of the backend's row
    /// budget, then decodes `newTokens` greedy tokens for all of them, one pass per step.
    public static func run(backend: LocalBackend, batch: Int, promptTokens: Int, newTokens: Int, seed: UInt64 = 1,
                           progress: ProgressHandler? = nil) throws -> GenerationBenchmarkResult {
        let model = backend.model, c = backend.configuration
        var rng = SplitMix64(seed: seed)
        let prompts = (0..<batch).map { _ in (0..<promptTokens).map { _ in Int(rng.next() % UInt64(c.vocabSize)) } }
        let caches = prompts.map { model.makeCache(capacity: $0.count + newTokens) }
        var last = [Int](repeating: 0, count: batch)

        let t0 = Date(), c0 = cpuSeconds()
        var i = 0
        while i < batch {
            try Task.checkCancellation()
            var chunks: [ForwardChunk] = [], rows = 0
            while i < batch, rows == 0 || rows + promptTokens <= backend.rowBudget {
                chunks.append(ForwardChunk(cache: caches[i], tokens: prompts[i], logits: .last)); rows += promptTokens; i += 1
            }
            let logits = try model.forward(chunks, threads: backend.threads)
            let first = i - chunks.count
            logits.withUnsafeBufferPointer { lp in
                for j in 0..<chunks.count { last[first + j] = TokenSampler.argmax(lp.baseAddress! + j * c.vocabSize, count: c.vocabSize) }
            }
            progress?(ProgressUpdate(phase: "prefill", completed: i, total: batch))
        }
        let prefill = Date().timeIntervalSince(t0), prefillCPU = cpuSeconds() - c0

        let t1 = Date(), c1 = cpuSeconds()
        for step in 0..<newTokens {
            try Task.checkCancellation()
            let logits = try model.forward((0..<batch).map { ForwardChunk(cache: caches[$0], tokens: [last[$0]], logits: .last) },
                                           threads: backend.threads)
            logits.withUnsafeBufferPointer { lp in
                for b in 0..<batch { last[b] = TokenSampler.argmax(lp.baseAddress! + b * c.vocabSize, count: c.vocabSize) }
            }
            progress?(ProgressUpdate(phase: "decode", completed: step + 1, total: newTokens))
        }
        let decode = Date().timeIntervalSince(t1), decodeCPU = cpuSeconds() - c1

        let promptTotal = Double(batch * promptTokens), newTotal = Double(batch * newTokens)
        let flops = model.flopsPerToken, lmHead = 2 * Double(c.vocabSize * c.hiddenSize)
        return GenerationBenchmarkResult(
            model: backend.modelName, threads: backend.threads, batch: batch, promptTokens: promptTokens,
            newTokens: newTokens, prefillSeconds: prefill, decodeSeconds: decode,
            prefillTokensPerSecond: promptTotal / max(prefill, 1e-9), decodeTokensPerSecond: newTotal / max(decode, 1e-9),
            totalTokensPerSecond: (promptTotal + newTotal) / max(prefill + decode, 1e-9),
            // Prefill computes the lm_head for one row per prompt only.
            prefillGFLOPS: (promptTotal * (flops - lmHead) + Double(batch) * lmHead) / max(prefill, 1e-9) / 1e9,
            decodeGFLOPS: newTotal * flops / max(decode, 1e-9) / 1e9,
            peakResidentBytes: peakResidentBytes(), prefillCPUSeconds: prefillCPU, decodeCPUSeconds: decodeCPU,
            weights: model.weightFormat.rawValue, weightBytes: model.weightBytes)
    }

    /// User + system CPU seconds of the whole process so far.
    public static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// VmHWM from /proc/self/status, in bytes (nil where /proc is absent).
    public static func peakResidentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first
            return kb.map { $0 * 1024 }
        }
        return nil
    }
}

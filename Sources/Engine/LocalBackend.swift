// The local CPU backend: a llama/qwen2 decoder on the CPU behind the shared `Backend` protocol,
// so every analysis and the RL stage run on it exactly as on an OpenAI-compatible endpoint.
// Loading follows llama.cpp's `llama_model_load` order (metadata → tokenizer → tensors), each weight
// dequantised once and held as Q8_0 (int8 dot products, the default) or fp32 (row-independent fp32 products).
import Foundation
import Checkpoints
import Inference
import Models
import Tensors
import Tokenizers

/// Generates completions with an in-process model.
public final class LocalBackend: Backend, @unchecked Sendable {
    // Unchecked Sendable: every stored property is immutable after init; the decoders are value types and
    // the tokenizer is only read.
    /// The name recorded with every sample (the checkpoint's file or folder name).
    public let modelName: String
    /// The tokenizer that came with the checkpoint.
    public let tokenizer: any Tokenizer
    /// The decoder's hyper-parameters.
    public let configuration: DecoderConfiguration
    /// The decoder and its weights.
    public let model: any CausalDecoder
    /// Worker threads (OpenBLAS and the attention workers).
    public let threads: Int
    /// Sequences decoded together; further requests wait for a free slot.
    public let maxBatchSize: Int
    /// Rows (tokens) per forward pass when prompts are being prefilled.
    public let rowBudget: Int

    /// A backend over fp32 weights already in memory (HF names, PyTorch layout), e.g. the RL policy after
    /// an optimiser step; kept fp32 unless `weightFormat` says otherwise, so rollout log-probabilities
    /// match the fp32 learner's.
    public convenience init(configuration: DecoderConfiguration, weights: [String: Tensor], tokenizer: any Tokenizer,
                            threads: Int = 2, modelName: String = "local", maxBatchSize: Int = 64, rowBudget: Int = 1024,
                            weightFormat: WeightFormat = .fp32) throws {
        try self.init(model: makeDecoder(configuration: configuration, weights: weights, weightFormat: weightFormat),
                      tokenizer: tokenizer, threads: threads, modelName: modelName, maxBatchSize: maxBatchSize,
                      rowBudget: rowBudget)
    }

    /// A backend over a built decoder.
    public init(model: any CausalDecoder, tokenizer: any Tokenizer, threads: Int = 2, modelName: String = "local",
                maxBatchSize: Int = 64, rowBudget: Int = 1024) {
        self.configuration = model.configuration
        self.model = model
        self.tokenizer = tokenizer
        self.threads = max(1, threads)
        self.modelName = modelName
        self.maxBatchSize = max(1, maxBatchSize)
        self.rowBudget = max(1, rowBudget)
    }

    /// Loads a GGUF file or a Hugging Face folder (config.json, *.safetensors, tokenizer.json), holding the
    /// weights in `weightFormat` (q8 by default: the fastest, see `WeightFormat`).
    public static func load(path: String, threads: Int = 2, weightFormat: WeightFormat = .q8,
                            progress: ProgressHandler? = nil) throws -> LocalBackend {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CheckpointError.fileNotFound(path: path)
        }
        let url = URL(fileURLWithPath: path)
        progress?(ProgressUpdate(phase: "loading", completed: 0, total: 3, detail: url.lastPathComponent))
        let model: any CausalDecoder, tokenizer: any Tokenizer
        if isDirectory.boolValue {
            tokenizer = try TokenizerLoader.load(folder: url)
            progress?(ProgressUpdate(phase: "loading", completed: 1, total: 3, detail: "tokenizer"))
            let (configuration, weights) = try loadFolderWeights(url)
            model = try ModelError.naming(file: url.path) { try makeDecoder(configuration: configuration, weights: weights, weightFormat: weightFormat) }
        } else {
            let gguf = try GGUFFile(url: url)
            tokenizer = try TokenizerLoader.load(gguf: gguf)
            progress?(ProgressUpdate(phase: "loading", completed: 1, total: 3, detail: "tokenizer"))
            model = try loadDecoder(gguf: gguf, weightFormat: weightFormat)
        }
        progress?(ProgressUpdate(phase: "loading", completed: 2, total: 3, detail: "weights \(weightFormat.rawValue)"))
        let name = isDirectory.boolValue ? url.lastPathComponent : url.deletingPathExtension().lastPathComponent
        let backend = LocalBackend(model: model, tokenizer: tokenizer, threads: threads, modelName: name)
        progress?(ProgressUpdate(phase: "loading", completed: 3, total: 3, detail: "ready"))
        return backend
    }

    /// Runs the requests in continuous batches of up to `maxBatchSize`, yielding each completion as it
    /// finishes. Cancelling the consumer cancels generation at the next forward pass.
    public func complete(_ requests: [CompletionRequest]) -> AsyncThrowingStream<IndexedCompletion, Error> {
        let generator = BatchGenerator(model: model, tokenizer: TokenizerAdapter(tokenizer),
                                       maxBatch: maxBatchSize, rowBudget: rowBudget, threads: threads)
        // On a thread of its own, not the cooperative pool (see `DedicatedThread`): `serve` keeps answering
        // while its batches generate.
        return AsyncThrowingStream { continuation in
            let flag = CancellationFlag()
            continuation.onTermination = { _ in flag.cancel() }
            DedicatedThread.start(name: "r1audit-generate", flag: flag) { flag in
                do {
                    try generator.run(requests, isCancelled: { flag.isCancelled }) { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
        }
    }

    /// Log-probabilities of every token of `tokens` given its prefix (position 0 gets none), and the
    /// logits' argmax at each position: what perplexity and parity checks need. `tokens` must fit the
    /// context.
    public func scoreTokens(_ tokens: [Int]) throws -> (logprobs: [Double], argmax: [Int]) {
        let cache = model.makeCache(capacity: tokens.count)
        let logits = try model.forward([ForwardChunk(cache: cache, tokens: tokens, logits: .all)], threads: threads)
        let v = configuration.vocabSize
        var logprobs = [Double](), argmax = [Int]()
        logits.withUnsafeBufferPointer { lp in
            for i in 0..<tokens.count {
                let row = lp.baseAddress! + i * v
                argmax.append(TokenSampler.argmax(row, count: v))
                if i + 1 < tokens.count {
                    logprobs.append(Double(row[tokens[i + 1]]) - Softmax.logSumExp(row, count: v))
                }
            }
        }
        return (logprobs, argmax)
    }

    /// Greedy continuation of already-tokenized prompts, batched (no tokenizer involved), ending at EOS or
    /// `maxTokens`: what parity checks against llama.cpp's token ids need.
    public func greedyContinuations(_ prompts: [[Int]], maxTokens: Int) throws -> [[Int]] {
        let v = configuration.vocabSize, eos = tokenizer.eosTokenIDs
        let caches = prompts.map { model.makeCache(capacity: $0.count + maxTokens) }
        var outputs = [[Int]](repeating: [], count: prompts.count)
        var next = prompts
        var live = Array(prompts.indices).filter { !prompts[$0].isEmpty && maxTokens > 0 }
        while !live.isEmpty {
            try Task.checkCancellation()
            let logits = try model.forward(live.map { ForwardChunk(cache: caches[$0], tokens: next[$0], logits: .last) },
                                           threads: threads)
            var still: [Int] = []
            for (row, i) in live.enumerated() {
                let token = logits.withUnsafeBufferPointer { TokenSampler.argmax($0.baseAddress! + row * v, count: v) }
                outputs[i].append(token)
                next[i] = [token]
                if !eos.contains(token) && outputs[i].count < maxTokens { still.append(i) }
            }
            live = still
        }
        return outputs
    }
}

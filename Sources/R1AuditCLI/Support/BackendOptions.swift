// `--model` / `--endpoint`: which backend a command samples from (style rule 4: one shared option
// bundle). Without `--endpoint` the local engine loads a GGUF file or HF folder (default: the embedded
// SmolLM2-135M that scripts/fetch-models caches); with it, the OpenAI-compatible client.
import ArgumentParser
import Endpoint
import Engine
import Foundation
import Inference
import Models

/// The backend flags every sampling command shares.
public struct BackendOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp("Local model: a GGUF file or a Hugging Face folder (config.json, *.safetensors, tokenizer.json).",
                               discussion: "Default: the embedded SmolLM2-135M-Instruct at ~/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf (run scripts/fetch-models to get it).",
                               valueName: "path"))
    public var model: String?

    @Option(help: ArgumentHelp("OpenAI-compatible base URL (e.g. http://127.0.0.1:8080/v1); repeat to spread load over replicas.",
                               valueName: "url"))
    public var endpoint: [String] = []

    @Option(help: "Model name sent to the endpoint (required with --endpoint).")
    public var modelName: String?

    @Option(help: "Environment variable holding the endpoint's API key.")
    public var apiKeyEnv = "OPENAI_API_KEY"

    @Option(help: "Requests in flight at once against the endpoint(s).")
    public var concurrency = 8

    @Option(help: "CPU threads for the local engine.")
    public var threads = 2

    @Option(help: ArgumentHelp("How the local engine holds weights: q8 (int8 blocks, fastest, 3.8× smaller) or fp32 (OpenBLAS sgemm).",
                               valueName: "format"))
    public var weights: WeightFormat = .q8

    public init() {}

    /// Where the embedded default model is cached.
    public static var defaultModelPath: String {
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        return "\(home)/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    }

    /// The local model path to load (the default when `--model` is absent).
    public var modelPath: String { model ?? Self.defaultModelPath }

    public func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1 (got \(concurrency)).") }
        if !endpoint.isEmpty {
            guard model == nil else { throw ValidationError("Give either --model (local engine) or --endpoint, not both.") }
            guard modelName != nil else { throw ValidationError("--endpoint needs --model-name (the model the server serves).") }
            for e in endpoint where URL(string: e)?.scheme == nil {
                throw ValidationError("--endpoint '\(e)' is not a URL; use e.g. http://127.0.0.1:8080/v1.")
            }
        }
    }

    /// The local engine when no `--endpoint` is given, else the endpoint client.
    public func makeBackend(progress: ProgressHandler?) async throws -> any Backend {
        if endpoint.isEmpty { return try loadLocal(progress: progress) }
        let urls = endpoint.compactMap { URL(string: $0) }
        let configuration = EndpointConfiguration(urls: urls, model: modelName ?? "", apiKeyEnvironmentVariable: apiKeyEnv,
                                                  concurrency: concurrency)
        return try EndpointBackend(configuration: configuration, progress: progress)
    }

    /// The local engine over `--model` (or the embedded default), with a fetch hint when it is missing.
    public func loadLocal(progress: ProgressHandler?) throws -> LocalBackend {
        let path = modelPath
        guard FileManager.default.fileExists(atPath: path) else {
            if model == nil {
                throw CLIError.badInput("the embedded default model is not cached at \(path); run scripts/fetch-models (or pass --model PATH)")
            }
            throw CLIError.badInput("\(path): no such file or folder; pass a GGUF file or a Hugging Face folder with --model")
        }
        return try LocalBackend.load(path: path, threads: threads, weightFormat: weights, progress: progress)
    }
}

extension WeightFormat: ExpressibleByArgument {}

// `r1audit serve` (issue 7): any backend (the local engine over --model, or an --endpoint) behind
// an OpenAI-compatible API on 127.0.0.1, so other tools can use it and CI can test the endpoint
// client against a real server without building llama.cpp. Thin: options, one library call.
import ArgumentParser
import Endpoint
import Foundation
import Inference
import Server

/// `r1audit serve --model PATH --port 8080`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a model over an OpenAI-compatible HTTP API on 127.0.0.1.",
        discussion: """
        Routes: POST /v1/completions (prompt as text, a list, or token ids; n, temperature, top_p, \
        max_tokens, stop, seed, logprobs N, stream), POST /v1/chat/completions (logprobs, top_logprobs, \
        stream), GET /v1/models, GET /v1/models/{id}, GET /health. With n > 1 the choices get seeds \
        seed, seed+1, …; requests that arrive together are batched into the model. A client that \
        disconnects cancels its request; prompt + max_tokens beyond the model's context is a 400. \
        SIGTERM or Ctrl-C stops accepting, lets requests in flight finish for up to 10 s, cancels the \
        rest and exits 0.

        Example (then point any OpenAI client at http://127.0.0.1:8080/v1):
          r1audit serve --port 8080
          curl -s http://127.0.0.1:8080/v1/completions \\
            -d '{"prompt": "2+2=", "max_tokens": 8, "seed": 1}'
        See docs/ENDPOINTS.md.
        """
    )

    @OptionGroup var backend: BackendOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Address to listen on. Keep 127.0.0.1 unless you mean to expose the model (there is no authentication).")
    var host = "127.0.0.1"

    @Option(help: "TCP port to listen on (0 picks a free one and prints it).")
    var port = 8080

    @Option(help: "Model id reported by /v1/models and in responses (default: the backend's model name).")
    var modelID: String?

    @Option(help: "Milliseconds a request waits for others to share one batch of the model.")
    var batchWindowMs = 5

    @Option(help: "Most requests sent to the model in one batch.")
    var maxBatch = 64

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535 (got \(port)).") }
        guard batchWindowMs >= 0 else { throw ValidationError("--batch-window-ms must be 0 or more (got \(batchWindowMs)).") }
        guard maxBatch >= 1 else { throw ValidationError("--max-batch must be at least 1 (got \(maxBatch)).") }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty.") }
    }

    func run() async throws {
        let renderer = ProgressRenderer()
        defer { renderer.finish() }
        let model = try await backend.makeBackend(progress: renderer.handler)
        let server = OpenAIServer(backend: model, host: host, port: port, modelID: modelID,
                                  batchWindow: .milliseconds(batchWindowMs), maxBatch: maxBatch,
                                  progress: renderer.handler)
        let json = output.json, host = host, name = server.modelID
        try await server.run(handleSignals: true) { boundPort in
            let url = "http://\(host):\(boundPort)/v1"
            let line = json
                ? Self.jsonLine(["event": "listening", "url": url, "model": name])
                : "r1audit serve: listening on \(url) (model \(name)); Ctrl-C stops."
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        if let endpoint = model as? EndpointBackend { try? await endpoint.shutdown() }
    }

    /// One compact JSON line (the listening event is read by scripts line by line).
    static func jsonLine(_ fields: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(fields)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

extension EndpointError: BadInputError {
    /// A configuration or URL the user gave is input; a server's answer is not.
    public var isBadInput: Bool {
        switch self {
        case .invalidConfiguration, .invalidURL: return true
        case .httpStatus, .unauthorized, .malformedResponse, .retriesExhausted: return false
        }
    }
}

extension ServerError: BadInputError {
    /// Only a refused request is input; the server itself never throws it.
    public var isBadInput: Bool {
        if case .invalidRequest = self { return true }
        return false
    }
}

// OpenAIServer over a small in-test Backend, hit by our own EndpointBackend (the round trip
// issue 7 asks for) and by raw HTTP for the OpenAI-shaped details: n fan-out with seed + i,
// prompt lists, errors, /v1/models, /health, and batching of concurrent requests.
import AsyncHTTPClient
import Endpoint
import Foundation
import Inference
import NIOCore
import Server
import Synchronization
import Testing

/// Answers "echo:<prompt>|seed=<seed>" and records the size of every batch it is given.
final class EchoBackend: Backend {
    let modelName = "echo-model"
    let failing: Bool
    private let batches = Mutex<[Int]>([])
    init(failing: Bool = false) { self.failing = failing }
    var batchSizes: [Int] { batches.withLock { $0 } }

    func complete(_ requests: [CompletionRequest]) -> AsyncThrowingStream<IndexedCompletion, Error> {
        batches.withLock { $0.append(requests.count) }
        let failing = failing
        return AsyncThrowingStream { continuation in
            if failing { continuation.finish(throwing: EchoFailure()); return }
            for (i, r) in requests.enumerated().reversed() {
                let prompt: String
                switch r.prompt {
                case .text(let t): prompt = t
                case .chat(let m): prompt = m.map { "\($0.role):\($0.content)" }.joined(separator: ",")
                case .tokens(let ids): prompt = "tokens" + ids.map(String.init).joined(separator: ",")
                }
                let text = "echo:\(prompt)|seed=\(r.parameters.seed.map(String.init) ?? "nil")"
                let logprobs = r.parameters.logprobs ? [TokenLogprob(token: "echo", tokenID: 3, logprob: -0.25)] : nil
                continuation.yield(IndexedCompletion(index: i, completion: Completion(
                    text: text, promptTokens: prompt.count, completionTokens: r.parameters.maxTokens,
                    finishReason: r.parameters.maxTokens <= 4 ? .length : .stop, logprobs: logprobs)))
            }
            continuation.finish()
        }
    }
}

struct EchoFailure: Error, LocalizedError { var errorDescription: String? { "echo backend exploded" } }

/// Starts the server on a free port, runs `body` with its base URL, then stops it.
func withRunningServer<T: Sendable>(_ backend: any Backend, batchWindow: Duration = .milliseconds(5), maxBatch: Int = 64,
                                    _ body: (URL) async throws -> T) async throws -> T {
    let server = OpenAIServer(backend: backend, port: 0, batchWindow: batchWindow, maxBatch: maxBatch)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let task = Task { try await server.run(onListening: { continuation.yield($0) }) }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw EchoFailure() }
    let url = URL(string: "http://127.0.0.1:\(port)")!
    do {
        let result = try await body(url)
        task.cancel(); _ = await task.result
        return result
    } catch {
        task.cancel(); _ = await task.result
        throw error
    }
}

/// A raw HTTP exchange: status and parsed JSON object.
func post(_ url: URL, _ path: String, _ json: String) async throws -> (Int, [String: Any]) {
    var request = HTTPClientRequest(url: url.absoluteString + path)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.body = .bytes(ByteBuffer(string: json))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let body = try await response.body.collect(upTo: 1 << 20)
    let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] ?? [:]
    return (Int(response.status.code), object)
}

func get(_ url: URL, _ path: String) async throws -> (Int, [String: Any]) {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url.absoluteString + path), timeout: .seconds(30))
    let body = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] ?? [:])
}

func client(_ url: URL, concurrency: Int = 4, maxRetries: Int = 2) throws -> EndpointBackend {
    try EndpointBackend(configuration: EndpointConfiguration(urls: [url], model: "echo-model", concurrency: concurrency,
                                                             timeout: 30, maxRetries: maxRetries,
                                                             backoffBase: 0.01, backoffCap: 0.05))
}

@Suite("OpenAIServer")
struct ServerRoundTripTests {
    @Test("EndpointBackend → OpenAIServer → Backend: text and chat, seeds, logprobs, finish reasons")
    func roundTrip() async throws {
        try await withRunningServer(EchoBackend()) { url in
            let backend = try client(url)
            let requests = [
                CompletionRequest(prompt: .text("2+2="), parameters: SamplingParameters(maxTokens: 8, seed: 41)),
                CompletionRequest(prompt: .text("3+3="), parameters: SamplingParameters(maxTokens: 2, seed: 42, logprobs: true)),
                CompletionRequest(prompt: .chat([ChatMessage(role: "user", content: "hi")]),
                                  parameters: SamplingParameters(maxTokens: 8, seed: 43, logprobs: true)),
            ]
            let out = try await backend.completeAll(requests)
            try await backend.shutdown()
            #expect(out.map(\.text) == ["echo:2+2=|seed=41", "echo:3+3=|seed=42", "echo:user:hi|seed=43"])
            #expect(out.map(\.finishReason) == [.stop, .length, .stop])
            #expect(out[0].logprobs == nil)
            #expect(out[1].logprobs?.map(\.logprob) == [-0.25])
            #expect(out[2].logprobs == [TokenLogprob(token: "echo", tokenID: 3, logprob: -0.25)])
            #expect(out[0].promptTokens == 4 && out[0].completionTokens == 8)
            #expect(await backend.usage.snapshot().requests == 3)
        }
    }

    @Test("n fans out with seed + i; a prompt list gives prompts × n choices in order")
    func fanOut() async throws {
        try await withRunningServer(EchoBackend()) { url in
            let (status, body) = try await post(url, "/v1/completions",
                                                #"{"model":"echo-model","prompt":["a","b"],"n":2,"seed":10,"max_tokens":5}"#)
            #expect(status == 200)
            #expect(body["object"] as? String == "text_completion")
            let choices = body["choices"] as? [[String: Any]] ?? []
            #expect(choices.compactMap { $0["text"] as? String } == ["echo:a|seed=10", "echo:a|seed=11", "echo:b|seed=10", "echo:b|seed=11"])
            #expect(choices.compactMap { $0["index"] as? Int } == [0, 1, 2, 3])
            let usage = body["usage"] as? [String: Any]
            #expect(usage?["prompt_tokens"] as? Int == 2 && usage?["completion_tokens"] as? Int == 20)
        }
    }

    @Test("chat accepts content parts, max_completion_tokens and a stop string")
    func chatShapes() async throws {
        try await withRunningServer(EchoBackend()) { url in
            let (status, body) = try await post(url, "/v1/chat/completions", """
                {"model":"echo-model","messages":[{"role":"system","content":"be brief"},\
                {"role":"user","content":[{"type":"text","text":"hello "},{"type":"text","text":"world"}]}],\
                "max_completion_tokens":3,"seed":5,"stop":"\\n","logprobs":true}
                """)
            #expect(status == 200)
            #expect(body["object"] as? String == "chat.completion")
            let choice = (body["choices"] as? [[String: Any]])?.first
            let message = choice?["message"] as? [String: Any]
            #expect(message?["role"] as? String == "assistant")
            #expect(message?["content"] as? String == "echo:system:be brief,user:hello world|seed=5")
            #expect(choice?["finish_reason"] as? String == "length")
            let logprobs = (choice?["logprobs"] as? [String: Any])?["content"] as? [[String: Any]]
            #expect(logprobs?.first?["token"] as? String == "echo")
        }
    }

    @Test("bad requests get OpenAI-shaped 400s naming the field", arguments: [
        (#"{"prompt":"x","echo":true}"#, "echo"),
        (#"{"prompt":"x","suffix":"y"}"#, "suffix"),
        (#"{"prompt":"x","best_of":3}"#, "best_of"),
        (#"{"prompt":"x","logit_bias":{"5":1}}"#, "logit_bias"),
        (#"{"prompt":"x","presence_penalty":0.5}"#, "presence_penalty"),
        (#"{"prompt":"x","frequency_penalty":1}"#, "frequency_penalty"),
        (#"{"prompt":"x","logprobs":21}"#, "logprobs"),
        (#"{"prompt":"x","top_logprobs":2}"#, "top_logprobs"),
        (#"{"prompt":[[]]}"#, "prompt"),
        (#"{"prompt":{"a":1}}"#, "prompt"),
        (#"{"prompt":"x","max_tokens":"many"}"#, "max_tokens"),
        (#"{"prompt":"x","n":0}"#, "n"),
        (#"{"prompt":"x","top_p":0}"#, "top_p"),
        (#"{"prompt":[]}"#, "prompt"),
    ])
    func badRequests(body: String, param: String) async throws {
        try await withRunningServer(EchoBackend()) { url in
            let (status, json) = try await post(url, "/v1/completions", body)
            #expect(status == 400)
            let error = json["error"] as? [String: Any]
            #expect(error?["type"] as? String == "invalid_request_error")
            #expect(error?["param"] as? String == param)
        }
    }

    @Test("a body that is not JSON is a 400")
    func notJSON() async throws {
        try await withRunningServer(EchoBackend()) { url in
            let (status, json) = try await post(url, "/v1/chat/completions", "{nope")
            #expect(status == 400)
            #expect((json["error"] as? [String: Any])?["message"] as? String == "the body is not valid JSON")
        }
    }

    @Test("a failing backend is a 500, which the client retries and then reports")
    func backendFailure() async throws {
        try await withRunningServer(EchoBackend(failing: true)) { url in
            let (status, json) = try await post(url, "/v1/completions", #"{"prompt":"x"}"#)
            #expect(status == 500)
            #expect(((json["error"] as? [String: Any])?["message"] as? String)?.contains("echo backend exploded") == true)
            let backend = try client(url, maxRetries: 1)
            await #expect(throws: EndpointError.self) {
                _ = try await backend.completeAll([CompletionRequest(prompt: .text("x"), parameters: SamplingParameters(seed: 1))])
            }
            try await backend.shutdown()
        }
    }

    @Test("/v1/models and /health")
    func metadata() async throws {
        try await withRunningServer(EchoBackend()) { url in
            let (status, models) = try await get(url, "/v1/models")
            #expect(status == 200)
            #expect((models["data"] as? [[String: Any]])?.first?["id"] as? String == "echo-model")
            let (healthStatus, health) = try await get(url, "/health")
            #expect(healthStatus == 200 && health["status"] as? String == "ok")
        }
    }

    @Test("GET /v1/models/{id}: the served model, or a 404 model_not_found")
    func modelByID() async throws {
        try await withRunningServer(EchoBackend()) { url in
            let (status, model) = try await get(url, "/v1/models/echo-model")
            #expect(status == 200)
            #expect(model["id"] as? String == "echo-model" && model["object"] as? String == "model")
            let (missing, json) = try await get(url, "/v1/models/gpt-4")
            #expect(missing == 404)
            #expect((json["error"] as? [String: Any])?["code"] as? String == "model_not_found")
        }
    }

    @Test("every 404 has an OpenAI-shaped JSON body", arguments: [
        ("GET", "/nowhere", "not_found"),
        ("POST", "/v1/embeddings", "not_found"),
        ("POST", "/v1/completions", "model_not_found"),
        ("POST", "/v1/chat/completions", "model_not_found"),
    ])
    func notFound(method: String, path: String, code: String) async throws {
        try await withRunningServer(EchoBackend()) { url in
            let body = #"{"model":"other-model","prompt":"x","messages":[{"role":"user","content":"x"}]}"#
            let (status, json) = try await (method == "GET" ? get(url, path) : post(url, path, body))
            #expect(status == 404)
            let error = json["error"] as? [String: Any]
            #expect(error?["code"] as? String == code)
            #expect(error?["type"] as? String == "invalid_request_error")
            #expect((error?["message"] as? String)?.isEmpty == false)
        }
    }

    @Test("a port in use is a clear cannotListen error")
    func portInUse() async throws {
        try await withRunningServer(EchoBackend()) { url in
            let port = url.port ?? 0
            let second = OpenAIServer(backend: EchoBackend(), port: port)
            do {
                try await second.run()
                Issue.record("expected the second server to fail")
            } catch let error as ServerError {
                guard case .cannotListen(let host, let p, _) = error else { Issue.record("got \(error)"); return }
                #expect(host == "127.0.0.1" && p == port)
                #expect(error.localizedDescription.contains("--port"))
            }
        }
    }

    @Test("concurrent requests share backend batches")
    func batching() async throws {
        let echo = EchoBackend()
        try await withRunningServer(echo, batchWindow: .milliseconds(300), maxBatch: 8) { url in
            let backend = try client(url, concurrency: 8)
            let requests = (0..<8).map { CompletionRequest(prompt: .text("q\($0)"), parameters: SamplingParameters(seed: UInt64($0))) }
            let out = try await backend.completeAll(requests)
            try await backend.shutdown()
            #expect(out.count == 8)
        }
        #expect(echo.batchSizes.reduce(0, +) == 8)
        #expect((echo.batchSizes.max() ?? 0) > 1)
    }
}

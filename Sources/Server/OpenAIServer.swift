// `r1audit serve`: any `Backend` behind an OpenAI-compatible HTTP API on 127.0.0.1 (issue 7),
// on Hummingbird 2. Routes and JSON follow OpenAI's API reference and what vLLM's and
// llama.cpp's servers answer: POST /v1/completions, POST /v1/chat/completions, GET /v1/models,
// GET /health. Concurrent requests are batched into the backend (RequestBatcher.swift).
import Foundation
import Hummingbird
import Inference
import Logging
import ServiceLifecycle
import Synchronization

/// An OpenAI-compatible HTTP server over any `Backend` (the local engine, an endpoint, a test backend).
public struct OpenAIServer: Sendable {
    /// The backend that generates.
    public let backend: any Backend
    /// Address to listen on; 127.0.0.1 by default, so nothing is exposed beyond this machine.
    public let host: String
    /// TCP port; 0 picks a free one (reported through `onListening`).
    public let port: Int
    /// The model id reported by `/v1/models` and in responses; the backend's name by default.
    public let modelID: String
    let batcher: RequestBatcher
    private let progress: ProgressHandler?
    private let served = Counter()

    /// - Parameters:
    ///   - batchWindow: how long a request waits for others to share a backend batch.
    ///   - maxBatch: the most requests sent to the backend in one batch.
    ///   - progress: receives a `serving` update after each answered request.
    public init(backend: any Backend, host: String = "127.0.0.1", port: Int = 8080, modelID: String? = nil,
                batchWindow: Duration = .milliseconds(5), maxBatch: Int = 64, progress: ProgressHandler? = nil) {
        self.backend = backend; self.host = host; self.port = port
        self.modelID = modelID ?? backend.modelName
        self.progress = progress
        batcher = RequestBatcher(backend: backend, window: batchWindow, maxBatch: maxBatch)
    }

    /// How long SIGTERM/SIGINT waits for requests in flight before cancelling them (documented in
    /// `r1audit serve --help` and docs/ENDPOINTS.md).
    public static let shutdownGrace: Duration = .seconds(10)

    /// Serves until the calling task is cancelled, or (with `handleSignals`) until SIGINT/SIGTERM: then it
    /// stops accepting connections, lets requests in flight finish for up to `shutdownGrace`, cancels
    /// what is left (the backend stops generating it) and returns.
    /// - Parameter onListening: called with the bound port once the server accepts connections.
    public func run(handleSignals: Bool = false,
                    onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "r1audit.serve")
        logger.logLevel = .critical
        let fallbackPort = port
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: "r1audit"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? fallbackPort) },
            logger: logger)
        do {
            if handleSignals {
                var configuration = ServiceGroupConfiguration(services: [.init(service: app)],
                                                              gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
                configuration.maximumGracefulShutdownDuration = Self.shutdownGrace
                try await ServiceGroup(configuration: configuration).run()
            } else {
                try await app.run()
            }
        } catch let error as ServerError {
            throw error
        } catch {
            if Task.isCancelled { return }
            throw ServerError.cannotListen(host: host, port: port, reason: "\(error)")
        }
    }

    // MARK: - Routes

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        let created = Int(Date().timeIntervalSince1970)
        router.get("health") { _, _ in Self.json(#"{"status":"ok"}"#) }
        router.get("v1/models") { _, _ in
            Self.encode(ModelList(data: [.init(id: modelID, created: created)]))
        }
        router.get("v1/models/:id") { _, context -> Response in
            let id = context.parameters.get("id") ?? ""
            guard id == modelID else {
                return Self.errorResponse(.modelNotFound(requested: id, served: modelID))
            }
            return Self.encode(ModelList.Model(id: modelID, created: created))
        }
        router.post("v1/completions") { request, _ in
            await handle(request, chat: false)
        }
        router.post("v1/chat/completions") { request, _ in
            await handle(request, chat: true)
        }
        return router
    }

    /// Hummingbird's inbound-close handler below ends the connection after the response, so the response
    /// says so (`Connection: close`): a pooling client then opens a new connection instead of writing to a
    /// closed one (documented in docs/ENDPOINTS.md: no keep-alive).
    private func handle(_ request: Request, chat: Bool) async -> Response {
        var response = await respond(request, chat: chat)
        response.headers[.connection] = "close"
        return response
    }

    private func respond(_ request: Request, chat: Bool) async -> Response {
        let start = ContinuousClock.now
        do {
            // The work runs inside Hummingbird's inbound-close handler: a client that closes its connection
            // cancels this task, and the batcher cancels its sequences in the backend.
            return try await request.body.consumeWithCancellationOnInboundClose { requestBody in
                let body = try await decode(requestBody)
                if let model = body.model, model != modelID {
                    throw ServerError.modelNotFound(requested: model, served: modelID)
                }
                try body.validate(chat: chat)
                let plan = try makePlan(body, chat: chat)
                if body.stream == true { return streamResponse(plan, chat: chat) }
                let response = try await generate(plan, chat: chat)
                let count = served.increment()
                let seconds = (ContinuousClock.now - start).seconds
                progress?(ProgressUpdate(phase: "serving", completed: count, total: 0,
                                         detail: "\(chat ? "chat/completions" : "completions"): \(response.choices.count) choices, "
                                             + "\(response.usage.completion_tokens) tokens, \(String(format: "%.2f", seconds)) s"))
                return Self.encode(response)
            }
        } catch let error as ServerError {
            return Self.errorResponse(error)
        } catch is CancellationError {
            return Self.errorResponse(.cancelled)
        } catch {
            return Self.errorResponse(.backendFailed("\(error)"))
        }
    }

    private func decode(_ requestBody: RequestBody) async throws -> GenerationBody {
        let bytes: ByteBuffer
        do { bytes = try await requestBody.collect(upTo: RequestLimits.maxBodyBytes) } catch {
            throw ServerError.invalidRequest(message: "body over \(RequestLimits.maxBodyBytes) bytes or unreadable", param: nil)
        }
        do { return try JSONDecoder().decode(GenerationBody.self, from: Data(bytes.readableBytesView)) } catch {
            throw ServerError.invalidRequest(message: Self.describe(decoding: error), param: Self.field(of: error))
        }
    }

    /// One HTTP request expanded into backend requests: one per prompt and choice (seed + i).
    struct Plan: Sendable {
        var requests: [CompletionRequest]
        var n: Int
        var logprobs: Bool
        var topLogprobs: Int
        var stop: [String]
        var id: String
        var created: Int
    }

    /// Expands the body and checks prompt + max_tokens against the model's context (400 as vLLM answers).
    private func makePlan(_ body: GenerationBody, chat: Bool) throws -> Plan {
        let n = body.n ?? 1
        let baseSeed = body.seed ?? UInt64.random(in: 0...UInt64.max)
        let prompts: [PromptInput] = chat
            ? [.chat(body.messages?.map { ChatMessage(role: $0.role, content: $0.content.text) } ?? [])]
            : body.prompt?.values ?? []
        let top = body.topLogprobs(chat: chat)
        let requested = body.max_completion_tokens ?? body.max_tokens
        var requests: [CompletionRequest] = []
        for prompt in prompts {
            try checkContext(prompt, maxTokens: requested, chat: chat)
            for i in 0..<n {
                requests.append(CompletionRequest(prompt: prompt, parameters: body.parameters(
                    defaultMaxTokens: chat ? 256 : 16, baseSeed: baseSeed, choice: i)))
            }
        }
        return Plan(requests: requests, n: n, logprobs: body.logprobs?.enabled ?? false, topLogprobs: top,
                    stop: body.stop?.values ?? [],
                    id: (chat ? "chatcmpl-" : "cmpl-") + String(UInt64.random(in: 0...UInt64.max), radix: 36),
                    created: Int(Date().timeIntervalSince1970))
    }

    private func checkContext(_ prompt: PromptInput, maxTokens: Int?, chat: Bool) throws {
        let count: Int?
        do { count = try backend.promptTokenCount(prompt) } catch {
            throw ServerError.invalidRequest(message: (error as? LocalizedError)?.errorDescription ?? "\(error)",
                                             param: chat ? "messages" : "prompt")
        }
        guard let context = backend.contextLength, let count else { return }
        if count + (maxTokens ?? 1) > context {
            throw ServerError.contextLengthExceeded(context: context, promptTokens: count, maxTokens: maxTokens,
                                                    param: maxTokens == nil || count >= context ? (chat ? "messages" : "prompt") : "max_tokens")
        }
    }

    /// Gathers the plan's completions (no streaming) into one response.
    private func generate(_ plan: Plan, chat: Bool) async throws -> GenerationResponse {
        let requests = plan.requests.map { r -> CompletionRequest in
            var r = r
            r.control = RequestControl(topLogprobs: plan.topLogprobs)
            return r
        }
        let completions = try await batcher.completeAll(requests)
        var choices: [ChoiceOut] = []
        var promptTokens = 0, completionTokens = 0
        for (i, c) in completions.enumerated() {
            if i % plan.n == 0 { promptTokens += c.promptTokens }
            completionTokens += c.completionTokens
            let logprobs = c.logprobs.map { chat ? LogprobsOut.chat($0) : LogprobsOut.legacy($0) }
            choices.append(ChoiceOut(index: i, text: chat ? nil : c.text,
                                     message: chat ? ChatMessage(role: "assistant", content: c.text) : nil,
                                     logprobs: logprobs, finishReason: c.finishReason.rawValue))
        }
        return GenerationResponse(id: plan.id, object: chat ? "chat.completion" : "text_completion",
                                  created: plan.created, model: modelID, choices: choices,
                                  usage: .init(prompt_tokens: promptTokens, completion_tokens: completionTokens,
                                               total_tokens: promptTokens + completionTokens))
    }

    /// Requests the batcher holds (queued, or generating in the backend, cancelled ones until the backend
    /// let go of them), and tokens generated for requests that were cancelled; for tests and shutdown.
    public func load() async -> (active: Int, tokensOfCancelled: Int) {
        (await batcher.activeCount, await batcher.tokensAfterCancel)
    }

    // MARK: - JSON responses

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func encode(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else {
            return json(#"{"error":{"message":"cannot encode the response","type":"server_error","param":null,"code":null}}"#,
                        status: .internalServerError)
        }
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The OpenAI error body of `error` as JSON text (also sent as an SSE event when a stream fails).
    static func errorJSON(_ error: ServerError) -> String {
        var param: String?
        if case .invalidRequest(_, let p) = error { param = p }
        if case .contextLengthExceeded(_, _, _, let p) = error { param = p }
        let body = ErrorBody(error: .init(message: error.errorDescription ?? "\(error)", type: error.openAIType,
                                          param: param, code: error.openAICode))
        return (try? JSONEncoder().encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func errorResponse(_ error: ServerError) -> Response {
        var param: String?
        if case .invalidRequest(_, let p) = error { param = p }
        if case .contextLengthExceeded(_, _, _, let p) = error { param = p }
        let body = ErrorBody(error: .init(message: error.errorDescription ?? "\(error)", type: error.openAIType,
                                          param: param, code: error.openAICode))
        return encode(body, status: .init(code: error.httpStatus))
    }

    /// The top-level field a decoding error is about.
    static func field(of error: Error) -> String? {
        let path: [CodingKey]
        switch error {
        case DecodingError.dataCorrupted(let c), DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            path = c.codingPath
        case DecodingError.keyNotFound(let key, let c): path = c.codingPath + [key]
        default: return nil
        }
        return path.first?.stringValue
    }

    static func describe(decoding error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c):
            return c.codingPath.isEmpty ? "the body is not valid JSON" : "invalid value at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        case DecodingError.keyNotFound(let key, let c):
            return "missing field \((c.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        default: return "cannot read the body: \(error)"
        }
    }
}

/// Turns Hummingbird's own errors (no route: 404, wrong method: 405, …) into OpenAI-shaped JSON
/// bodies, so no 4xx/5xx leaves the server with an empty body.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            if error.status == .notFound {
                return OpenAIServer.errorResponse(.routeNotFound(method: "\(request.method)", path: request.uri.path))
            }
            let status = error.status
            let body = ErrorBody(error: .init(message: error.body ?? status.reasonPhrase,
                                              type: status.code >= 500 ? "server_error" : "invalid_request_error",
                                              param: nil, code: nil))
            return OpenAIServer.encode(body, status: status)
        }
    }
}

/// Requests answered so far (for progress).
private final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() -> Int { value.withLock { $0 += 1; return $0 } }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

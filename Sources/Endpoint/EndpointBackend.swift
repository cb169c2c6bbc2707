// `Backend` over OpenAI-compatible HTTP servers (vLLM, llama.cpp's llama-server, Ollama,
// `r1audit serve`), as issue 2's "Endpoint backend" asks: one HTTP request per
// `CompletionRequest` (each already carries its own derived seed, so k samples are never k
// identical requests with one seed, the lm-eval pass@k bug), a shared concurrency limit, the
// least busy of several URLs, per-attempt timeouts and jittered retries (RetryPolicy.swift).
import AsyncHTTPClient
import Foundation
import Inference
import NIOCore
import Synchronization

/// Draws completions from one or more OpenAI-compatible servers.
///
/// `.text` prompts go to `/v1/completions` (what base models need), `.chat` prompts to
/// `/v1/chat/completions` (judges). Call `shutdown()` when done; a backend dropped without it
/// shuts its HTTP client down in the background.
public final class EndpointBackend: Backend {
    /// The configuration this backend was made with.
    public let configuration: EndpointConfiguration
    /// Token usage and retry counts over the backend's lifetime.
    public let usage = UsageMeter()
    /// The model name sent with every request.
    public var modelName: String { configuration.model }

    private let client: HTTPClient
    private let scheduler: RequestScheduler
    private let progress: ProgressHandler?
    private let isShutDown = Mutex(false)

    /// Checks the configuration and opens an HTTP client sized to its concurrency.
    /// - Parameter progress: receives a `retrying` update for every retried attempt.
    public init(configuration: EndpointConfiguration, progress: ProgressHandler? = nil) throws(EndpointError) {
        try configuration.validate()
        self.configuration = configuration
        self.progress = progress
        scheduler = RequestScheduler(urlCount: configuration.urls.count, limit: configuration.concurrency)
        var http = HTTPClient.Configuration()
        http.timeout = .init(connect: .milliseconds(Int64(min(configuration.timeout, 10) * 1000)), read: nil)
        http.connectionPool = .init(idleTimeout: .seconds(60),
                                    concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.concurrency)
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: http)
    }

    deinit {
        if !isShutDown.withLock({ $0 }) { client.shutdown { _ in } }
    }

    /// Closes the HTTP connections. Calling it twice is harmless.
    public func shutdown() async throws {
        let first = isShutDown.withLock { done in defer { done = true }; return !done }
        if first { try await client.shutdown() }
    }

    /// One HTTP request per request, at most `configuration.concurrency` at a time; each
    /// completion is yielded as it arrives. The stream fails with an `EndpointError` when a
    /// request fails for good (the other requests are then cancelled); cancelling the
    /// consumer cancels the requests in flight.
    public func complete(_ requests: [CompletionRequest]) -> AsyncThrowingStream<IndexedCompletion, Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: IndexedCompletion.self)
        let window = configuration.concurrency
        let task = Task {
            do {
                try await withThrowingTaskGroup(of: IndexedCompletion.self) { group in
                    var next = 0
                    while next < min(window, requests.count) {
                        let i = next
                        group.addTask { IndexedCompletion(index: i, completion: try await self.perform(requests[i], index: i)) }
                        next += 1
                    }
                    while let done = try await group.next() {
                        continuation.yield(done)
                        if next < requests.count {
                            let i = next
                            group.addTask { IndexedCompletion(index: i, completion: try await self.perform(requests[i], index: i)) }
                            next += 1
                        }
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Asks the server for two samples in one request (`n` = 2, one token each) and says
    /// whether it returned two. llama.cpp builds and Ollama have ignored `n`; this client
    /// never needs it, but the answer is worth recording with a run.
    public func probeSupportsN() async throws -> Bool {
        let request = CompletionRequest(prompt: .text("Hello"),
                                        parameters: SamplingParameters(temperature: 1, maxTokens: 1, seed: 1))
        let (response, _, _, _) = try await exchange(WireRequest(model: configuration.model, request: request, n: 2), index: 0)
        return (response.choices?.count ?? 0) >= 2
    }

    // MARK: - One request

    private func perform(_ request: CompletionRequest, index: Int) async throws -> Completion {
        let wire = WireRequest(model: configuration.model, request: request)
        let (response, choice, text, seconds) = try await exchange(wire, index: index)
        let logprobs = request.parameters.logprobs ? choice.logprobs?.tokenLogprobs : nil
        let promptTokens = response.usage?.prompt_tokens ?? 0
        let completionTokens = response.usage?.completion_tokens ?? logprobs?.count ?? 0
        await usage.record(promptTokens: promptTokens, completionTokens: completionTokens)
        return Completion(text: text, promptTokens: promptTokens, completionTokens: completionTokens,
                          finishReason: choice.finishReason, logprobs: logprobs, latency: seconds)
    }

    /// Sends one request body with retries; returns the decoded response, its first choice and that
    /// choice's text, and the seconds the successful attempt took.
    ///
    /// Transient, and retried within `maxRetries`: 408/409/425/429/5xx, timeouts, dropped
    /// connections, and a 2xx body that is garbled, truncated or not OpenAI-shaped (no choice
    /// with a text) — a server that answered well before can garble one body (issue 19). When the
    /// budget is spent on a bad body the error is `malformedResponse` with an excerpt. Every text
    /// put in an error or a retry line passes through `Redaction.redact` (issue 22).
    private func exchange(_ wire: WireRequest, index: Int) async throws
        -> (WireResponse, WireResponse.Choice, String, Double) {
        let body: Data
        do { body = try JSONEncoder().encode(wire) } catch {
            throw EndpointError.invalidConfiguration(field: "request", reason: "cannot encode as JSON: \(error)")
        }
        var rng = SplitMix64(seed: (wire.seed ?? 0) ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
        var lastFailure = "", lastURL = Redaction.display(configuration.urls[0])
        var lastMalformed: EndpointError?
        for attempt in 0...configuration.maxRetries {
            let apiKey = readAPIKey()
            let urlIndex = try await scheduler.acquire()
            let base = configuration.urls[urlIndex]
            let url = base.openAIRoute(wire.route)
            let secrets = [apiKey, base.password].compactMap { $0 }
            let shown = Redaction.redact(url, secrets: secrets)
            let clean = { (text: String) in Redaction.redact(text, secrets: secrets) }
            lastURL = shown
            let result: Result<RawResponse, Error>
            do { result = .success(try await send(body, to: url, apiKey: apiKey)) } catch { result = .failure(error) }
            await scheduler.release(urlIndex)
            try Task.checkCancellation()

            var retryAfter: Double?
            lastMalformed = nil
            switch result {
            case .success(let raw) where (200..<300).contains(raw.status):
                let reason: String
                do {
                    let response = try JSONDecoder().decode(WireResponse.self, from: raw.body)
                    if let choice = response.choices?.first, let text = choice.generatedText {
                        return (response, choice, text, raw.seconds)
                    }
                    reason = response.choices?.first == nil ? "no choices" : "choice 0 has no text or message.content"
                } catch {
                    reason = Self.describe(decoding: error)
                }
                let excerpt = clean(EndpointError.excerpt(raw.body))
                lastMalformed = .malformedResponse(url: shown, reason: clean(reason), body: excerpt)
                lastFailure = "HTTP \(raw.status) with a body that is not OpenAI-compatible JSON (\(clean(reason)))"
            case .success(let raw):
                let excerpt = clean(EndpointError.excerpt(raw.body))
                if raw.status == 401 || raw.status == 403 {
                    throw EndpointError.unauthorized(url: shown, status: raw.status, variable: configuration.apiKeyEnvironmentVariable,
                                                     keySent: apiKey != nil, body: excerpt)
                }
                guard RetryPolicy.isTransient(status: raw.status) else {
                    throw EndpointError.httpStatus(url: shown, status: raw.status, body: excerpt)
                }
                lastFailure = "HTTP \(raw.status): \(excerpt)"
                retryAfter = RetryPolicy.parseRetryAfter(raw.retryAfter)
            case .failure(let error):
                if error is CancellationError { throw error }
                if let e = error as? HTTPClientError, Self.permanentClientErrors.contains(e) {
                    throw EndpointError.invalidURL(shown)
                }
                lastFailure = error is AttemptTimeout
                    ? "no complete response within \(configuration.timeout) s"
                    : clean("connection error: \(error)")
            }
            if attempt == configuration.maxRetries { break }
            await usage.recordRetry()
            let delay = RetryPolicy.delay(attempt: attempt, retryAfter: retryAfter, configuration: configuration, rng: &rng)
            progress?(ProgressUpdate(phase: "retrying", completed: attempt + 1, total: configuration.maxRetries,
                                     detail: "\(shown): \(lastFailure); retry in \(String(format: "%.2f", delay)) s"))
            try await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
        }
        if let lastMalformed { throw lastMalformed }
        throw EndpointError.retriesExhausted(url: lastURL, attempts: configuration.maxRetries + 1, lastFailure: lastFailure)
    }

    private struct RawResponse: Sendable {
        var status: Int
        var retryAfter: String?
        var body: Data
        var seconds: Double
    }

    private struct AttemptTimeout: Error {}

    /// Errors that retrying cannot fix.
    private static let permanentClientErrors: [HTTPClientError] = [
        .invalidURL, .emptyHost, .emptyScheme, .missingSocketPath,
    ]

    /// One HTTP attempt, raced against the per-attempt timeout (which covers the whole body).
    private func send(_ body: Data, to url: String, apiKey: String?) async throws -> RawResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        let timeout = configuration.timeout, limit = configuration.maxResponseBytes, client = client
        let prepared = request
        return try await withThrowingTaskGroup(of: RawResponse.self) { group in
            group.addTask {
                let start = ContinuousClock.now
                let response = try await client.execute(prepared, timeout: .milliseconds(Int64(timeout * 1000) + 1000))
                let bytes = try await response.body.collect(upTo: limit)
                let elapsed = ContinuousClock.now - start
                return RawResponse(status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"),
                                   body: Data(bytes.readableBytesView),
                                   seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int64(timeout * 1000)))
                throw AttemptTimeout()
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw AttemptTimeout() }
            return first
        }
    }

    /// The key, read now (never stored); nil when no variable is named or it is unset or empty.
    private func readAPIKey() -> String? {
        guard let name = configuration.apiKeyEnvironmentVariable,
              let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    private static func describe(decoding error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c): return "invalid JSON: \(c.debugDescription)"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "unexpected value at \(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        case DecodingError.keyNotFound(let key, _): return "missing key \(key.stringValue)"
        default: return "\(error)"
        }
    }
}

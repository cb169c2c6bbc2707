// Fault injection against the in-process FaultServer (issue 2): the client must survive 429
// bursts (honouring Retry-After), 500s, slow responses and dropped connections, and fail
// clearly on permanent errors (400, endless 500s, malformed JSON).
import Foundation
import Synchronization
import Testing
@testable import Endpoint
import Inference

/// A configuration for tests: fast backoff, short timeouts, bounded retries.
func testConfiguration(_ urls: [URL], concurrency: Int = 4, timeout: Double = 10, maxRetries: Int = 4,
                       apiKeyVariable: String? = nil) -> EndpointConfiguration {
    EndpointConfiguration(urls: urls, model: "test-model", apiKeyEnvironmentVariable: apiKeyVariable,
                          concurrency: concurrency, timeout: timeout, maxRetries: maxRetries,
                          backoffBase: 0.01, backoffCap: 0.05)
}

/// Requests for `count` samples of one prompt, each with its own derived seed.
func sampleRequests(_ count: Int, prompt: PromptInput = .text("What is 2+2?"), logprobs: Bool = false,
                    maxTokens: Int = 32) -> [CompletionRequest] {
    (0..<count).map { i in
        CompletionRequest(prompt: prompt, parameters: SamplingParameters(
            temperature: 0.6, maxTokens: maxTokens, stop: ["</answer>"],
            seed: SeedDerivation.seed(runSeed: 1, questionID: "q", template: "r1", temperature: 0.6, sampleIndex: i),
            logprobs: logprobs))
    }
}

/// Runs `body` with a started server and backend, shutting both down afterwards.
func withServer<T>(concurrency: Int = 4, timeout: Double = 10, maxRetries: Int = 4,
                   _ body: (FaultServer, EndpointBackend) async throws -> T) async throws -> T {
    let server = try await FaultServer.start()
    let backend = try EndpointBackend(configuration: testConfiguration([server.url], concurrency: concurrency,
                                                                         timeout: timeout, maxRetries: maxRetries))
    do {
        let result = try await body(server, backend)
        try await backend.shutdown(); await server.stop()
        return result
    } catch {
        try? await backend.shutdown(); await server.stop()
        throw error
    }
}

@Suite("Endpoint fault injection")
struct FaultInjectionTests {
    @Test("a 429 burst is retried, and Retry-After is honoured")
    func tooManyRequests() async throws {
        try await withServer { server, _ in
            let updates = Mutex<[ProgressUpdate]>([])
            let backend = try EndpointBackend(configuration: testConfiguration([server.url]),
                                              progress: { u in updates.withLock { $0.append(u) } })
            server.state.setScript([.status(429, retryAfter: "1", body: #"{"error":"slow down"}"#),
                                    .status(429, retryAfter: "0", body: "{}"),
                                    .status(429, retryAfter: nil, body: "{}")])
            let out = try await backend.completeAll(sampleRequests(1))
            #expect(out.count == 1)
            #expect(await backend.usage.snapshot().retries == 3)
            let details = updates.withLock { $0.map(\.detail) }
            #expect(details.count == 3)
            #expect(details.first?.contains("HTTP 429") == true)
            #expect(details.first?.contains("retry in 1.00 s") == true)
            try await backend.shutdown()
        }
    }

    @Test("500s are retried until the server recovers")
    func transientServerErrors() async throws {
        try await withServer { server, backend in
            server.state.setScript([.status(500, retryAfter: nil, body: "boom"), .status(503, retryAfter: nil, body: "busy")])
            let out = try await backend.completeAll(sampleRequests(2))
            #expect(out.count == 2)
            #expect(await backend.usage.snapshot().retries == 2)
        }
    }

    @Test("endless 500s end in retriesExhausted naming the URL, status and body")
    func permanentServerErrors() async throws {
        try await withServer(maxRetries: 2) { server, backend in
            server.state.setScript([], fallback: .status(500, retryAfter: nil, body: "model crashed"))
            await #expect(throws: EndpointError.retriesExhausted(
                url: "http://127.0.0.1:\(server.port)/v1/completions", attempts: 3,
                lastFailure: "HTTP 500: model crashed")) {
                _ = try await backend.completeAll(sampleRequests(1))
            }
            #expect(server.state.received.count == 3)
        }
    }

    @Test("a 400 fails at once, without retries")
    func badRequest() async throws {
        try await withServer { server, backend in
            server.state.setScript([], fallback: .status(400, retryAfter: nil, body: #"{"error":{"message":"unknown model"}}"#))
            do {
                _ = try await backend.completeAll(sampleRequests(1))
                Issue.record("expected an error")
            } catch let error as EndpointError {
                guard case .httpStatus(let url, let status, let body) = error else { Issue.record("got \(error)"); return }
                #expect(url.hasSuffix("/v1/completions"))
                #expect(status == 400)
                #expect(body.contains("unknown model"))
                #expect(error.localizedDescription.contains("HTTP 400"))
            }
            #expect(server.state.received.count == 1)
        }
    }

    @Test("a response slower than the timeout is retried")
    func slowResponse() async throws {
        // A 1 s timeout against a 30 s stall: the stalled attempt must time out and be retried. The stall is
        // long so that the late response cannot win the race even when the full suite starves the
        // cooperative pool for seconds (seen with a 6 s stall: the response arrived before the timer task
        // ran). The retry may itself time out on a loaded 2-core machine, hence "at least one".
        try await withServer(timeout: 1.0) { server, backend in
            server.state.setScript([.delay(30)])
            let out = try await backend.completeAll(sampleRequests(1))
            #expect(out.count == 1)
            #expect(await backend.usage.snapshot().retries >= 1)
            #expect(server.state.received.count >= 2)
        }
    }

    @Test("a dropped connection is retried")
    func droppedConnection() async throws {
        try await withServer { server, backend in
            server.state.setScript([.drop, .drop])
            let out = try await backend.completeAll(sampleRequests(3))
            #expect(out.count == 3)
            #expect(await backend.usage.snapshot().retries == 2)
        }
    }

    @Test("a body that is bad on every attempt ends, after the retry budget, in a clear error with an excerpt")
    func malformedJSON() async throws {
        try await withServer(maxRetries: 3) { server, backend in
            server.state.setScript([], fallback: .malformed)
            do {
                _ = try await backend.completeAll(sampleRequests(1))
                Issue.record("expected an error")
            } catch let error as EndpointError {
                guard case .malformedResponse(let url, _, let body) = error else { Issue.record("got \(error)"); return }
                #expect(url.hasSuffix("/v1/completions"))
                #expect(body.contains("this is not json"))
            }
            #expect(server.state.received.count == 4)
        }
    }

    /// One transient fault of each kind, then a good answer (issue 19).
    static let singleFaults: [(String, Fault)] = [
        ("garbled JSON", .malformed), ("JSON that is not OpenAI's", .notOpenAI),
        ("a truncated JSON body", .truncatedJSON), ("a body cut by a closed connection", .truncatedBody),
        ("a dropped connection", .drop), ("429 with Retry-After", .status(429, retryAfter: "0", body: "{}")),
        ("503", .status(503, retryAfter: nil, body: "busy")),
    ]

    @Test("one transient fault is retried and the sample is the good answer", arguments: singleFaults)
    func singleTransientFault(_ name: String, _ fault: Fault) async throws {
        try await withServer { server, backend in
            server.state.setScript([fault])
            let requests = sampleRequests(1)
            let out = try await backend.completeAll(requests)
            #expect(out.map(\.text) == ["seed=\(requests[0].parameters.seed.map(String.init) ?? "none")"], "after \(name)")
            #expect(await backend.usage.snapshot().retries == 1, "after \(name)")
            #expect(server.state.received.count == 2, "after \(name)")
        }
    }

    @Test("at 20% mixed faults every planned sample arrives, each the good answer to its own request")
    func mixedFaults() async throws {
        let planned = 120
        try await withServer(concurrency: 8, maxRetries: 8) { server, backend in
            server.state.setRandomFaults(rate: 0.2, faults: [
                .status(429, retryAfter: "0", body: #"{"error":"slow down"}"#), .status(500, retryAfter: nil, body: "boom"),
                .status(503, retryAfter: nil, body: "busy"), .drop, .malformed, .notOpenAI, .truncatedJSON, .truncatedBody,
            ], seed: 19)
            let requests = sampleRequests(planned)
            var texts = [Int: String]()
            for try await item in backend.complete(requests) {
                #expect(texts[item.index] == nil, "index \(item.index) delivered twice")
                texts[item.index] = item.completion.text
            }
            #expect(texts.count == planned)
            for (i, request) in requests.enumerated() {
                #expect(texts[i] == "seed=\(request.parameters.seed.map(String.init) ?? "none")", "sample \(i) is not its own good answer")
            }
            let received = server.state.received.count
            let retries = await backend.usage.snapshot().retries
            #expect(retries > 0)
            // Every request the server saw was a first attempt or a retry (a retry may also follow a
            // connection the client found closed before the server read it).
            #expect(received >= planned && received <= planned + retries)
            // Bounded: 20% faults cost about a quarter more requests, never an unbounded retry storm.
            #expect(received < planned * 2)
        }
    }

    @Test("a server that ignores n: the probe says so, and fan-out still gives k distinct samples")
    func ignoresN() async throws {
        try await withServer { server, backend in
            server.state.setScript([], ignoreN: true)
            #expect(try await backend.probeSupportsN() == false)
            let out = try await backend.completeAll(sampleRequests(4))
            #expect(Set(out.map(\.text)).count == 4)
            server.state.setScript([], ignoreN: false)
            #expect(try await backend.probeSupportsN() == true)
        }
    }

    @Test("cancelling the consumer cancels the request in flight")
    func cancellation() async throws {
        try await withServer(timeout: 60) { server, backend in
            server.state.setScript([], fallback: .delay(30))
            let consumer = Task {
                var received = 0
                for try await _ in backend.complete(sampleRequests(2)) { received += 1 }
                try Task.checkCancellation()
                return received
            }
            for _ in 0..<500 where server.state.received.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
            consumer.cancel()
            let result = await consumer.result
            #expect(throws: CancellationError.self) { try result.get() }
            // Both connections are closed by the client long before the server's 30 s answer.
            for _ in 0..<500 where server.state.abandoned < 2 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.state.abandoned == 2)
        }
    }
}

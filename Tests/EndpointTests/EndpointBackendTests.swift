// The endpoint client's normal behaviour against the in-process FaultServer: one request per
// sample with its own seed, the right route per prompt kind, logprobs in both shapes, usage
// totals, the shared concurrency bound, the spread over several URLs, and the API key.
import Foundation
import Testing
@testable import Endpoint
import Inference

@Suite("EndpointBackend")
struct EndpointBackendTests {
    @Test("k samples are k requests, each with its own seed and no n")
    func oneRequestPerSample() async throws {
        try await withServer { server, backend in
            let requests = sampleRequests(6)
            let out = try await backend.completeAll(requests)
            let received = server.state.received
            #expect(received.count == 6)
            #expect(received.allSatisfy { $0.path == "/v1/completions" && $0.json["n"] == nil })
            #expect(received.allSatisfy { $0.json["model"]?.string == "test-model" && $0.json["stop"] == .array([.string("</answer>")]) })
            let seeds = requests.map { $0.parameters.seed! }
            #expect(Set(seeds).count == 6)
            for (i, completion) in out.enumerated() {
                #expect(completion.text == "seed=\(seeds[i])")
                #expect(completion.finishReason == .stop)
                #expect(completion.promptTokens == 5 && completion.completionTokens == 3)
            }
            let usage = await backend.usage.snapshot()
            #expect(usage == EndpointUsage(requests: 6, retries: 0, promptTokens: 30, completionTokens: 18))
        }
    }

    @Test("chat prompts go to /v1/chat/completions; logprobs and finish_reason length are read")
    func chat() async throws {
        try await withServer { server, backend in
            let requests = sampleRequests(1, prompt: .chat([ChatMessage(role: "user", content: "Judge this")]),
                                          logprobs: true, maxTokens: 2)
            let out = try await backend.completeAll(requests)
            #expect(server.state.received.first?.path == "/v1/chat/completions")
            #expect(server.state.received.first?.json["logprobs"] == .bool(true))
            #expect(out[0].finishReason == .length)
            #expect(out[0].logprobs == [TokenLogprob(token: "seed", tokenID: 7, logprob: -0.5),
                                        TokenLogprob(token: "=", tokenID: 8, logprob: -1.25)])
        }
    }

    @Test("legacy completions logprobs are read")
    func legacyLogprobs() async throws {
        try await withServer { server, backend in
            let out = try await backend.completeAll(sampleRequests(1, logprobs: true))
            #expect(server.state.received.first?.json["logprobs"] == .number(1))
            #expect(out[0].logprobs?.map(\.logprob) == [-0.5, -1.25])
        }
    }

    @Test("no more requests in flight than the concurrency limit", arguments: [1, 3])
    func concurrencyBound(limit: Int) async throws {
        try await withServer(concurrency: limit) { server, backend in
            server.state.setScript([], fallback: .delay(0.05))
            let out = try await backend.completeAll(sampleRequests(10))
            #expect(out.count == 10)
            #expect(server.state.maxInFlight <= limit)
            #expect(server.state.maxInFlight >= 1)
        }
    }

    @Test("the limit holds across concurrent complete calls")
    func sharedBound() async throws {
        try await withServer(concurrency: 2) { server, backend in
            server.state.setScript([], fallback: .delay(0.05))
            async let a = backend.completeAll(sampleRequests(5))
            async let b = backend.completeAll(sampleRequests(5))
            let total = try await a.count + b.count
            #expect(total == 10)
            #expect(server.state.maxInFlight <= 2)
        }
    }

    @Test("several URLs share the load")
    func spread() async throws {
        let first = try await FaultServer.start(), second = try await FaultServer.start()
        first.state.setScript([], fallback: .delay(0.05)); second.state.setScript([], fallback: .delay(0.05))
        let backend = try EndpointBackend(configuration: testConfiguration([first.url, second.url], concurrency: 4))
        let out = try await backend.completeAll(sampleRequests(12))
        try await backend.shutdown(); await first.stop(); await second.stop()
        #expect(out.count == 12)
        #expect(first.state.received.count + second.state.received.count == 12)
        #expect(first.state.received.count >= 3 && second.state.received.count >= 3)
    }

    @Test("the API key is read from the named variable at request time; a 401 names the variable")
    func apiKey() async throws {
        let server = try await FaultServer.start()
        let variable = "R1AUDIT_TEST_KEY_\(UInt32.random(in: 0...UInt32.max))"
        let backend = try EndpointBackend(configuration: testConfiguration([server.url], apiKeyVariable: variable))
        // Unset: no key is sent (local servers need none).
        _ = try await backend.completeAll(sampleRequests(1))
        setenv(variable, "sk-test-123", 1)
        _ = try await backend.completeAll(sampleRequests(1))
        server.state.setScript([.status(401, retryAfter: nil, body: "bad key")])
        do {
            _ = try await backend.completeAll(sampleRequests(1))
            Issue.record("expected an error")
        } catch let error as EndpointError {
            guard case .unauthorized(_, let status, let v, let sent, _) = error else { Issue.record("got \(error)"); return }
            #expect(status == 401 && v == variable && sent)
            #expect(error.localizedDescription.contains(variable))
        }
        unsetenv(variable)
        try await backend.shutdown(); await server.stop()
        #expect(server.state.received.map(\.authorization) == [nil, "Bearer sk-test-123", "Bearer sk-test-123"])
        #expect(!String(describing: backend.configuration).contains("sk-test"))
    }

    @Test("bad configurations are refused with the field named")
    func validation() throws {
        #expect(throws: EndpointError.invalidURL("ftp://x")) {
            try EndpointBackend(configuration: testConfiguration([URL(string: "ftp://x")!]))
        }
        #expect(throws: EndpointError.self) { try EndpointBackend(configuration: testConfiguration([], concurrency: 1)) }
        #expect(throws: EndpointError.self) {
            try EndpointBackend(configuration: testConfiguration([URL(string: "http://127.0.0.1:1")!], concurrency: 0))
        }
    }

    @Test("routes are joined under a base with or without /v1", arguments: [
        ("http://h:8080", "http://h:8080/v1/completions"),
        ("http://h:8080/", "http://h:8080/v1/completions"),
        ("http://h:8080/v1", "http://h:8080/v1/completions"),
        ("http://h:8080/v1/", "http://h:8080/v1/completions"),
    ])
    func routes(base: String, expected: String) {
        #expect(URL(string: base)!.openAIRoute("completions") == expected)
    }
}

@Suite("RetryPolicy")
struct RetryPolicyTests {
    @Test("Retry-After in seconds or as an HTTP date")
    func retryAfter() {
        #expect(RetryPolicy.parseRetryAfter("2") == 2)
        #expect(RetryPolicy.parseRetryAfter(" 0 ") == 0)
        #expect(RetryPolicy.parseRetryAfter(nil) == nil)
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
        let now = Date(timeIntervalSince1970: 1_445_412_480) // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
    }

    @Test("backoff doubles, stays within [d/2, d], is capped, and honours Retry-After")
    func backoff() {
        let c = EndpointConfiguration(urls: [], model: "m", backoffBase: 1, backoffCap: 8, maxRetryAfter: 20)
        var rng = SplitMix64(seed: 42)
        for attempt in 0..<6 {
            let d = min(8, pow(2, Double(attempt)))
            let delay = RetryPolicy.delay(attempt: attempt, retryAfter: nil, configuration: c, rng: &rng)
            #expect(delay >= d / 2 && delay <= d)
        }
        #expect(RetryPolicy.delay(attempt: 0, retryAfter: 5, configuration: c, rng: &rng) == 5)
        #expect(RetryPolicy.delay(attempt: 0, retryAfter: 100, configuration: c, rng: &rng) == 20)
    }

    @Test("which statuses are transient", arguments: [(429, true), (500, true), (503, true), (408, true),
                                                     (400, false), (401, false), (404, false), (422, false)])
    func transient(status: Int, expected: Bool) {
        #expect(RetryPolicy.isTransient(status: status) == expected)
    }
}

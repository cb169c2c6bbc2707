// The real-server tier of issue 2: runs when scripts/test-real-server has started llama.cpp's
// llama-server (or `r1audit serve`) and set R1AUDIT_REAL_SERVER_URL. It checks the client
// against a real OpenAI-compatible server and writes its throughput to R1AUDIT_BENCH_OUT.
import Foundation
import Testing
import Endpoint
import Inference

/// Settings passed by scripts/test-real-server.
enum RealServer {
    static let environment = ProcessInfo.processInfo.environment
    static let url = environment["R1AUDIT_REAL_SERVER_URL"].flatMap(URL.init(string:))
    static func int(_ key: String, _ fallback: Int) -> Int { environment[key].flatMap(Int.init) ?? fallback }

    /// The same prompts and seeds scripts/test-real-server's Python peer sends.
    static func requests(count: Int, maxTokens: Int) -> [CompletionRequest] {
        (0..<count).map { i in
            let a = i % 8, b = (i % 8) * 3 + 1
            return CompletionRequest(prompt: .text("Question: What is \(a) + \(b)? Think step by step.\nAnswer:"),
                                     parameters: SamplingParameters(temperature: 0.8, maxTokens: maxTokens,
                                                                    seed: UInt64(1000 + i)))
        }
    }
}

@Suite("Real server (scripts/test-real-server)")
struct RealServerTests {
    @Test("requests/s against a real OpenAI-compatible server", .enabled(if: RealServer.url != nil))
    func throughput() async throws {
        let url = try #require(RealServer.url)
        let count = RealServer.int("R1AUDIT_REAL_REQUESTS", 32)
        let concurrency = RealServer.int("R1AUDIT_REAL_CONCURRENCY", 4)
        let maxTokens = RealServer.int("R1AUDIT_REAL_MAX_TOKENS", 32)
        let backend = try EndpointBackend(configuration: EndpointConfiguration(
            urls: [url], model: RealServer.environment["R1AUDIT_REAL_MODEL"] ?? "model",
            concurrency: concurrency, timeout: 300, maxRetries: 2))
        // Warm-up (connection set-up, server caches), not timed.
        _ = try await backend.completeAll(RealServer.requests(count: concurrency, maxTokens: 4))
        let warm = await backend.usage.snapshot()

        let requests = RealServer.requests(count: count, maxTokens: maxTokens)
        let start = ContinuousClock.now
        var completions = [Completion?](repeating: nil, count: count)
        for try await item in backend.complete(requests) { completions[item.index] = item.completion }
        let wall = ContinuousClock.now - start
        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
        let usage = await backend.usage.snapshot()
        try await backend.shutdown()

        let done = completions.compactMap { $0 }
        #expect(done.count == count)
        #expect(done.allSatisfy { $0.completionTokens > 0 && $0.completionTokens <= maxTokens })
        // Distinct seeds must give distinct samples: a server that ignored seeds, or a client
        // that sent one seed k times, would make the 8 samples of each question identical.
        let firstQuestion = done.enumerated().filter { $0.offset % 8 == 0 }.map(\.element.text)
        #expect(Set(firstQuestion).count > 1 || firstQuestion.count < 2)
        #expect(usage.requests - warm.requests == count)

        if let out = RealServer.environment["R1AUDIT_BENCH_OUT"] {
            let tokens = usage.completionTokens - warm.completionTokens
            let meanLatency = done.map(\.latency).reduce(0, +) / Double(max(1, done.count))
            let json = """
            {"client":"r1audit EndpointBackend","requests":\(count),"concurrency":\(concurrency),\
            "max_tokens":\(maxTokens),"wall_s":\(seconds),"requests_per_s":\(Double(count) / seconds),\
            "completion_tokens":\(tokens),"tokens_per_s":\(Double(tokens) / seconds),\
            "mean_latency_s":\(meanLatency),"retries":\(usage.retries)}
            """
            try Data(json.utf8).write(to: URL(fileURLWithPath: out))
        }
    }
}

// The HTTP overhead of our client and server with no model behind them: OpenAIServer over the
// in-test EchoBackend, hit with the same requests by our EndpointBackend and by a Python stdlib
// peer (threads + urllib) in the same run. Runs only when R1AUDIT_ECHO_BENCH=N is set, e.g.
//   R1AUDIT_ECHO_BENCH=2000 R1AUDIT_BENCH_OUT=/tmp/echo.json R1AUDIT_ONLY=ServerTests \
//     swift test --scratch-path .build-endpoint --filter HTTPOverhead
import Endpoint
import Foundation
import Inference
import Testing

@Suite("HTTP overhead benchmark (R1AUDIT_ECHO_BENCH)")
struct HTTPOverheadBenchmark {
    static let count = ProcessInfo.processInfo.environment["R1AUDIT_ECHO_BENCH"].flatMap(Int.init)

    static let peer = """
    import json, sys, time, urllib.request
    from concurrent.futures import ThreadPoolExecutor
    url, n, c = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    def send(i):
        body = {"model": "echo-model", "prompt": f"q{i}", "temperature": 0.8, "max_tokens": 8, "seed": i}
        req = urllib.request.Request(url + "/v1/completions", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r: json.load(r)
    with ThreadPoolExecutor(c) as pool:
        list(pool.map(send, range(c)))
        t = time.perf_counter(); list(pool.map(send, range(n))); wall = time.perf_counter() - t
    print(json.dumps({"requests_per_s": n / wall, "wall_s": wall}))
    """

    @Test("requests/s of our client vs a Python peer against an echo server", .enabled(if: count != nil))
    func overhead() async throws {
        let n = try #require(Self.count), concurrency = 8
        let result = try await withRunningServer(EchoBackend(), batchWindow: .zero) { url in
            let backend = try client(url, concurrency: concurrency)
            let requests = (0..<n).map {
                CompletionRequest(prompt: .text("q\($0)"), parameters: SamplingParameters(temperature: 0.8, maxTokens: 8, seed: UInt64($0)))
            }
            _ = try await backend.completeAll(Array(requests.prefix(concurrency)))
            let start = ContinuousClock.now
            let out = try await backend.completeAll(requests)
            let ours = (ContinuousClock.now - start)
            try await backend.shutdown()
            #expect(out.count == n)
            let oursSeconds = Double(ours.components.seconds) + Double(ours.components.attoseconds) * 1e-18

            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", Self.peer, url.absoluteString, "\(n)", "\(concurrency)"]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let peer = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return #"{"requests":\#(n),"concurrency":\#(concurrency),"ours_requests_per_s":\#(Double(n) / oursSeconds),"peer":\#(peer)}"#
        }
        if let out = ProcessInfo.processInfo.environment["R1AUDIT_BENCH_OUT"] {
            try Data(result.utf8).write(to: URL(fileURLWithPath: out))
        }
    }
}

// `serve` over the tiny random model (TinyModelFactory) and real HTTP (issue 19): a client that
// disconnects cancels its sequences in the engine; max_tokens beyond the context is a 400
// `context_length_exceeded`; SSE streaming for completions and chat; logprobs=N fills top_logprobs;
// token-id prompts. No timed assertions: waits are bounded by generous timeouts only.
import AsyncHTTPClient
import Engine
import Foundation
import Inference
import NIOCore
@testable import Server
import TestSupport
import Testing
import Tokenizers

/// The tiny model; `context` widens its position limit so a long generation takes many seconds, and
/// `neverEnds` hides its EOS so such a generation can only end at max_tokens or by cancellation.
func tinyLocalBackend(context: Int = 256, neverEnds: Bool = false) throws -> LocalBackend {
    var c = TinyModelFactory.configuration()
    c.maxPositionEmbeddings = context
    let tokenizer = try TokenizerLoader.byteLevelTestTokenizer()
    return try LocalBackend(configuration: c, weights: TinyModelFactory.weights(c),
                            tokenizer: neverEnds ? NoEOSTokenizer(inner: tokenizer) : tokenizer, threads: 2, modelName: "tiny")
}

/// A tokenizer without end-of-sequence tokens (everything else forwarded).
struct NoEOSTokenizer: Tokenizer {
    let inner: any Tokenizer
    var vocabularySize: Int { inner.vocabularySize }
    var bosTokenID: Int? { inner.bosTokenID }
    var eosTokenIDs: Set<Int> { [] }
    var addsBOS: Bool { inner.addsBOS }
    func encode(_ text: String, addSpecialTokens: Bool) -> [Int] { inner.encode(text, addSpecialTokens: addSpecialTokens) }
    func decode(_ ids: [Int]) -> String { inner.decode(ids) }
    func tokenBytes(_ id: Int) -> [UInt8] { inner.tokenBytes(id) }
    func tokenString(_ id: Int) -> String { inner.tokenString(id) }
    func applyChatTemplate(_ messages: [(role: String, content: String)], addGenerationPrompt: Bool) -> String {
        inner.applyChatTemplate(messages, addGenerationPrompt: addGenerationPrompt)
    }
}

/// Starts `server`, runs `body` with its base URL, then stops it.
func withServer<T: Sendable>(_ server: OpenAIServer, _ body: (URL) async throws -> T) async throws -> T {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let task = Task { try await server.run(onListening: { continuation.yield($0) }) }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw EchoFailure() }
    defer { task.cancel() }
    let result = try await body(URL(string: "http://127.0.0.1:\(port)")!)
    task.cancel(); _ = await task.result
    return result
}

/// Polls `condition` every 20 ms for up to `seconds` (a bound against hangs, not a timed assertion).
func eventually(_ seconds: Double = 120, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

func request(_ url: URL, _ path: String, _ json: String) -> HTTPClientRequest {
    var request = HTTPClientRequest(url: url.absoluteString + path)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.body = .bytes(ByteBuffer(string: json))
    return request
}

/// The JSON objects of an SSE body's `data:` events, and whether it ended with `data: [DONE]`.
func events(_ text: String) -> (chunks: [[String: Any]], done: Bool) {
    let datas = text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
    let chunks = datas.filter { $0 != "[DONE]" }.compactMap {
        try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    return (chunks, datas.last == "[DONE]")
}

@Suite(.serialized) struct TinyModelServerTests {
    static let longMax = 60_000

    @Test("a client that disconnects mid-request cancels its sequence: the batcher empties without generating max_tokens")
    func disconnectCancels() async throws {
        let server = OpenAIServer(backend: try tinyLocalBackend(context: Self.longMax + 64, neverEnds: true), port: 0)
        try await withServer(server) { url in
            let client = Task {
                _ = try await HTTPClient.shared.execute(
                    request(url, "/v1/completions", #"{"prompt":"hello","max_tokens":\#(Self.longMax),"temperature":1,"seed":3}"#),
                    timeout: .seconds(600))
            }
            #expect(await eventually { await server.load().active == 1 }, "the request never reached the engine")
            client.cancel()  // AsyncHTTPClient closes the connection
            _ = await client.result
            #expect(await eventually { await server.load().active == 0 }, "the engine kept the cancelled sequence")
            let generated = await server.load().tokensOfCancelled
            #expect(generated < Self.longMax, "cancelled after \(generated) tokens")
        }
    }

    @Test("a streaming client that disconnects after the first chunk cancels its sequence")
    func streamDisconnectCancels() async throws {
        let server = OpenAIServer(backend: try tinyLocalBackend(context: Self.longMax + 64, neverEnds: true), port: 0)
        try await withServer(server) { url in
            let (firsts, sink) = AsyncStream.makeStream(of: String.self)
            let client = Task {
                let response = try await HTTPClient.shared.execute(
                    request(url, "/v1/completions", #"{"prompt":"hello","max_tokens":\#(Self.longMax),"stream":true,"seed":3}"#),
                    timeout: .seconds(600))
                sink.yield(response.headers.first(name: "content-type") ?? "")
                for try await chunk in response.body { sink.yield(String(buffer: chunk)) }
            }
            var received = firsts.makeAsyncIterator()
            #expect(await received.next() == "text/event-stream")
            #expect(await received.next()?.hasPrefix("data: {") == true)
            #expect(await server.load().active == 1)
            client.cancel()  // AsyncHTTPClient closes the connection mid-stream
            _ = await client.result
            #expect(await eventually { await server.load().active == 0 }, "the engine kept the cancelled sequence")
            #expect(await server.load().tokensOfCancelled < Self.longMax)
        }
    }

    @Test("prompt + max_tokens beyond the context is a 400 context_length_exceeded naming the field", arguments: [
        (#"{"prompt":"hi","max_tokens":300}"#, "/v1/completions", "max_tokens"),
        (#"{"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":1000}"#, "/v1/chat/completions", "max_tokens"),
        (#"{"prompt":[[5,6,7]],"max_tokens":254}"#, "/v1/completions", "max_tokens"),
    ])
    func contextLength(body: String, path: String, param: String) async throws {
        try await withServer(OpenAIServer(backend: try tinyLocalBackend(), port: 0)) { url in
            let (status, json) = try await post(url, path, body)
            #expect(status == 400)
            let error = json["error"] as? [String: Any]
            #expect(error?["code"] as? String == "context_length_exceeded")
            #expect(error?["param"] as? String == param)
            #expect((error?["message"] as? String)?.contains("maximum context length is 256 tokens") == true)
        }
    }

    @Test("token-id prompts are accepted (one list and a list of lists); an id outside the vocabulary is a 400")
    func tokenPrompts() async throws {
        try await withServer(OpenAIServer(backend: try tinyLocalBackend(), port: 0)) { url in
            let (status, json) = try await post(url, "/v1/completions", #"{"prompt":[[5,6,7],[8,9]],"max_tokens":4,"temperature":0}"#)
            #expect(status == 200)
            let choices = json["choices"] as? [[String: Any]] ?? []
            #expect(choices.count == 2)
            #expect((json["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 5)
            let (badStatus, bad) = try await post(url, "/v1/completions", #"{"prompt":[5,999999],"max_tokens":4}"#)
            #expect(badStatus == 400)
            #expect((bad["error"] as? [String: Any])?["param"] as? String == "prompt")
        }
    }

    @Test("logprobs=N fills top_logprobs (completions); chat top_logprobs fills each token's list")
    func topLogprobs() async throws {
        try await withServer(OpenAIServer(backend: try tinyLocalBackend(), port: 0)) { url in
            let (_, json) = try await post(url, "/v1/completions", #"{"prompt":"ab","max_tokens":5,"logprobs":3,"temperature":0}"#)
            let lp = (json["choices"] as? [[String: Any]])?.first?["logprobs"] as? [String: Any]
            let tokens = lp?["tokens"] as? [String] ?? []
            let tokenLogprobs = lp?["token_logprobs"] as? [Double] ?? []
            let top = lp?["top_logprobs"] as? [[String: Double]] ?? []
            #expect(!tokens.isEmpty && top.count == tokens.count)
            for (i, alternatives) in top.enumerated() {
                #expect(alternatives.count >= 1 && alternatives.count <= 3)
                // Greedy: the chosen token is the most likely one, so it heads its alternatives.
                #expect(abs((alternatives.values.max() ?? 0) - tokenLogprobs[i]) < 1e-6)
                #expect(alternatives.values.allSatisfy { $0 <= 0 })
            }
            let (_, chat) = try await post(url, "/v1/chat/completions",
                                           #"{"messages":[{"role":"user","content":"hi"}],"max_tokens":4,"logprobs":true,"top_logprobs":2}"#)
            let content = ((chat["choices"] as? [[String: Any]])?.first?["logprobs"] as? [String: Any])?["content"] as? [[String: Any]] ?? []
            #expect(!content.isEmpty)
            for entry in content { #expect((entry["top_logprobs"] as? [[String: Any]])?.count == 2) }
        }
    }

    @Test("stream: true gives OpenAI SSE chunks ending in [DONE] whose text joins to the non-streamed answer",
          arguments: [false, true])
    func streaming(chat: Bool) async throws {
        try await withServer(OpenAIServer(backend: try tinyLocalBackend(), port: 0)) { url in
            let path = chat ? "/v1/chat/completions" : "/v1/completions"
            let base = chat ? #""messages":[{"role":"user","content":"hi"}]"# : #""prompt":"once upon""#
            let common = base + #","max_tokens":24,"temperature":0.8,"seed":11,"stop":["e t"],"logprobs":"# + (chat ? "true" : "1")
            let (_, whole) = try await post(url, path, "{" + common + "}")
            let wholeChoice = (whole["choices"] as? [[String: Any]])?.first
            let expected = chat ? (wholeChoice?["message"] as? [String: Any])?["content"] as? String : wholeChoice?["text"] as? String
            let response = try await HTTPClient.shared.execute(request(url, path, "{" + common + #","stream":true}"#), timeout: .seconds(120))
            #expect(response.headers.first(name: "content-type") == "text/event-stream")
            let text = String(buffer: try await response.body.collect(upTo: 1 << 22))
            let (chunks, done) = events(text)
            #expect(done)
            #expect(chunks.allSatisfy { $0["object"] as? String == (chat ? "chat.completion.chunk" : "text_completion") })
            let choices = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first }
            let joined = choices.compactMap { chat ? ($0["delta"] as? [String: Any])?["content"] as? String : $0["text"] as? String }.joined()
            #expect(joined == expected)
            #expect(choices.last?["finish_reason"] as? String == wholeChoice?["finish_reason"] as? String)
            #expect(choices.contains { $0["logprobs"] is [String: Any] })
            if chat { #expect((choices.first?["delta"] as? [String: Any])?["role"] as? String == "assistant") }
        }
    }

    @Test("a streamed request that is refused gets a JSON 400, not an event stream")
    func streamRefused() async throws {
        try await withServer(OpenAIServer(backend: try tinyLocalBackend(), port: 0)) { url in
            let (status, json) = try await post(url, "/v1/completions", #"{"prompt":"x","stream":true,"max_tokens":999}"#)
            #expect(status == 400)
            #expect((json["error"] as? [String: Any])?["code"] as? String == "context_length_exceeded")
        }
    }
}

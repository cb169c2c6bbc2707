// An in-process OpenAI-compatible test server on 127.0.0.1 (random free port) that can be told
// to misbehave: 429 bursts with Retry-After, 500s, slow responses, dropped connections,
// malformed JSON, and ignoring `n`. Written on SwiftNIO's HTTP/1 server pipeline (which the
// client's AsyncHTTPClient already brings) rather than Hummingbird, because a dropped
// connection needs the raw channel.
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// What the server does with one request.
enum Fault: Sendable {
    /// Answer normally (echoing the request's seed in the text).
    case ok
    /// Answer with this status, optional `Retry-After`, and body.
    case status(Int, retryAfter: String?, body: String)
    /// Wait this many seconds, then answer normally.
    case delay(Double)
    /// Close the connection without answering.
    case drop
    /// Answer 200 with a body that is not JSON.
    case malformed
    /// Answer 200 with valid JSON that is not an OpenAI completion.
    case notOpenAI
    /// Answer 200 with the first half of a good body (a Content-Length that matches it).
    case truncatedJSON
    /// Announce the full Content-Length, send half the body, then close the connection.
    case truncatedBody
    /// Answer with this status and a body that echoes the request's Authorization header.
    case echoAuthorization(Int)
}

/// One request the server received.
struct ReceivedRequest: Sendable {
    var path: String
    /// The seed read exactly (JSONSerialization would round it through a Double).
    var seed: UInt64?
    var authorization: String?
    var json: [String: AnyJSON]
}

/// A minimal Sendable JSON value for inspecting requests in tests.
enum AnyJSON: Sendable, Equatable {
    case number(Double), string(String), bool(Bool), array([AnyJSON]), object([String: AnyJSON]), null

    init(_ any: Any) {
        switch any {
        case let b as Bool where type(of: any) == type(of: NSNumber(value: true)): self = .bool(b)
        case let n as NSNumber: self = .number(n.doubleValue)
        case let s as String: self = .string(s)
        case let a as [Any]: self = .array(a.map(AnyJSON.init))
        case let o as [String: Any]: self = .object(o.mapValues(AnyJSON.init))
        default: self = .null
        }
    }
    var number: Double? { if case .number(let n) = self { return n }; return nil }
    var string: String? { if case .string(let s) = self { return s }; return nil }
}

/// The server's script and log, shared by its connections.
final class FaultState: Sendable {
    private struct Inner {
        var script: [Fault] = []
        var fallback: Fault = .ok
        var received: [ReceivedRequest] = []
        var inFlight = 0
        var maxInFlight = 0
        var ignoreN = false
        var abandoned = 0
        var random: (rate: Double, faults: [Fault], state: UInt64)?
    }
    private let inner = Mutex(Inner())

    /// Faults applied to the next requests, in order; afterwards `fallback` applies.
    func setScript(_ faults: [Fault], fallback: Fault = .ok, ignoreN: Bool = false) {
        inner.withLock { $0.script = faults; $0.fallback = fallback; $0.ignoreN = ignoreN }
    }
    /// From now on each request gets, with probability `rate`, one of `faults` (drawn from a
    /// seeded generator, so a test's fault sequence is reproducible), else `.ok`.
    func setRandomFaults(rate: Double, faults: [Fault], seed: UInt64) {
        inner.withLock { $0.script = []; $0.fallback = .ok; $0.random = (rate, faults, seed) }
    }
    var received: [ReceivedRequest] { inner.withLock { $0.received } }
    var maxInFlight: Int { inner.withLock { $0.maxInFlight } }
    var ignoresN: Bool { inner.withLock { $0.ignoreN } }

    func begin(_ request: ReceivedRequest) -> Fault {
        inner.withLock { s in
            s.received.append(request)
            s.inFlight += 1
            s.maxInFlight = max(s.maxInFlight, s.inFlight)
            if !s.script.isEmpty { return s.script.removeFirst() }
            guard var random = s.random, !random.faults.isEmpty else { return s.fallback }
            func next() -> UInt64 {  // SplitMix64
                random.state &+= 0x9E37_79B9_7F4A_7C15
                var z = random.state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
            let draw = Double(next() >> 11) / Double(1 << 53)
            let pick = random.faults[Int(next() % UInt64(random.faults.count))]
            s.random = random
            return draw < random.rate ? pick : .ok
        }
    }
    func end() { inner.withLock { $0.inFlight -= 1 } }
    /// Requests whose connection the client closed before the answer was written.
    var abandoned: Int { inner.withLock { $0.abandoned } }
    func noteAbandoned() { inner.withLock { $0.abandoned += 1 } }
}

/// The running server.
final class FaultServer: Sendable {
    let state: FaultState
    let port: Int
    private let channel: any Channel

    private init(channel: any Channel, port: Int, state: FaultState) {
        self.channel = channel; self.port = port; self.state = state
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    static func start() async throws -> FaultServer {
        let state = FaultState()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(FaultHandler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FaultServer(channel: channel, port: channel.localAddress?.port ?? 0, state: state)
    }

    func stop() async { try? await channel.close() }
}

/// Handles one connection's requests according to the shared script.
private final class FaultHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let state: FaultState
    var head: HTTPRequestHead?
    var body = ByteBuffer()
    var pending = false

    init(state: FaultState) { self.state = state }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h; body.clear()
        case .body(var chunk): body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
            struct SeedOnly: Decodable { var seed: UInt64? }
            let seed = (try? JSONDecoder().decode(SeedOnly.self, from: Data(body.readableBytesView)))?.seed
            let request = ReceivedRequest(path: head.uri, seed: seed, authorization: head.headers.first(name: "Authorization"),
                                          json: object.mapValues(AnyJSON.init))
            let fault = state.begin(request)
            respond(context: context, fault: fault, request: request)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if pending { pending = false; state.end(); state.noteAbandoned() }
        context.fireChannelInactive()
    }

    private func respond(context: ChannelHandlerContext, fault: Fault, request: ReceivedRequest) {
        switch fault {
        case .ok: write(context: context, status: 200, retryAfter: nil, body: okBody(request))
        case .status(let code, let retryAfter, let text): write(context: context, status: code, retryAfter: retryAfter, body: text)
        case .malformed: write(context: context, status: 200, retryAfter: nil, body: "{\"choices\": [ this is not json")
        case .notOpenAI: write(context: context, status: 200, retryAfter: nil, body: #"{"object":"error","message":"busy"}"#)
        case .truncatedJSON:
            let full = okBody(request)
            write(context: context, status: 200, retryAfter: nil, body: String(full.prefix(full.count / 2)))
        case .truncatedBody:
            state.end()
            let full = okBody(request)
            let headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(full.utf8.count)")])
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: String(full.prefix(full.count / 2)))))),
                                  promise: nil)
            context.close(promise: nil)
        case .echoAuthorization(let code):
            let auth = request.authorization ?? "none"
            write(context: context, status: code, retryAfter: nil,
                  body: #"{"error":{"message":"bad header \#(auth); key=\#(auth.replacingOccurrences(of: "Bearer ", with: ""))"}}"#)
        case .drop:
            state.end()
            context.close(promise: nil)
        case .delay(let seconds):
            let loop = context.eventLoop.assumeIsolated()
            let body = okBody(request)
            pending = true
            loop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
                guard self.pending else { return }
                self.pending = false
                self.write(context: context, status: 200, retryAfter: nil, body: body)
            }
        }
    }

    private func write(context: ChannelHandlerContext, status: Int, retryAfter: String?, body: String) {
        state.end()
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(body.utf8.count)")])
        if let retryAfter { headers.add(name: "Retry-After", value: retryAfter) }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// A well-formed response whose text names the seed and prompt it was asked for.
    private func okBody(_ request: ReceivedRequest) -> String {
        let seed = request.seed.map(String.init) ?? "none"
        let n = state.ignoresN ? 1 : max(1, Int(request.json["n"]?.number ?? 1))
        let isChat = request.path.hasSuffix("chat/completions")
        let wantsLogprobs = request.json["logprobs"].map { $0 != .null && $0 != .bool(false) } ?? false
        let maxTokens = Int(request.json["max_tokens"]?.number ?? 16)
        let finish = maxTokens <= 3 ? "length" : "stop"
        var choices: [String] = []
        for i in 0..<n {
            let text = "seed=\(seed)"
            if isChat {
                let lp = wantsLogprobs ? #"{"content":[{"id":7,"token":"seed","logprob":-0.5,"bytes":null,"top_logprobs":[]},{"id":8,"token":"=","logprob":-1.25,"bytes":null,"top_logprobs":[]}]}"# : "null"
                choices.append(#"{"index":\#(i),"message":{"role":"assistant","content":"\#(text)"},"logprobs":\#(lp),"finish_reason":"\#(finish)"}"#)
            } else {
                let lp = wantsLogprobs ? #"{"tokens":["seed","="],"token_logprobs":[-0.5,-1.25],"top_logprobs":null,"text_offset":[0,4]}"# : "null"
                choices.append(#"{"index":\#(i),"text":"\#(text)","logprobs":\#(lp),"finish_reason":"\#(finish)"}"#)
            }
        }
        let object = isChat ? "chat.completion" : "text_completion"
        return #"{"id":"x","object":"\#(object)","created":0,"model":"m","choices":[\#(choices.joined(separator: ","))],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}"#
    }
}

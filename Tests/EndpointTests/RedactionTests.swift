// Secrets never reach what r1audit prints (issue 22): the redaction function itself, and a
// server that echoes the API key in 400/401/500 bodies, and a password in the endpoint URL.
import Foundation
import Synchronization
import Testing
@testable import Endpoint
import Inference

@Suite("Secret redaction")
struct RedactionTests {
    static let cases: [(String, [String], String)] = [
        ("key sk-abc123XYZ refused", ["sk-abc123XYZ"], "key [REDACTED] refused"),
        (#"{"auth":"Bearer sk-abc123XYZ"}"#, [], #"{"auth":"Bearer [REDACTED]"}"#),
        ("http://user:hunter22@host:8000/v1/completions: HTTP 500", [], "http://[REDACTED]@host:8000/v1/completions: HTTP 500"),
        ("https://hunter22@host/v1", [], "https://[REDACTED]@host/v1"),
        ("key=a%2Bb%2Fc1", ["a+b/c1"], "key=[REDACTED]"),
        ("no secret at all: http://host:8000/v1", ["sk-abc123XYZ"], "no secret at all: http://host:8000/v1"),
        ("a short key abc stays", ["abc"], "a short key abc stays"),
    ]

    @Test("redact removes keys, URL user-info and bearer tokens", arguments: cases)
    func redacts(_ text: String, _ secrets: [String], _ expected: String) {
        #expect(Redaction.redact(text, secrets: secrets) == expected)
    }

    @Test("a server echoing the API key in its error body never gets it printed", arguments: [400, 401, 500])
    func echoedKey(_ status: Int) async throws {
        let variable = "R1AUDIT_TEST_REDACTION_KEY_\(status)"
        let key = "sk-test-\(status)-SECRETVALUE"
        setenv(variable, key, 1)
        defer { unsetenv(variable) }
        let server = try await FaultServer.start()
        let lines = Mutex<[String]>([])
        let backend = try EndpointBackend(
            configuration: testConfiguration([server.url], maxRetries: 1, apiKeyVariable: variable),
            progress: { u in lines.withLock { $0.append(u.detail) } })
        server.state.setScript([], fallback: .echoAuthorization(status))
        var message = ""
        do { _ = try await backend.completeAll(sampleRequests(1)) } catch { message = error.localizedDescription }
        try await backend.shutdown(); await server.stop()
        #expect(server.state.received.first?.authorization == "Bearer \(key)")  // the key was sent…
        #expect(message.contains("HTTP \(status)"))
        #expect(message.contains(Redaction.mask))  // …and its echo was masked
        let printed = ([message] + lines.withLock { $0 }).joined(separator: "\n")
        #expect(!printed.contains("SECRETVALUE"))
    }

    @Test("a password in the endpoint URL appears in no retry line or error")
    func urlPassword() async throws {
        let server = try await FaultServer.start()
        let lines = Mutex<[String]>([])
        let url = try #require(URL(string: "http://alice:hunter22pw@127.0.0.1:\(server.port)"))
        let backend = try EndpointBackend(configuration: testConfiguration([url], maxRetries: 2),
                                          progress: { u in lines.withLock { $0.append(u.detail) } })
        server.state.setScript([], fallback: .status(500, retryAfter: nil, body: "boom"))
        var message = ""
        do { _ = try await backend.completeAll(sampleRequests(1)) } catch { message = error.localizedDescription }
        try await backend.shutdown(); await server.stop()
        let retryLines = lines.withLock { $0 }
        #expect(retryLines.count == 2)
        #expect(message.contains("127.0.0.1:\(server.port)"))
        for text in retryLines + [message] {
            #expect(!text.contains("hunter22pw"), "\(text)")
            #expect(!text.contains("alice"), "\(text)")
        }
    }
}

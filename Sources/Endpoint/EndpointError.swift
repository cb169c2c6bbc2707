// The Endpoint module's one error type (ARCHITECTURE-GUIDE rule 5): every case names the URL,
// the HTTP status or field, and an excerpt of what came back, and says what to do.
import Foundation

/// Everything that can go wrong talking to an OpenAI-compatible server.
public enum EndpointError: Error, Sendable, Equatable, LocalizedError {
    /// A configuration field is out of range.
    case invalidConfiguration(field: String, reason: String)
    /// A base URL that is not http(s)://host[:port][/v1].
    case invalidURL(String)
    /// The named API-key environment variable is unset or empty.
    case missingAPIKey(variable: String)
    /// A non-retryable HTTP status (400, 401, 404, …) with an excerpt of the body.
    case httpStatus(url: String, status: Int, body: String)
    /// A 2xx response whose body is not the OpenAI JSON expected.
    case malformedResponse(url: String, reason: String, body: String)
    /// The server returned a different number of choices than requested.
    case choiceCountMismatch(url: String, expected: Int, received: Int)
    /// Every attempt failed with a transient error; `lastFailure` says how the last one failed.
    case retriesExhausted(url: String, attempts: Int, lastFailure: String)

    public var errorDescription: String? {
        switch self {
        case .invalidConfiguration(let field, let reason):
            return "Endpoint configuration: \(field): \(reason)."
        case .invalidURL(let url):
            return "Endpoint URL '\(url)' is not usable: give http(s)://HOST:PORT (optionally ending in /v1)."
        case .missingAPIKey(let variable):
            return "The API key variable \(variable) is unset or empty: export \(variable)=... before running, or drop --api-key-env."
        case .httpStatus(let url, let status, let body):
            return "\(url) answered HTTP \(status): \(body) — check the model name, the URL path and the request options; this status is not retried."
        case .malformedResponse(let url, let reason, let body):
            return "\(url) returned a response that is not OpenAI-compatible JSON (\(reason)): \(body) — is this URL an OpenAI-compatible server?"
        case .choiceCountMismatch(let url, let expected, let received):
            return "\(url) returned \(received) choices where \(expected) were requested: the server ignores `n`; send one request per sample."
        case .retriesExhausted(let url, let attempts, let lastFailure):
            return "\(url) failed \(attempts) attempts in a row; last: \(lastFailure). Check that the server is up and not overloaded, or raise --max-retries / --timeout."
        }
    }

    /// The first 300 characters of a body, for error messages.
    static func excerpt(_ bytes: some Collection<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(1200), as: UTF8.self)
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > 300 ? String(flat.prefix(300)) + "…" : flat
    }
}

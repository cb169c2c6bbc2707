// The Endpoint module's one error type (ARCHITECTURE-GUIDE rule 5): every case names the URL,
// the HTTP status or field, and an excerpt of what came back, and says what to do.
import Foundation

/// Everything that can go wrong talking to an OpenAI-compatible server.
public enum EndpointError: Error, Sendable, Equatable, LocalizedError {
    /// A configuration field is out of range.
    case invalidConfiguration(field: String, reason: String)
    /// A base URL that is not http(s)://host[:port][/v1].
    case invalidURL(String)
    /// HTTP 401/403: the key was missing or refused. `variable` names the key's environment
    /// variable and whether it was set.
    case unauthorized(url: String, status: Int, variable: String?, keySent: Bool, body: String)
    /// A non-retryable HTTP status (400, 401, 404, …) with an excerpt of the body.
    case httpStatus(url: String, status: Int, body: String)
    /// A 2xx response whose body is not the OpenAI JSON expected, on every attempt of the retry budget.
    case malformedResponse(url: String, reason: String, body: String)
    /// Every attempt failed with a transient error; `lastFailure` says how the last one failed.
    case retriesExhausted(url: String, attempts: Int, lastFailure: String)

    public var errorDescription: String? {
        switch self {
        case .invalidConfiguration(let field, let reason):
            return "Endpoint configuration: \(field): \(reason)."
        case .invalidURL(let url):
            return "Endpoint URL '\(url)' is not usable: give http(s)://HOST:PORT (optionally ending in /v1)."
        case .unauthorized(let url, let status, let variable, let keySent, let body):
            let hint: String
            switch (variable, keySent) {
            case (nil, _): hint = "the server wants an API key: name its environment variable with --api-key-env"
            case (let v?, false): hint = "no key was sent because \(v) is unset or empty: export \(v)=..."
            case (let v?, true): hint = "the key in \(v) was refused: check it"
            }
            return "\(url) answered HTTP \(status): \(body) — \(hint)."
        case .httpStatus(let url, let status, let body):
            return "\(url) answered HTTP \(status): \(body) — check the model name, the URL path and the request options; this status is not retried."
        case .malformedResponse(let url, let reason, let body):
            return "\(url) returned a response that is not OpenAI-compatible JSON (\(reason)): \(body) — every retry ended the same way; is this URL an OpenAI-compatible server?"
        case .retriesExhausted(let url, let attempts, let lastFailure):
            return "\(url) failed \(attempts) attempts in a row; last: \(lastFailure). Check that the server is up and not overloaded, then run the command again: the samples stored so far are kept and resumed."
        }
    }

    /// The first 300 characters of a body, for error messages.
    static func excerpt(_ bytes: some Collection<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(1200), as: UTF8.self)
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > 300 ? String(flat.prefix(300)) + "…" : flat
    }
}

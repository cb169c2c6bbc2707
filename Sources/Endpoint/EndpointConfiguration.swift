// How to reach one OpenAI-compatible server (or several replicas of it): the knobs of
// issue 2's "Endpoint backend" (concurrency, per-request timeout, jittered exponential
// backoff honouring Retry-After), named after the OpenAI/vLLM/llama.cpp server options.
import Foundation

/// Everything `EndpointBackend` needs to talk to one or more OpenAI-compatible servers.
///
/// The API key is never stored here: only the *name* of the environment variable that holds
/// it, read when each request is sent, so it cannot end up in a run store or report.
public struct EndpointConfiguration: Sendable, Hashable {
    /// Base URLs of the servers, e.g. `http://127.0.0.1:8080` or `http://host:8000/v1`.
    /// Several URLs spread the load (least busy first, ties round-robin): vLLM replicas.
    public var urls: [URL]
    /// The `model` field sent with every request (vLLM checks it; llama.cpp ignores it).
    public var model: String
    /// Name of the environment variable holding the API key (sent as `Authorization: Bearer`).
    /// nil, or a variable that is unset or empty, sends no key (local servers need none); a
    /// 401/403 then names the variable.
    public var apiKeyEnvironmentVariable: String?
    /// Most requests in flight at once, across all URLs and all `complete` calls.
    public var concurrency: Int
    /// Seconds one HTTP attempt may take, from send to the last byte of the response.
    public var timeout: Double
    /// Retries after the first attempt on 408/429/5xx, timeouts and dropped connections.
    public var maxRetries: Int
    /// First backoff delay in seconds; it doubles with each retry (with jitter) up to `backoffCap`.
    public var backoffBase: Double
    /// Largest backoff delay in seconds (a `Retry-After` header may ask for longer, up to `maxRetryAfter`).
    public var backoffCap: Double
    /// Longest `Retry-After` the client honours, in seconds; longer requests are cut to this.
    public var maxRetryAfter: Double
    /// Whether the server honours `n` > 1. The client sends one HTTP request per
    /// `CompletionRequest` (each carries its own seed), so it never depends on `n`; this
    /// records what `EndpointBackend.probeSupportsN()` found, or what the user knows.
    public var supportsN: Bool?
    /// Largest response body accepted, in bytes.
    public var maxResponseBytes: Int

    /// A configuration with the defaults documented in docs/ENDPOINTS.md.
    public init(urls: [URL], model: String, apiKeyEnvironmentVariable: String? = nil,
                concurrency: Int = 8, timeout: Double = 600, maxRetries: Int = 5,
                backoffBase: Double = 0.5, backoffCap: Double = 30, maxRetryAfter: Double = 120,
                supportsN: Bool? = nil, maxResponseBytes: Int = 64 << 20) {
        self.urls = urls; self.model = model; self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
        self.concurrency = concurrency; self.timeout = timeout; self.maxRetries = maxRetries
        self.backoffBase = backoffBase; self.backoffCap = backoffCap; self.maxRetryAfter = maxRetryAfter
        self.supportsN = supportsN; self.maxResponseBytes = maxResponseBytes
    }

    /// Checks every field; the error names the field and the value received.
    public func validate() throws(EndpointError) {
        if urls.isEmpty { throw .invalidConfiguration(field: "urls", reason: "give at least one --endpoint URL") }
        for url in urls {
            guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  let host = url.host, !host.isEmpty else {
                throw .invalidURL(url.absoluteString)
            }
        }
        if model.isEmpty { throw .invalidConfiguration(field: "model", reason: "give the served model's name (--model-name)") }
        if concurrency < 1 { throw .invalidConfiguration(field: "concurrency", reason: "got \(concurrency); use 1 or more") }
        if !(timeout > 0) { throw .invalidConfiguration(field: "timeout", reason: "got \(timeout); use seconds > 0") }
        if maxRetries < 0 { throw .invalidConfiguration(field: "maxRetries", reason: "got \(maxRetries); use 0 or more") }
        if !(backoffBase >= 0) || !(backoffCap >= backoffBase) {
            throw .invalidConfiguration(field: "backoff", reason: "base \(backoffBase)s, cap \(backoffCap)s; need 0 ≤ base ≤ cap")
        }
        if !(maxRetryAfter >= 0) { throw .invalidConfiguration(field: "maxRetryAfter", reason: "got \(maxRetryAfter); use seconds ≥ 0") }
        if maxResponseBytes < 1024 { throw .invalidConfiguration(field: "maxResponseBytes", reason: "got \(maxResponseBytes); use at least 1024") }
    }
}

extension URL {
    /// The full URL of an OpenAI route (`completions`, `chat/completions`, `models`) under a base
    /// URL that may or may not already end in `/v1`.
    func openAIRoute(_ route: String) -> String {
        var base = absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        if !base.hasSuffix("/v1") { base += "/v1" }
        return base + "/" + route
    }
}

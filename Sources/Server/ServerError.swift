// The Server module's one error type (ARCHITECTURE-GUIDE rule 5). Request errors become
// OpenAI-shaped JSON errors (`{"error": {"message", "type", "param", "code"}}`), as OpenAI's
// API and vLLM return them, so clients show the message.
import Foundation

/// Everything `OpenAIServer` can refuse or fail at.
public enum ServerError: Error, Sendable, Equatable, LocalizedError {
    /// The request body is not valid for the route; `param` names the field.
    case invalidRequest(message: String, param: String?)
    /// The backend failed to produce a completion.
    case backendFailed(String)
    /// The backend's stream ended without a completion for one request.
    case missingCompletion(index: Int)
    /// The request names a model this server does not serve (404 `model_not_found`, as OpenAI answers).
    case modelNotFound(requested: String, served: String)
    /// No route for this method and path (404 with a JSON body, as OpenAI answers).
    case routeNotFound(method: String, path: String)
    /// Prompt + max_tokens do not fit the model's context (400 `context_length_exceeded`, as vLLM and OpenAI answer).
    case contextLengthExceeded(context: Int, promptTokens: Int, maxTokens: Int?, param: String)
    /// The request was cancelled (its client went away, or the server is shutting down).
    case cancelled
    /// The server could not start listening.
    case cannotListen(host: String, port: Int, reason: String)

    public var errorDescription: String? {
        switch self {
        case .invalidRequest(let message, let param):
            return param.map { "\($0): \(message)" } ?? message
        case .modelNotFound(let requested, let served):
            return "The model '\(requested)' does not exist on this server; it serves '\(served)' (see GET /v1/models)."
        case .routeNotFound(let method, let path):
            return "No route \(method) \(path); this server answers POST /v1/completions, POST /v1/chat/completions, "
                + "GET /v1/models, GET /v1/models/{id} and GET /health."
        case .contextLengthExceeded(let context, let prompt, let maxTokens, _):
            if let maxTokens {
                return "This model's maximum context length is \(context) tokens. However, you requested \(prompt + maxTokens) tokens "
                    + "(\(prompt) in the prompt, \(maxTokens) in the completion). Please reduce the length of the prompt or max_tokens."
            }
            return "This model's maximum context length is \(context) tokens, but the prompt has \(prompt) tokens. Please shorten it."
        case .cancelled:
            return "The request was cancelled (the client disconnected or the server is shutting down)."
        case .backendFailed(let message):
            return "The model backend failed: \(message)"
        case .missingCompletion(let index):
            return "The model backend returned no completion for request \(index); this is a backend bug, please report it."
        case .cannotListen(let host, let port, let reason):
            return "Cannot listen on \(host):\(port) (\(reason)): is another server using that port? Pick another with --port."
        }
    }

    /// The HTTP status this error is answered with.
    var httpStatus: Int {
        switch self {
        case .invalidRequest, .contextLengthExceeded: return 400
        case .cancelled: return 503
        case .modelNotFound, .routeNotFound: return 404
        case .backendFailed, .missingCompletion, .cannotListen: return 500
        }
    }

    /// OpenAI's error `type` string.
    var openAIType: String {
        switch self {
        case .invalidRequest, .modelNotFound, .routeNotFound, .contextLengthExceeded: return "invalid_request_error"
        default: return "server_error"
        }
    }

    /// OpenAI's error `code` string, when it has one.
    var openAICode: String? {
        switch self {
        case .modelNotFound: return "model_not_found"
        case .routeNotFound: return "not_found"
        case .contextLengthExceeded: return "context_length_exceeded"
        default: return nil
        }
    }
}

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
    /// The server could not start listening.
    case cannotListen(host: String, port: Int, reason: String)

    public var errorDescription: String? {
        switch self {
        case .invalidRequest(let message, let param):
            return param.map { "\($0): \(message)" } ?? message
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
        case .invalidRequest: return 400
        case .backendFailed, .missingCompletion, .cannotListen: return 500
        }
    }

    /// OpenAI's error `type` string.
    var openAIType: String {
        switch self {
        case .invalidRequest: return "invalid_request_error"
        default: return "server_error"
        }
    }
}

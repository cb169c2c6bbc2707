// The Prompts module's one error type (style rule 5: name the file or line and say what to do).
import Foundation

/// Everything that can go wrong while reading a prompt template.
public enum PromptError: Error, Sendable, Equatable, LocalizedError {
    case fileNotFound(path: String)
    case unreadable(path: String)
    case notUTF8(path: String)
    case missingSeparator(origin: String)
    case badHeader(origin: String, line: Int, reason: String)
    case missingQuestionSlot(origin: String)
    case unknownTemplate(name: String, known: [String])

    public var errorDescription: String? {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such template file. Pass a template name (r1, qwen-math, none) or an existing file."
        case .unreadable(let path):
            return "\(path): the template file cannot be read; check its permissions."
        case .notUTF8(let path):
            return "\(path): the template is not UTF-8 text; re-encode it as UTF-8."
        case .missingSeparator(let origin):
            return "\(origin): no `---` line ending the header. A template starts with `name: …`, `stop: […]`, `extraction: boxed|answer-tag`, then `---`, then the body."
        case .badHeader(let origin, let line, let reason):
            return "\(origin):\(line): bad template header: \(reason)."
        case .missingQuestionSlot(let origin):
            return "\(origin): the template body has no {question} placeholder, so every prompt would be the same. Add {question} where the problem goes."
        case .unknownTemplate(let name, let known):
            return "unknown template \"\(name)\" (known: \(known.joined(separator: ", "))). Pass one of these, or a path to a template file."
        }
    }
}

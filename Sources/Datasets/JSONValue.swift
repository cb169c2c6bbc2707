// A minimal JSON value for reading dataset lines whose fields may be strings, numbers or lists
// (answers such as 18 or "18" or ["0.01", "0.02"]). Decoding follows RFC 8259 via JSONDecoder.
import Foundation

/// Any JSON value of one dataset line.
enum JSONValue: Decodable, Sendable, Hashable {
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// The value as answer text: strings as they are, numbers printed without a spurious ".0".
    var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .number(let d):
            if d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
            return String(d)
        case .bool(let b): return b ? "true" : "false"
        case .array, .object, .null: return nil
        }
    }
}

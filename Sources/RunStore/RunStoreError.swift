// The RunStore module's one error type (style rule 5: name the file and say what to do).
import Foundation

/// Everything that can go wrong with a run's SQLite store.
public enum RunStoreError: Error, Sendable, Equatable, LocalizedError {
    /// The file is not an SQLite database (or its header is damaged).
    case corrupt(path: String, reason: String)
    /// An SQLite database, but not an r1audit run store.
    case foreignDatabase(path: String, applicationID: Int32)
    /// An r1audit store written by another schema version.
    case versionMismatch(path: String, found: Int, expected: Int)
    /// The file exists and `create` was false, or it does not exist and must.
    case missing(path: String)
    /// An SQLite error while reading or writing.
    case database(path: String, operation: String, message: String)
    /// A stored JSON value that does not decode.
    case badStoredValue(path: String, table: String, key: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .corrupt(let path, let reason):
            return "\(path): not a readable r1audit run store (\(reason)). It was left untouched; move it away or choose another --run name."
        case .foreignDatabase(let path, let id):
            return "\(path): an SQLite file that r1audit did not create (application_id \(id)). It was left untouched; choose another --run name."
        case .versionMismatch(let path, let found, let expected):
            return "\(path): run store schema version \(found), but this r1audit reads version \(expected). It was left untouched; use the r1audit that wrote it, or start a new --run."
        case .missing(let path):
            return "\(path): no such run store. Run `r1audit sample --run NAME` first, or check --run and --runs-dir."
        case .database(let path, let operation, let message):
            return "\(path): \(operation) failed: \(message)."
        case .badStoredValue(let path, let table, let key, let reason):
            return "\(path): table \(table), key \(key): the stored value does not decode (\(reason))."
        }
    }
}

// One question of a dataset and the Datasets module's error type.
// Follows the JSONL layout of ../shared/datasets (fields id, problem, answer, sometimes answers)
// and the style guide's rule 5 (one typed error enum whose messages say what to do).
import Foundation

/// One question: a stable id, the problem text, and every accepted gold answer.
public struct Question: Sendable, Codable, Hashable {
    /// The `id` field of the line, else `q-` and a hash of the problem text (stable across runs).
    public var id: String
    /// The problem statement, inserted into a prompt template's `{question}`.
    public var problem: String
    /// Accepted answers: one from `answer`, several from an `answers` list. Never empty.
    public var golds: [String]

    public init(id: String, problem: String, golds: [String]) {
        self.id = id; self.problem = problem; self.golds = golds
    }

    /// The id a question without an `id` field gets: `q-` and the 64-bit FNV-1a of its text in hex.
    public static func stableID(forText text: String) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01B3 }
        let hex = String(h, radix: 16)
        return "q-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Everything that can go wrong while reading questions.
public enum DatasetError: Error, Sendable, Equatable, LocalizedError {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case emptyFile(path: String)
    case notUTF8(path: String, line: Int)
    case malformedLine(path: String, line: Int, reason: String)
    case missingKey(path: String, line: Int, key: String, available: [String])
    case badValue(path: String, line: Int, key: String, reason: String)
    case duplicateID(path: String, line: Int, id: String, firstLine: Int)
    case noQuestions(path: String, skipped: Int)
    case invalidCount(name: String, value: Int)
    case unknownDataset(name: String, searched: String, known: [String])

    public var errorDescription: String? {
        switch self {
        case .fileNotFound(let path):
            return "\(quoted(path, 300)): no such dataset file. Pass a JSONL file, `builtin`, or a suite name (aime24, amc23, math500, minerva, olympiadbench)."
        case .unreadable(let path, let reason):
            return "\(quoted(path, 300)): cannot be read (\(quoted(reason, 300))). Check the path and its permissions."
        case .emptyFile(let path):
            return "\(quoted(path, 300)): the file is empty. A dataset is JSONL: one JSON object per line with a problem and an answer."
        case .notUTF8(let path, let line):
            return "\(quoted(path, 300)):\(line): the line is not valid UTF-8. Re-encode the file as UTF-8 (e.g. `iconv -t UTF-8`)."
        case .malformedLine(let path, let line, let reason):
            return "\(quoted(path, 300)):\(line): not a JSON object (\(quoted(reason, 300))). Fix the line (sampling and analysis commands can skip and count such lines with --skip-bad-lines)."
        case .missingKey(let path, let line, let key, let available):
            return "\(quoted(path, 300)):\(line): no key \"\(quoted(key))\" (the line has: \(quoted(available.joined(separator: ", "), 300))). Choose the field with --input-key / --answer-key."
        case .badValue(let path, let line, let key, let reason):
            return "\(quoted(path, 300)):\(line): key \"\(quoted(key))\" \(quoted(reason, 300)). Fix the line (sampling and analysis commands can skip such lines with --skip-bad-lines)."
        case .duplicateID(let path, let line, let id, let firstLine):
            return "\(quoted(path, 300)):\(line): id \"\(quoted(id))\" already used on line \(firstLine). Question ids must be unique; remove the duplicate."
        case .noQuestions(let path, let skipped):
            return "\(quoted(path, 300)): no usable question (\(skipped) line(s) skipped as bad). Check --input-key and --answer-key."
        case .invalidCount(let name, let value):
            return "\(quoted(name)) must be at least 1 (got \(value))."
        case .unknownDataset(let name, let searched, let known):
            let list = known.isEmpty ? "none found" : known.joined(separator: ", ")
            return "unknown dataset \"\(quoted(name))\": not a file, not `builtin`, and not in \(quoted(searched, 300)) (available: \(list)). Set R1AUDIT_DATASETS to the folder holding the suite's .jsonl files."
        }
    }
}

/// Text from a dataset file made safe to print: control, bidi and zero-width characters escaped
/// (`\n`, `\u{1B}`), cut after `limit` characters with "…". Datasets depends on nothing, so this is
/// its own copy of `Checkpoints.UntrustedText.excerpt`.
func quoted(_ text: some StringProtocol, _ limit: Int = 80) -> String {
    var out = String.UnicodeScalarView()
    var used = 0
    for s in text.unicodeScalars {
        let piece: String.UnicodeScalarView
        switch s.value {
        case 0x0A: piece = "\\n".unicodeScalars
        case 0x0D: piece = "\\r".unicodeScalars
        case 0x09: piece = "\\t".unicodeScalars
        case 0x00...0x1F, 0x7F...0x9F, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF, 0xFFF9...0xFFFB:
            piece = "\\u{\(String(s.value, radix: 16, uppercase: true))}".unicodeScalars
        default: piece = String.UnicodeScalarView([s])
        }
        guard used + piece.count <= limit else { out.append("…"); return String(out) }
        out.append(contentsOf: piece)
        used += piece.count
    }
    return String(out)
}

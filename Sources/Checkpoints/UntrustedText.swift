// Quoting text read from untrusted files (GGUF keys and strings, tensor names, JSON values) in error
// messages: control characters never reach the terminal and a corrupted length cannot put megabytes
// into one line. Tokenizers and Models reuse it; Datasets (no dependencies) has its own copy.

/// Untrusted text made safe to print.
public enum UntrustedText {
    /// The default excerpt length in characters (Unicode scalars), before the "…".
    public static let defaultLimit = 80

    /// `text` with C0/C1 controls, DEL and bidi/zero-width format characters escaped (`\n`, `\u{1B}`),
    /// cut after `limit` output characters with a trailing "…". Reads at most about `limit` scalars of
    /// `text`, so it is cheap on a string of any size.
    public static func excerpt(_ text: some StringProtocol, limit: Int = defaultLimit) -> String {
        var out = String.UnicodeScalarView()
        var used = 0
        for s in text.unicodeScalars {
            let piece = escaped(s)
            guard used + piece.count <= limit else { out.append("…"); return String(out) }
            out.append(contentsOf: piece)
            used += piece.count
        }
        return String(out)
    }

    /// Whether `s` must be escaped before printing.
    public static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF, 0xFFF9...0xFFFB: return true
        default: return false
        }
    }

    private static func escaped(_ s: Unicode.Scalar) -> String.UnicodeScalarView {
        guard needsEscape(s) else { return String.UnicodeScalarView([s]) }
        switch s {
        case "\n": return "\\n".unicodeScalars
        case "\r": return "\\r".unicodeScalars
        case "\t": return "\\t".unicodeScalars
        default: return "\\u{\(String(s.value, radix: 16, uppercase: true))}".unicodeScalars
        }
    }
}

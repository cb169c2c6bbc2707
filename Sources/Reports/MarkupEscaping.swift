// Escaping for untrusted text (model output, dataset text, run names) in HTML, SVG and Markdown.
// HTML/SVG follow the OWASP rule for text and quoted attributes (& < > " '), as swift-mustache's
// `htmlEscape` does; control characters that XML 1.0 forbids are replaced so the output stays
// well-formed. Markdown follows CommonMark's backslash escapes and its fenced-code rule (a fence
// longer than any backtick run inside).

/// Escaping helpers for the three output formats.
public enum MarkupEscaping {
    /// Replaces characters XML 1.0 forbids (C0 controls other than tab, newline and carriage
    /// return; U+FFFE/U+FFFF) with U+FFFD, so any model output can sit in an XHTML-valid page.
    public static func removingForbiddenControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isForbidden) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars { out.append(isForbidden(s) ? "\u{FFFD}" : s) }
        return String(out)
    }

    private static func isForbidden(_ s: Unicode.Scalar) -> Bool {
        (s.value < 0x20 && s != "\t" && s != "\n" && s != "\r") || s.value == 0xFFFE || s.value == 0xFFFF
            || (s.value >= 0x7F && s.value <= 0x9F && s.value != 0x85)
    }

    /// Shows the invisible bidi and zero-width controls (issue 22) as a visible tag, e.g.
    /// U+202E RIGHT-TO-LEFT OVERRIDE as `⟨U+202E⟩`, so text cannot display differently than it
    /// is stored (Trojan Source, CVE-2021-42574). Covered: U+061C, U+200B–U+200F, U+202A–U+202E,
    /// U+2060–U+2064, U+2066–U+2069 and U+FEFF. (Emoji joined with U+200D then show the tag too.)
    public static func revealingInvisibleControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isInvisibleControl) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if isInvisibleControl(s) {
                let hex = String(s.value, radix: 16, uppercase: true)
                let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                out.append(contentsOf: "⟨U+\(padded)⟩".unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    static func isInvisibleControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x061C, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF: return true
        default: return false
        }
    }

    /// Escapes text for HTML or SVG content and quoted attribute values; forbidden controls
    /// become U+FFFD and bidi/zero-width controls a visible `⟨U+XXXX⟩`.
    public static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in removingForbiddenControls(revealingInvisibleControls(text)) {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// Characters CommonMark lets a backslash escape and that change meaning inline.
    private static let markdownSpecials: Set<Character> = ["\\", "`", "*", "_", "[", "]", "{", "}", "#", "|", "!", "~", "$"]

    /// Escapes text for one line of Markdown prose: specials get a backslash, `<`, `>` and `&`
    /// become entities (so no raw HTML reaches a Markdown viewer), newlines become spaces.
    public static func markdownInline(_ text: String) -> String {
        var out = ""
        for ch in removingForbiddenControls(revealingInvisibleControls(text)) {
            switch ch {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\r\n": out += " "
            default:
                if markdownSpecials.contains(ch) { out.append("\\") }
                out.append(ch)
            }
        }
        return out
    }

    /// A fenced code block holding `text` verbatim: the fence is one backtick longer than the
    /// longest backtick run inside, so the text cannot close it early.
    public static func markdownFenced(_ text: String) -> String {
        var longest = 0, run = 0
        for ch in text {
            if ch == "`" { run += 1; longest = max(longest, run) } else { run = 0 }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let body = removingForbiddenControls(revealingInvisibleControls(text))
        return fence + "text\n" + body + (body.hasSuffix("\n") ? "" : "\n") + fence
    }
}

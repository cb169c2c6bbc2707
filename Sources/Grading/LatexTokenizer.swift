// LaTeX answer normalisation and tokenisation, following Math-Verify's `latex2sympy2_extended`
// normalisation steps and the MATH `strip_string` helper (Hendrycks et al. 2021): `\dfrac`/`\tfrac`,
// `\left`/`\right`, spacing commands, `\text{}` units, `^\circ`, `\%`, `\$`, thousands separators,
// a trailing period. The tokens feed `MathParser`.
import Foundation

/// One lexical unit of a normalised LaTeX answer.
enum MathToken: Equatable, Sendable {
    /// A number literal as written (`12`, `0.5`, `4.5e33`).
    case number(String)
    /// One Latin letter (implicit products split words into letters, as Math-Verify does).
    case letter(Character)
    /// A command name without its backslash (`frac`, `pi`, `le`).
    case command(String)
    /// The content of `\text{…}`/`\mbox{…}`, trimmed.
    case text(String)
    /// A single punctuation or operator character (`+ - * / ^ _ ( ) [ ] { } , = < > | ! ' % & ;`).
    case symbol(Character)
    /// `\{` (a set opens).
    case setOpen
    /// `\}` (a set closes).
    case setClose
    /// `\\` (a matrix row ends).
    case rowBreak
}

/// Rewrites answers into a canonical LaTeX spelling and splits them into tokens.
enum LatexTokenizer {
    /// Commands dropped with no replacement (sizes, spacing, display styles).
    static let droppedCommands: Set<String> = [
        "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
        "displaystyle", "textstyle", "quad", "qquad", "limits", "nolimits", "mathstrut", "strut",
        "circ", "degree", "$", "!", ",", ";", ":", " ", "dollar", "hfill", "middle",
    ]
    /// Commands whose braced argument is kept as ordinary math (font changes).
    static let unwrappedCommands: Set<String> = [
        "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "boldsymbol", "bm", "mathnormal", "operatorname", "mathbb", "mathcal",
    ]
    /// Commands whose braced argument is prose (`\text{ cm}`).
    static let textCommands: Set<String> = ["text", "mbox", "textrm", "textnormal", "textit", "textbf", "textup", "hbox", "textsf"]

    /// Tokenises `source`; returns nil when it holds more than `maximumTokens` tokens.
    static func tokenize(_ source: String, maximumTokens: Int = 4000) -> [MathToken]? {
        let s = Array(source.unicodeScalars)
        var out: [MathToken] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if out.count > maximumTokens { return nil }
            let c = s[i]
            switch c {
            case " ", "\t", "\n", "\r", "~", "$":
                i += 1
            case "0"..."9", ".":
                // A number: digits, one decimal point, and an exponent `e±dd` when digits follow.
                if c == ".", !(i + 1 < s.count && isDigit(s[i + 1])) { i += 1; continue }  // trailing period
                var j = i, seenDot = false
                while j < s.count, isDigit(s[j]) || (s[j] == "." && !seenDot && j + 1 < s.count && isDigit(s[j + 1])) {
                    if s[j] == "." { seenDot = true }
                    j += 1
                }
                if j < s.count, s[j] == "e" || s[j] == "E" {
                    var k = j + 1
                    if k < s.count, s[k] == "-" || s[k] == "+" { k += 1 }
                    if k < s.count, isDigit(s[k]), !(k + 1 < s.count && isLetter(s[k + 1])) {
                        while k < s.count, isDigit(s[k]) { k += 1 }
                        j = k
                    }
                }
                out.append(.number(ascii(s, i..<j)))
                i = j
            case "\\":
                guard i + 1 < s.count else { i += 1; continue }
                let n = s[i + 1]
                if n == "{" { out.append(.setOpen); i += 2; continue }
                if n == "}" { out.append(.setClose); i += 2; continue }
                if n == "\\" { out.append(.rowBreak); i += 2; continue }
                if n == "%" { out.append(.symbol("%")); i += 2; continue }
                if n == "|" { out.append(.symbol("|")); i += 2; continue }
                if !isLetter(n) { i += 2; continue }  // `\,`, `\!`, `\;`, `\$`, `\ `: spacing and currency
                var j = i + 1
                while j < s.count, isLetter(s[j]) { j += 1 }
                var name = ascii(s, (i + 1)..<j)
                i = j
                if name == "dfrac" || name == "tfrac" || name == "cfrac" { name = "frac" }
                if name == "dbinom" || name == "tbinom" { name = "binom" }
                if droppedCommands.contains(name) { continue }
                if textCommands.contains(name) || unwrappedCommands.contains(name) {
                    while i < s.count, s[i] == " " { i += 1 }
                    guard i < s.count, s[i] == "{", let close = matchingBrace(s, open: i) else { continue }
                    let inner = String(String.UnicodeScalarView(s[(i + 1)..<close]))
                    i = close + 1
                    if textCommands.contains(name) {
                        out.append(.text(ByteText.trim(inner)))
                    } else {
                        guard let innerTokens = tokenize(inner, maximumTokens: maximumTokens - out.count) else { return nil }
                        out += innerTokens
                    }
                    continue
                }
                out.append(.command(name))
            case "°":
                i += 1
            case "π": out.append(.command("pi")); i += 1
            case "∞": out.append(.command("infty")); i += 1
            case "−", "–": out.append(.symbol("-")); i += 1
            case "×", "·": out.append(.command("times")); i += 1
            case "≤": out.append(.command("le")); i += 1
            case "≥": out.append(.command("ge")); i += 1
            case "√": out.append(.command("sqrt")); i += 1
            case "±": out.append(.command("pm")); i += 1
            default:
                if isLetter(c) {
                    out.append(.letter(Character(c)))
                } else if "+-*/^_()[]{},=<>|!'%&;:".unicodeScalars.contains(c) {
                    out.append(.symbol(Character(c)))
                } else if c.properties.isAlphabetic {
                    out.append(.letter(Character(c)))
                }
                i += 1
            }
        }
        return out
    }

    /// The index of the `}` closing the `{` at `open` (escaped braces skipped), or nil.
    static func matchingBrace(_ s: [Unicode.Scalar], open: Int) -> Int? {
        var depth = 0, i = open
        while i < s.count {
            switch s[i] {
            case "\\": i += 1
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return nil
    }

    /// An ASCII-only slice (digits, letters) as a String, without going through UnicodeScalarView.
    static func ascii(_ s: [Unicode.Scalar], _ r: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: r.count) { buf in
            for (k, i) in r.enumerated() { buf[k] = UInt8(truncatingIfNeeded: s[i].value) }
            return r.count
        }
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    static func isLetter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }

    /// Whole-answer rewrites that are easier on the string than on tokens: thousands separators
    /// (`10,\!080` → `10080`, only when the whole answer is one such number), `\$`, trailing periods.
    /// Spacing, currency, `{,}` and degree marks (`90^\\circ` is 90, as in Math-Verify).
    static let wholeAnswerRewrites = ByteText.Rewriter([
        ("^{\\circ}", ""), ("^\\circ", ""), ("^{ \\circ }", ""), ("^{\\circ }", ""), ("^{\\degree}", ""),
        ("\\circ", ""), ("\\degree", ""), ("°", ""),
        (",\\! ", ","), ("\\!", ""), ("\\,", ""), ("\\;", ""), ("\\$", ""), ("$", ""), ("{,}", ","),
        (" per cent", " percent"),
    ])

    static func normalizeWhole(_ raw: String) -> String {
        var t = ByteText.trim(ByteText.replacing(raw, wholeAnswerRewrites))
        while let last = t.last, last == "." || last == "," || last == ";" { t.removeLast() }
        if t.utf8.contains(UInt8(ascii: ",")), isThousandsGrouped(t) { t = t.filter { $0 != "," } }
        return ByteText.trim(t)
    }

    /// True for `-?d{1,3}(,ddd)+(.d+)?` exactly (no spaces: "1, 000" is a list).
    static func isThousandsGrouped(_ t: String) -> Bool {
        var b = Array(t.utf8)[...]
        if b.first == UInt8(ascii: "-") { b = b.dropFirst() }
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        var lead = 0
        while let c = b.first, isDigit(c) { lead += 1; b = b.dropFirst() }
        guard (1...3).contains(lead) else { return false }
        var groups = 0
        while b.first == UInt8(ascii: ",") {
            b = b.dropFirst()
            guard b.count >= 3, b.prefix(3).allSatisfy(isDigit) else { return false }
            b = b.dropFirst(3)
            groups += 1
        }
        guard groups >= 1 else { return false }
        if b.first == UInt8(ascii: ".") {
            b = b.dropFirst()
            guard !b.isEmpty, b.allSatisfy(isDigit) else { return false }
            return true
        }
        return b.isEmpty
    }
}

extension Character {
    /// True for the ASCII digits 0-9.
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

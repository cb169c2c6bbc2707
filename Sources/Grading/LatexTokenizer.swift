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
        let hasEnvironment = source.contains("\\begin")
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
                if let (repeating, end) = repeatingTail(s, afterNumberEndingAt: j, hasDot: seenDot) {
                    // `0.\overline{3}`, `0.1\overline{6}`: written as `0.1(6)` for `MathParser.number`.
                    let head = ascii(s, i..<j)
                    out.append(.number((seenDot ? head : head + ".") + "(" + repeating + ")"))
                    i = end
                    continue
                }
                out.append(.number(ascii(s, i..<j)))
                i = j
            case "\\":
                guard i + 1 < s.count else { i += 1; continue }
                let n = s[i + 1]
                if n == "{" { out.append(.setOpen); i += 2; continue }
                if n == "}" { out.append(.setClose); i += 2; continue }
                if n == "\\", !hasEnvironment, isDoublyEscapedCommand(s, at: i) { i += 1; continue }
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
                    if textCommands.contains(name), !isNumberLiteral(ByteText.trim(inner)) {
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
            case "!" where i + 1 < s.count && s[i + 1] == "=":
                out.append(.command("neq")); i += 2  // `x != 3` (written without a space; `5! = 120` keeps its factorial)
            case "−", "–": out.append(.symbol("-")); i += 1
            case "×", "·": out.append(.command("times")); i += 1
            case "≤": out.append(.command("le")); i += 1
            case "≥": out.append(.command("ge")); i += 1
            case "√": out.append(.command("sqrt")); i += 1
            case "±": out.append(.command("pm")); i += 1
            default:
                if isLetter(c), afterNonLetter(s, i), let end = connectiveEnd(s, at: i) {
                    // A bare `and` / `or` after a value (`1 and 2`, `(11,7)or(7,11)`, `19, 46, and 82`): a separator,
                    // as `\text{and}`; after a word (`Evelyn and Bob`) it stays letters.
                    out.append(.text(ascii(s, i..<end).lowercased()))
                    i = end - 1  // the `i += 1` below steps past the word
                } else if isLetter(c) {
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

    /// Command names recognised after a doubled backslash (`\\le`, `\\frac`): text that was escaped twice
    /// (JSON inside JSON) rather than a matrix row break.
    static let doublyEscapedNames: Set<String> = Set(MathParser.relations.keys).union(MathParser.functions).union([
        "frac", "dfrac", "tfrac", "cfrac", "sqrt", "pi", "infty", "cdot", "times", "div", "pm", "mp", "cup", "left",
        "right", "text", "textbf", "mathrm", "mathbf", "circ", "degree", "binom", "dbinom", "lfloor", "rfloor",
        "lceil", "rceil", "overline",
    ])

    /// Whether the `\\` at `i` is followed by a known command name (callers skip sources with environments,
    /// whose `\\` are row breaks).
    static func isDoublyEscapedCommand(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        var j = i + 2
        while j < s.count, isLetter(s[j]), j - i < 16 { j += 1 }
        return j > i + 2 && doublyEscapedNames.contains(ascii(s, (i + 2)..<j))
    }

    /// Whether the last character before `i` other than a space is not a letter (or there is none).
    static func afterNonLetter(_ s: [Unicode.Scalar], _ i: Int) -> Bool {
        var k = i - 1
        while k >= 0, s[k] == " " { k -= 1 }
        return k < 0 || !isLetter(s[k])
    }

    /// The end of a whole word `and` / `or` starting at `i` (not followed by a letter), or nil.
    static func connectiveEnd(_ s: [Unicode.Scalar], at i: Int) -> Int? {
        var j = i
        while j < s.count, isLetter(s[j]), j - i < 4 { j += 1 }
        guard j == s.count || !isLetter(s[j]) else { return nil }
        let word = ascii(s, i..<j).lowercased()
        return word == "and" || word == "or" ? j : nil
    }

    /// `-?digits(.digits)?`: a number written inside `\text{}` (`\text{5}`), read as the number.
    static func isNumberLiteral(_ t: String) -> Bool {
        var b = Array(t.utf8)[...]
        if b.first == UInt8(ascii: "-") { b = b.dropFirst() }
        guard let f = b.first, f >= 48, f <= 57, b.count <= 32 else { return false }
        return b.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") } && b.filter({ $0 == UInt8(ascii: ".") }).count <= 1
            && b.last != UInt8(ascii: ".")
    }

    /// The repeating digits of `\overline{d…}` / `\bar{d…}` / `\dot{d}` right after a decimal number (its dot
    /// written, possibly as the number's last character) and the index after the closing brace.
    static func repeatingTail(_ s: [Unicode.Scalar], afterNumberEndingAt j: Int, hasDot: Bool) -> (String, Int)? {
        var k = j
        if !hasDot {
            guard k < s.count, s[k] == "." else { return nil }
            k += 1
        }
        guard k < s.count, s[k] == "\\" else { return nil }
        var m = k + 1
        while m < s.count, isLetter(s[m]) { m += 1 }
        guard ["overline", "bar", "dot"].contains(ascii(s, (k + 1)..<m)) else { return nil }
        while m < s.count, s[m] == " " { m += 1 }
        guard m < s.count, s[m] == "{", let close = matchingBrace(s, open: m), close - m - 1 >= 1, close - m - 1 <= 12,
              ((m + 1)..<close).allSatisfy({ isDigit(s[$0]) }) else { return nil }
        return (ascii(s, (m + 1)..<close), close + 1)
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

    /// True for `-?d{1,3}(,ddd)+(.d+)?` exactly (no spaces: "1, 000" is a list), or with another separator.
    static func isThousandsGrouped(_ t: String, separator: UInt8 = UInt8(ascii: ",")) -> Bool {
        var b = Array(t.utf8)[...]
        if b.first == UInt8(ascii: "-") { b = b.dropFirst() }
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        var lead = 0
        // A first group starting with 0 is no thousands group (`0,111` is a decimal comma, as Math-Verify reads it).
        guard b.first != UInt8(ascii: "0") else { return false }
        while let c = b.first, isDigit(c) { lead += 1; b = b.dropFirst() }
        guard (1...3).contains(lead) else { return false }
        var groups = 0
        while b.first == separator {
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

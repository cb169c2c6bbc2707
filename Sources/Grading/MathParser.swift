// A recursive-descent parser from `LatexTokenizer` tokens to `MathNode`, covering the LaTeX that
// answers use (the subset Math-Verify's latex2sympy2 grammar accepts for final answers): lists,
// relations, unions, sums, products with implicit multiplication, powers, `\frac`, `\sqrt`,
// functions, brackets, sets, `\begin{pmatrix}`, `|x|`, floors and ceilings, mixed numbers.
// Recursion is bounded (`maximumDepth`), so deep nesting fails fast instead of overflowing the stack.
import Foundation

/// Parses tokens into a `MathNode`; every failure (syntax, depth) yields nil.
struct MathParser {
    private var tokens: [MathToken]
    private var pos = 0
    private var depth = 0
    /// The deepest nesting accepted before the parse gives up.
    static let maximumDepth = 48

    private struct Failure: Error {}

    /// Functions written as commands, applied to the following argument.
    static let functions: Set<String> = [
        "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
        "ln", "log", "exp", "lg", "arccot", "arcsec", "arccsc",
    ]
    /// Relation commands and their canonical operator.
    static let relations: [String: String] = [
        "le": "<=", "leq": "<=", "leqslant": "<=", "ge": ">=", "geq": ">=", "geqslant": ">=",
        "ne": "!=", "neq": "!=", "in": "in", "approx": "≈", "lt": "<", "gt": ">", "equiv": "=",
    ]

    /// Parses a whole token stream, or returns nil.
    static func parse(_ tokens: [MathToken]) -> MathNode? {
        var p = MathParser(tokens: tokens)
        guard !tokens.isEmpty, let items = try? p.parseList(until: nil), p.pos == tokens.count, !items.isEmpty else { return nil }
        return items.count == 1 ? items[0] : .list(items)
    }

    private init(tokens: [MathToken]) { self.tokens = tokens }

    private var peek: MathToken? { pos < tokens.count ? tokens[pos] : nil }
    private mutating func advance() { pos += 1 }
    private mutating func expect(_ t: MathToken) throws { guard peek == t else { throw Failure() }; pos += 1 }

    private mutating func enter() throws {
        depth += 1
        if depth > Self.maximumDepth { throw Failure() }
    }

    // MARK: - lists and relations

    /// Items separated by `,` `;` or `\text{or}`/`\text{and}`, up to (not consuming) a closer.
    private mutating func parseList(until closers: Set<Character>?) throws -> [MathNode] {
        var items: [MathNode] = []
        while true {
            while case .text = peek { advance() }  // leading prose ("\text{or}")
            if let t = peek, isCloser(t, closers) { break }
            if peek == nil { break }
            items.append(try parseRelation())
            var separated = false
            while let t = peek {
                if t == .symbol(",") || t == .symbol(";") { advance(); separated = true; continue }
                if case .text(let w) = t, ["or", "and", ","].contains(w.lowercased()) { advance(); separated = true; continue }
                break
            }
            if !separated { break }
        }
        return items
    }

    private func isCloser(_ t: MathToken, _ closers: Set<Character>?) -> Bool {
        guard let closers else { return false }
        switch t {
        case .symbol(let c): return closers.contains(c)
        case .setClose: return closers.contains("}") && closers.contains("\\")
        case .rowBreak: return closers.contains("&")
        case .command("end"): return closers.contains("&")
        default: return false
        }
    }

    private mutating func relationOperator() -> String? {
        switch peek {
        case .symbol("="): advance(); return "="
        case .symbol("<"):
            advance()
            if peek == .symbol("=") { advance(); return "<=" }
            return "<"
        case .symbol(">"):
            advance()
            if peek == .symbol("=") { advance(); return ">=" }
            return ">"
        case .command(let c) where Self.relations[c] != nil:
            advance(); return Self.relations[c]
        default: return nil
        }
    }

    private mutating func parseRelation() throws -> MathNode {
        var left = try parseRatio()
        while let op = relationOperator() {
            let right = try parseRatio()
            if op == "≈" {
                // `x = 1/3 \approx 0.33`: the approximation after an exact chain is dropped (Math-Verify's reading).
                if case .relation = left { continue }
                left = .relation("=", left, right)
            } else {
                left = .relation(op, left, right)
            }
        }
        return left
    }

    /// `a : b`, a ratio (`V_1:V_2 = 11:21`), read as `a / b`; `h:mm` with two minute digits is a clock time.
    private mutating func parseRatio() throws -> MathNode {
        var left = try parseUnion()
        while peek == .symbol(":") {
            advance()
            let minutes: Bool
            if case .number(let m) = peek, m.count == 2, m.allSatisfy(\.isASCIIDigit) { minutes = true } else { minutes = false }
            let right = try parseUnion()
            if minutes, case .number(_, let h?, false) = left, h.den == 1, (0...24).contains(h.num),
               case .number(_, let m?, false) = right, m.num < 60 {
                left = .function("clock", [left, right])
            } else {
                left = .function("ratio", [left, right])
            }
        }
        return left
    }

    private mutating func parseUnion() throws -> MathNode {
        var parts = [try parseSum()]
        while peek == .command("cup") { advance(); parts.append(try parseSum()) }
        return parts.count == 1 ? parts[0] : .union(parts)
    }

    // MARK: - arithmetic

    private mutating func parseSum() throws -> MathNode {
        try enter(); defer { depth -= 1 }
        if peek == .command("pm") {  // a leading `\pm 3` is ±3
            advance()
            return .plusMinus(.number(0, exact: ExactRational(0, 1), isFloat: false), try parseTerm())
        }
        var terms = [try parseTerm()]
        while let t = peek {
            if t == .symbol("+") { advance(); terms.append(try parseTerm()) }
            else if t == .symbol("-") { advance(); terms.append(.negate(try parseTerm())) }
            else if t == .command("pm") || t == .command("mp") {
                advance()
                let right = try parseTerm()
                let left: MathNode = terms.count == 1 ? terms[0] : .sum(terms)
                terms = [.plusMinus(left, t == .command("mp") ? .negate(right) : right)]
            } else { break }
        }
        return terms.count == 1 ? terms[0] : .sum(terms)
    }

    private mutating func parseTerm() throws -> MathNode {
        var factors = [try parseUnary()]
        while let t = peek {
            switch t {
            case .symbol("*"), .command("cdot"), .command("times"), .command("ast"):
                advance(); factors.append(try parseUnary())
            case .symbol("/"), .command("div"):
                advance()
                let d = try parseUnary()
                let n: MathNode = factors.count == 1 ? factors[0] : .product(factors)
                factors = [.quotient(n, d)]
            case .text(let w) where ["and", "or"].contains(w.lowercased()):
                return factors.count == 1 ? factors[0] : .product(factors)  // a list separator (`6 \text{ and } 8`)
            case .text:
                // Units after a value (`5.4 \text{ cents}`, `\text{ kcal m}^{-2}`): dropped.
                advance()
                if peek == .symbol("^") { advance(); _ = try parseExponent() }
            default:
                guard startsPrimary(t) else { return factors.count == 1 ? factors[0] : .product(factors) }
                if t == .command("frac"), factors.count == 1, let whole = integerLiteral(factors[0]) {
                    // A mixed number `1\frac{4}{5}` = 1 + 4/5 (MATH answers use it; a product would be 4/5).
                    let f = try parseUnary()
                    if case .quotient(let a, let b) = f, integerLiteral(a) != nil, integerLiteral(b) != nil {
                        factors = whole.negative ? [.negate(.sum([whole.node, f]))] : [.sum([whole.node, f])]
                    } else {
                        factors.append(f)
                    }
                    continue
                }
                factors.append(try parseUnary())
            }
        }
        return factors.count == 1 ? factors[0] : .product(factors)
    }

    private func integerLiteral(_ n: MathNode) -> (node: MathNode, negative: Bool)? {
        if case .number(_, _, false) = n { return (n, false) }
        if case .negate(let inner) = n, case .number(_, _, false) = inner { return (inner, true) }
        return nil
    }

    /// Whether `t` can begin an implicitly multiplied factor.
    private func startsPrimary(_ t: MathToken) -> Bool {
        switch t {
        case .number, .letter, .setOpen: return true
        case .symbol(let c): return c == "(" || c == "[" || c == "{"
        case .command(let c):
            return !(["cdot", "times", "div", "pm", "mp", "cup", "end", "rfloor", "rceil", "right", "ast", "to", "mid"].contains(c)
                     || Self.relations[c] != nil)
        default: return false
        }
    }

    private mutating func parseUnary() throws -> MathNode {
        try enter(); defer { depth -= 1 }
        if peek == .symbol("-") { advance(); return .negate(try parseUnary()) }
        if peek == .symbol("+") { advance(); return try parseUnary() }
        return try parsePower()
    }

    private mutating func parsePower() throws -> MathNode {
        let base = try parsePostfix()
        if peek == .symbol("^") {
            advance()
            guard let e = try parseExponent() else { return base }
            return try applyPostfix(.power(base, e))
        }
        return base
    }

    /// `^{…}`, `^2`, `^-1`, `^\pi`; nil for an empty exponent (`^{\circ}` after normalisation).
    private mutating func parseExponent() throws -> MathNode? {
        if peek == .symbol("{") {
            advance()
            if peek == .symbol("}") { advance(); return nil }
            let items = try parseList(until: ["}"])
            try expect(.symbol("}"))
            return items.count == 1 ? items[0] : .list(items)
        }
        guard let t = peek, startsPrimary(t) || t == .symbol("-") else { return nil }
        if t == .symbol("-") { advance(); return .negate(try parsePrimary()) }
        return try parsePrimary()
    }

    private mutating func parsePostfix() throws -> MathNode {
        try applyPostfix(try parsePrimary())
    }

    private mutating func applyPostfix(_ node: MathNode) throws -> MathNode {
        var node = node
        while let t = peek {
            if t == .symbol("!") { advance(); node = .function("fact", [node]) }
            else if t == .symbol("%") { advance(); node = .percent(node) }
            else if t == .symbol("_"), case .number = node {
                // A base subscript `52_8`: kept so that two based numbers compare bases too; against a
                // plain number it is ignored, as Math-Verify does.
                advance()
                let base = try parseSubscriptText()
                node = .function("base", [node, base.allSatisfy(\.isASCIIDigit) && !base.isEmpty ? Self.number(base) : .symbol(base)])
            } else { break }
        }
        return node
    }

    // MARK: - primaries

    private mutating func parsePrimary() throws -> MathNode {
        try enter(); defer { depth -= 1 }
        guard let t = peek else { throw Failure() }
        advance()
        switch t {
        case .number(let s):
            return Self.number(s)
        case .letter(let c):
            let name = try symbolName(String(c))
            if name == "e" { return .constant(.e) }
            if name == "i" { return .constant(.i) }
            return .symbol(name)
        case .text(let s):
            return .text(s.lowercased())
        case .setOpen:
            let items = try parseList(until: ["}", "\\"])
            try expect(.setClose)
            return .set(items)
        case .symbol("{"):
            let items = try parseList(until: ["}"])
            try expect(.symbol("}"))
            guard !items.isEmpty else { throw Failure() }
            return items.count == 1 ? items[0] : .list(items)
        case .symbol("("), .symbol("["):
            let items = try parseList(until: [")", "]"])
            guard case .symbol(let close) = peek else { throw Failure() }
            advance()
            let open: Character = t == .symbol("(") ? "(" : "["
            if items.count == 1, open == "(" || close == "]", !(open == "(" && close == "]") {
                return items[0]
            }
            guard !items.isEmpty else { throw Failure() }
            return .bracketed(open: open, close: close, items)
        case .symbol("|"):
            let inner = try parseSum()
            try expect(.symbol("|"))
            return .function("abs", [inner])
        case .command(let c):
            return try parseCommand(c)
        default:
            throw Failure()
        }
    }

    /// A number literal; integers and short decimals are also kept as exact rationals.
    static func number(_ s: String) -> MathNode {
        if let open = s.firstIndex(of: "("), let v = repeatingDecimal(String(s[..<open]), String(s[s.index(after: open)...].dropLast())) {
            return .number(v.double, exact: v, isFloat: false)
        }
        let hasDot = s.utf8.contains(UInt8(ascii: "."))
        let hasExponent = s.utf8.contains { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let isFloat = hasDot || hasExponent
        let value = Double(s) ?? .nan
        var exact: ExactRational? = nil
        if !hasExponent {
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            let digits = parts.joined()
            if digits.count <= 18, let n = Int64(digits.isEmpty ? "0" : digits) {
                let scale = parts.count > 1 ? parts[1].count : 0
                var den: Int64 = 1
                for _ in 0..<scale { den *= 10 }
                exact = ExactRational(n, den)
            }
        }
        return .number(value, exact: exact, isFloat: isFloat)
    }

    /// The exact value of `head` (`0.1`, `2.`) followed by `repeating` digits forever: 0.1(6) = 1/6.
    static func repeatingDecimal(_ head: String, _ repeating: String) -> ExactRational? {
        let parts = head.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !repeating.isEmpty, head.count + repeating.count <= 17 else { return nil }
        let whole = String(parts[0]) + String(parts[1])
        guard let a = Int64(whole.isEmpty ? "0" : whole), let ab = Int64(whole + repeating) else { return nil }
        var scale: Int64 = 1, nines: Int64 = 1
        for _ in 0..<parts[1].count { scale *= 10 }
        for _ in 0..<repeating.count { nines *= 10 }
        // x = (ab − a) / (10^k · (10^r − 1)) with k the digits after the dot before the repeating part.
        return ExactRational(ab - a, scale * (nines - 1))
    }

    /// A symbol's name with its subscript and primes (`x_0`, `\omega_{d}`, `y'`).
    private mutating func symbolName(_ base: String) throws -> String {
        var name = base
        if peek == .symbol("_") { advance(); name += "_" + (try parseSubscriptText()) }
        while peek == .symbol("'") || peek == .command("prime") { advance(); name += "'" }
        return name
    }

    /// A subscript's tokens rendered as text (`{0}`, `d`, `{\odot}`).
    private mutating func parseSubscriptText() throws -> String {
        if peek == .symbol("{") {
            advance()
            var level = 1, text = ""
            while let t = peek {
                advance()
                if t == .symbol("{") { level += 1 } else if t == .symbol("}") { level -= 1; if level == 0 { return text } }
                text += Self.render(t)
            }
            throw Failure()
        }
        guard let t = peek else { throw Failure() }
        advance()
        if case .number(let s) = t, s.count > 1 { return String(s.prefix(1)) }  // `x_12` is x_1·2 in LaTeX; rare, keep the first digit
        return Self.render(t)
    }

    static func render(_ t: MathToken) -> String {
        switch t {
        case .number(let s): return s
        case .letter(let c): return String(c)
        case .command(let c): return "\\" + c
        case .text(let s): return s
        case .symbol(let c): return String(c)
        case .setOpen: return "\\{"
        case .setClose: return "\\}"
        case .rowBreak: return "\\\\"
        }
    }

    /// One macro argument: `{…}`, a single digit of a number (`\frac13`), or one primary.
    private mutating func parseArgument() throws -> MathNode {
        if peek == .symbol("{") {
            advance()
            let items = try parseList(until: ["}"])
            try expect(.symbol("}"))
            guard !items.isEmpty else { throw Failure() }
            return items.count == 1 ? items[0] : .list(items)
        }
        if case .number(let s) = peek, s.count > 1, !s.hasPrefix("."), !s.contains("(") {
            tokens[pos] = .number(String(s.dropFirst()))
            return Self.number(String(s.prefix(1)))
        }
        return try parsePrimary()
    }

    private mutating func parseCommand(_ c: String) throws -> MathNode {
        switch c {
        case "frac":
            let n = try parseArgument(), d = try parseArgument()
            return .quotient(n, d)
        case "binom":
            let n = try parseArgument(), k = try parseArgument()
            return .function("binom", [n, k])
        case "sqrt":
            var index: MathNode? = nil
            if peek == .symbol("[") {
                advance()
                index = try parseSum()
                try expect(.symbol("]"))
            }
            let radicand = try parseArgument()
            if let index { return .function("root", [radicand, index]) }
            return .function("sqrt", [radicand])
        case "pi": return .constant(.pi)
        case "infty", "infin", "infinity": return .constant(.infinity)
        case "lfloor", "lceil":
            let inner = try parseSum()
            try expect(.command(c == "lfloor" ? "rfloor" : "rceil"))
            return .function(c == "lfloor" ? "floor" : "ceil", [inner])
        case "begin": return try parseEnvironment()
        case "dots", "ldots", "cdots": return .symbol("dots")
        case "dot", "ddot", "hat", "bar", "vec", "overline", "tilde", "widehat", "overrightarrow", "underline":
            let arg = try parseArgument()
            if case .symbol(let s) = arg { return .symbol(try symbolName("\(c)(\(s))")) }
            return .function(c, [arg])
        case _ where Self.functions.contains(c):
            var base: MathNode? = nil
            if peek == .symbol("_") { advance(); base = try parseArgument() }
            var outerPower: MathNode? = nil
            if peek == .symbol("^") { advance(); outerPower = try parseExponent() }
            let arg: MathNode
            if peek == .symbol("(") {
                arg = try parsePrimary()
            } else {
                // `\sin 2x`, `\ln 2`, `\sin\theta_w`: the implicit product up to the next operator or function.
                var factors = [try parsePower()]
                while let t = peek, startsPrimary(t), t != .symbol("("), !Self.isFunctionToken(t) {
                    factors.append(try parsePower())
                }
                arg = factors.count == 1 ? factors[0] : .product(factors)
            }
            var node = MathNode.function(c == "lg" ? "log10" : c, base.map { [arg, $0] } ?? [arg])
            if let outerPower { node = .power(node, outerPower) }
            return node
        default:
            return .symbol(try symbolName("\\" + c))
        }
    }

    private static func isFunctionToken(_ t: MathToken) -> Bool {
        if case .command(let c) = t { return functions.contains(c) }
        return false
    }

    /// `\begin{pmatrix} a & b \\ c & d \end{pmatrix}` (any matrix-like environment).
    private mutating func parseEnvironment() throws -> MathNode {
        let name = try parseSubscriptTextBraced()
        if name == "array", peek == .symbol("{") { _ = try parseSubscriptTextBraced() }
        var rows: [[MathNode]] = []
        var row: [MathNode] = []
        while true {
            if peek == .command("end") {
                advance()
                _ = try parseSubscriptTextBraced()
                if !row.isEmpty { rows.append(row) }
                break
            }
            guard peek != nil else { throw Failure() }
            let cell = try parseList(until: ["&"])
            row.append(cell.count == 1 ? cell[0] : .list(cell))
            if peek == .symbol("&") { advance() }
            else if peek == .rowBreak { advance(); rows.append(row); row = [] }
            else if peek != .command("end") { throw Failure() }
        }
        guard !rows.isEmpty, rows.allSatisfy({ $0.count == rows[0].count }) else { throw Failure() }
        return .matrix(rows)
    }

    private mutating func parseSubscriptTextBraced() throws -> String {
        guard peek == .symbol("{") else { throw Failure() }
        return try parseSubscriptText()
    }
}

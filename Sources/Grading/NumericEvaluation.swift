// Numeric evaluation of scalar `MathNode`s over the complex numbers, used both for closed-form
// answers (2√3 vs √12, evaluated once) and, as Math-Verify's sympy `simplify(a - b) == 0` fallback
// does in spirit, for expressions with variables evaluated at fixed pseudo-random points.
// Exact rational evaluation (`exactValue`) decides integer/fraction answers without rounding.
import Foundation

/// A complex number in double precision.
struct Complex: Sendable, Equatable {
    var re: Double
    var im: Double

    init(_ re: Double, _ im: Double = 0) { self.re = re; self.im = im }

    static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    static func - (a: Complex, b: Complex) -> Complex { Complex(a.re - b.re, a.im - b.im) }
    static func * (a: Complex, b: Complex) -> Complex {
        if a.im == 0, b.im == 0 { return Complex(a.re * b.re) }
        return Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }
    static func / (a: Complex, b: Complex) -> Complex {
        if a.im == 0, b.im == 0 { return Complex(a.re / b.re) }
        let d = b.re * b.re + b.im * b.im
        return Complex((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }
    var magnitude: Double { im == 0 ? Swift.abs(re) : hypot(re, im) }
    var isFinite: Bool { re.isFinite && im.isFinite }
    var isReal: Bool { im == 0 }

    var log: Complex { Complex(Foundation.log(magnitude), atan2(im, re)) }
    var exp: Complex {
        if im == 0 { return Complex(Foundation.exp(re)) }
        let m = Foundation.exp(re)
        return Complex(m * cos(im), m * sin(im))
    }
    var sqrt: Complex {
        if im == 0 { return re >= 0 ? Complex(Foundation.sqrt(re)) : Complex(0, Foundation.sqrt(-re)) }
        return (log * Complex(0.5)).exp
    }

    func power(_ e: Complex) -> Complex {
        if e.im == 0, im == 0 {
            if re >= 0 || e.re.rounded() == e.re { return Complex(pow(re, e.re)) }
        }
        if re == 0, im == 0 { return e.re > 0 ? Complex(0) : Complex(.nan) }
        if e.im == 0, e.re.rounded() == e.re, Swift.abs(e.re) <= 64 {
            // Integer powers by repeated multiplication keep i² = -1 exact.
            var r = Complex(1), k = Int(Swift.abs(e.re))
            while k > 0 { r = r * self; k -= 1 }
            return e.re < 0 ? Complex(1) / r : r
        }
        return (log * e).exp
    }
}

/// Evaluates scalar nodes; nil means "not a scalar" or "undefined here".
struct NumericEvaluator {
    /// Values of the free variables.
    var bindings: [String: Complex] = [:]

    func value(_ node: MathNode) -> Complex? {
        switch node {
        case .number(let v, _, _): return Complex(v)
        case .symbol(let s): return bindings[s]
        case .constant(let c):
            switch c {
            case .pi: return Complex(Double.pi)
            case .e: return Complex(M_E)
            case .i: return Complex(0, 1)
            case .infinity: return Complex(.infinity)
            }
        case .sum(let terms):
            var acc = Complex(0)
            for t in terms { guard let v = value(t) else { return nil }; acc = acc + v }
            return acc
        case .product(let fs):
            var acc = Complex(1)
            for f in fs { guard let v = value(f) else { return nil }; acc = acc * v }
            return acc
        case .negate(let a): return value(a).map { Complex(0) - $0 }
        case .quotient(let a, let b):
            guard let x = value(a), let y = value(b), y.magnitude != 0 else { return nil }
            return x / y
        case .power(let a, let b):
            guard let x = value(a), let y = value(b) else { return nil }
            return x.power(y)
        case .percent(let a): return value(a).map { $0 / Complex(100) }
        case .function(let name, let args): return function(name, args)
        case .plusMinus, .bracketed, .set, .list, .union, .relation, .matrix, .text: return nil
        }
    }

    private func function(_ name: String, _ args: [MathNode]) -> Complex? {
        var vals: [Complex] = []
        for a in args { guard let v = value(a) else { return nil }; vals.append(v) }
        guard let x = vals.first else { return nil }
        let realOnly = vals.allSatisfy(\.isReal)
        switch name {
        case "sqrt": return x.sqrt
        case "root":
            guard vals.count == 2 else { return nil }
            if realOnly, x.re < 0, vals[1].re.rounded() == vals[1].re, Int(vals[1].re) % 2 != 0 {
                return Complex(-pow(-x.re, 1 / vals[1].re))  // odd real roots of negatives stay real
            }
            return x.power(Complex(1) / vals[1])
        case "exp": return x.exp
        case "ln": return x.log
        case "log":
            if vals.count == 2 { return x.log / vals[1].log }
            return x.log  // Math-Verify (sympy) reads a bare \log as the natural log
        case "log10": return x.log / Complex(Foundation.log(10))
        case "abs": return Complex(x.magnitude)
        case "base": return x  // `52_8` reads as 52 (Math-Verify's rule); EquivalenceChecker compares bases
        case "ratio":
            guard vals.count == 2, vals[1].magnitude != 0 else { return nil }
            return x / vals[1]
        case "clock": return nil  // `7:30` is a time, compared part by part
        default: break
        }
        guard realOnly else { return nil }
        let r = x.re
        switch name {
        case "sin": return Complex(sin(r))
        case "cos": return Complex(cos(r))
        case "tan": return Complex(tan(r))
        case "cot": return Complex(1 / tan(r))
        case "sec": return Complex(1 / cos(r))
        case "csc": return Complex(1 / sin(r))
        case "arcsin": return r.magnitude <= 1 ? Complex(asin(r)) : nil
        case "arccos": return r.magnitude <= 1 ? Complex(acos(r)) : nil
        case "arctan": return Complex(atan(r))
        case "arccot": return Complex(atan(1 / r))
        case "sinh": return Complex(sinh(r))
        case "cosh": return Complex(cosh(r))
        case "tanh": return Complex(tanh(r))
        case "floor": return Complex(r.rounded(.down))
        case "ceil": return Complex(r.rounded(.up))
        case "fact": return r >= 0 && r <= 170 ? Complex(tgamma(r + 1)) : nil
        case "binom":
            guard vals.count == 2 else { return nil }
            let k = vals[1].re
            guard k >= 0, k.rounded() == k, k <= 1000 else { return nil }
            var acc = 1.0
            for j in stride(from: 0.0, to: k, by: 1) { acc *= (r - j) / (j + 1) }
            return Complex(acc)
        default: return nil
        }
    }

    /// The exact rational value of a node built only from integer/decimal literals, + − × ÷ and
    /// small integer powers, or nil.
    static func exactValue(_ node: MathNode) -> ExactRational? {
        switch node {
        case .number(_, let exact, _): return exact
        case .negate(let a): return exactValue(a)?.negated
        case .sum(let ts):
            var acc = ExactRational(0, 1)
            for t in ts { guard let a = acc, let v = exactValue(t) else { return nil }; acc = a + v }
            return acc
        case .product(let fs):
            var acc = ExactRational(1, 1)
            for f in fs { guard let a = acc, let v = exactValue(f) else { return nil }; acc = a * v }
            return acc
        case .quotient(let a, let b):
            guard let x = exactValue(a), let y = exactValue(b)?.reciprocal else { return nil }
            return x * y
        case .power(let a, let b):
            guard let x = exactValue(a), let y = exactValue(b), y.den == 1 else { return nil }
            if x.num == 0, y.num <= 0 { return nil }
            return x.power(y.num)
        case .function("ratio", let xs) where xs.count == 2:
            guard let x = exactValue(xs[0]), let y = exactValue(xs[1])?.reciprocal else { return nil }
            return x * y
        case .percent(let a):
            guard let x = exactValue(a) else { return nil }
            return x * ExactRational(1, 100)!
        default: return nil
        }
    }

    /// True when the node has a decimal or scientific literal (its value is approximate).
    static func hasFloat(_ node: MathNode) -> Bool {
        var found = false
        visit(node) { if case .number(_, _, true) = $0 { found = true } }
        return found
    }

    /// The free variables of a node.
    static func variables(_ node: MathNode) -> Set<String> {
        var out = Set<String>()
        visit(node) { if case .symbol(let s) = $0 { out.insert(s) } }
        return out
    }

    /// Calls `f` on every node of the tree (pre-order).
    static func visit(_ node: MathNode, _ f: (MathNode) -> Void) {
        f(node)
        switch node {
        case .number, .symbol, .constant, .text: break
        case .sum(let xs), .product(let xs), .set(let xs), .list(let xs), .union(let xs), .bracketed(_, _, let xs):
            for x in xs { visit(x, f) }
        case .function(_, let xs): for x in xs { visit(x, f) }
        case .negate(let a), .percent(let a): visit(a, f)
        case .quotient(let a, let b), .power(let a, let b), .plusMinus(let a, let b), .relation(_, let a, let b):
            visit(a, f); visit(b, f)
        case .matrix(let rows): for r in rows { for x in r { visit(x, f) } }
        }
    }
}

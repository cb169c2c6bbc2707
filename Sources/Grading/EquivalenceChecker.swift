// Structural equivalence of parsed answers, mirroring Math-Verify's `sympy_expr_eq` dispatch:
// relations side by side (and `x = 5` against `5`), lists and sets unordered, tuples and
// intervals ordered with matching ends, matrices cell by cell, and scalars exactly (rationals),
// numerically at high precision (closed forms), at fixed pseudo-random points (variables), or
// within the relative tolerance (decimals). A comparison budget bounds every call.
import Foundation

/// Compares two parsed answers; one instance per `equivalent` call (it carries the budget).
struct EquivalenceChecker {
    /// Tolerance for answers with decimal literals.
    let relativeTolerance: Double
    /// Tolerance for closed forms evaluated in double precision (2√3 vs √12).
    let exactTolerance = 1e-9
    /// Tolerance for expressions with variables, evaluated at several points.
    let symbolicTolerance = 1e-7
    /// Scalar comparisons left before the checker answers false.
    var budget = 4000
    /// Points at which expressions with variables are evaluated: four in [0.3, 2.3), two in [2.5, 12.5)
    /// (so that floors, ceilings and periodic terms are probed beyond small arguments).
    static let pointCount = 6

    /// Decimal places at which approximate scalars are compared (Math-Verify's `float_rounding`); nil
    /// uses `relativeTolerance`.
    let floatRounding: Int?

    init(relativeTolerance: Double, floatRounding: Int? = nil) {
        self.relativeTolerance = relativeTolerance
        self.floatRounding = floatRounding
    }

    /// Whether two approximate values agree: rounded to `floatRounding` places, or within the tolerance.
    func approximatelyEqual(_ x: Complex, _ y: Complex) -> Bool {
        guard let places = floatRounding else { return Self.close(x, y, relativeTolerance) }
        if !x.isFinite || !y.isFinite { return x == y }
        let scale = pow(10, Double(places))
        func r(_ v: Double) -> Double { (v * scale).rounded() }
        // Beyond 1e9 the scaled value loses its fractional digits in double precision: compare relatively.
        if max(x.magnitude, y.magnitude) * scale > 1e15 { return Self.close(x, y, 1e-13) }
        return r(x.re) == r(y.re) && r(x.im) == r(y.im)
    }

    /// Whether the answer equals the gold.
    mutating func equal(answer: MathNode, gold: MathNode) -> Bool {
        compare(Self.expandPlusMinus(answer), Self.expandPlusMinus(gold))
    }

    mutating func compare(_ a: MathNode, _ g: MathNode) -> Bool {
        budget -= 1
        guard budget > 0 else { return false }
        switch (a, g) {
        case (.list(let x), _) where x.count == 1: return compare(x[0], g)
        case (_, .list(let y)) where y.count == 1: return compare(a, y[0])
        case (.relation, _), (_, .relation): return compareRelational(a, g)
        case (.list(let x), .list(let y)):
            // Assignments against tuples: `p=5,q=2;p=7,q=2` and `(5,2),(7,2)`.
            if y.allSatisfy(Self.isTuple), let t = Self.assignmentTuples(x) { return unorderedMatch(t, y) }
            if x.allSatisfy(Self.isTuple), let t = Self.assignmentTuples(y) { return unorderedMatch(x, t) }
            return unorderedMatch(x, y)
        case (.list(let x), .bracketed(open: "(", close: ")", let y)):
            // `x=1, y=2` answering `(1, 2)`; `{1,3}` or `1, 3` answering the tuple `(1,3)`, in written order.
            if let t = Self.assignmentTuples(x), t.count == 1 { return compare(t[0], g) }
            guard x.count == y.count, !x.contains(where: Self.isRelation) else { return false }
            return zip(x, y).allSatisfy { compare($0, $1) }
        case (.bracketed(open: "(", close: ")", _), .list(let y)):
            if let t = Self.assignmentTuples(y), t.count == 1 { return compare(a, t[0]) }
            return false
        case (.set(let x), .set(let y)), (.list(let x), .set(let y)), (.set(let x), .list(let y)), (.union(let x), .union(let y)):
            return unorderedMatch(x, y)
        case (.bracketed(let o1, let c1, let x), .bracketed(let o2, let c2, let y)):
            guard o1 == o2, c1 == c2, x.count == y.count else { return false }
            return zip(x, y).allSatisfy { compare($0, $1) }
        case (.matrix(let x), .matrix(let y)):
            guard x.count == y.count, zip(x, y).allSatisfy({ $0.count == $1.count }) else { return false }
            return zip(x, y).allSatisfy { rowA, rowG in zip(rowA, rowG).allSatisfy { compare($0, $1) } }
        case (.function("base", let x), .function("base", let y)) where x.count == 2 && y.count == 2:
            return compare(x[0], y[0]) && compare(x[1], y[1])
        case (.function("clock", let x), .function("clock", let y)):
            return x == y
        case (.function("clock", _), _), (_, .function("clock", _)):
            return false
        case (.text(let x), .text(let y)):
            return AnswerVerifier.loose(x) == AnswerVerifier.loose(y)
        case (_, .percent(let inner)):
            // A gold percentage also accepts its bare value: 62.5% matches 0.625 and 62.5.
            return compareScalars(a, g) || compare(a, inner)
        case (.percent(let inner), _):
            return compareScalars(a, g) || compare(inner, g)
        default:
            if MatrixAlgebra.containsMatrix(a) || MatrixAlgebra.containsMatrix(g) {
                // `A + B`, `A B`, `2A` of matrix literals against a matrix: cell by cell.
                guard let x = MatrixAlgebra.cells(a), let y = MatrixAlgebra.cells(g), a != .matrix(x) || g != .matrix(y) else { return false }
                return compare(.matrix(x), .matrix(y))
            }
            if Self.isStructure(a) || Self.isStructure(g) { return false }
            return compareScalars(a, g)
        }
    }

    static func isRelation(_ n: MathNode) -> Bool {
        if case .relation = n { return true }
        return false
    }

    static func isStructure(_ n: MathNode) -> Bool {
        switch n {
        case .list, .set, .union, .bracketed, .matrix, .relation, .text, .plusMinus: return true
        default: return false
        }
    }

    /// Each gold item matched by a distinct answer item (greedy; answers are small). Lists of different lengths
    /// are compared as sets: repeated items (`(3,17,3,7)` written twice) count once.
    mutating func unorderedMatch(_ x: [MathNode], _ y: [MathNode]) -> Bool {
        guard x.count <= 128, y.count <= 128 else { return false }
        if x.count != y.count {
            let dx = deduplicated(x), dy = deduplicated(y)
            guard dx.count != x.count || dy.count != y.count else { return false }
            return unorderedMatch(dx, dy)
        }
        var used = [Bool](repeating: false, count: x.count)
        for g in y {
            var found = false
            for (k, a) in x.enumerated() where !used[k] {
                if compare(a, g) { used[k] = true; found = true; break }
                if budget <= 0 { return false }
            }
            if !found { return false }
        }
        return true
    }

    /// The items without those equal to an earlier one.
    private mutating func deduplicated(_ xs: [MathNode]) -> [MathNode] {
        var out: [MathNode] = []
        for x in xs where !out.contains(where: { $0 == x }) {
            var seen = false
            for o in out where budget > 0 { if compare(x, o) { seen = true; break } }
            if !seen { out.append(x) }
        }
        return out
    }

    // MARK: - scalars

    mutating func compareScalars(_ a: MathNode, _ g: MathNode) -> Bool {
        let vars = NumericEvaluator.variables(a).union(NumericEvaluator.variables(g))
        let approximate = NumericEvaluator.hasFloat(a) || NumericEvaluator.hasFloat(g)
        if vars.isEmpty {
            if let x = NumericEvaluator.exactValue(a), let y = NumericEvaluator.exactValue(g) {
                if x == y { return true }
                // An integer gold (`8178`, `8178.0`) is never approximate: 8178.1 is wrong, as in Math-Verify.
                if !approximate || y.den == 1 { return false }
            }
            let e = NumericEvaluator()
            guard let x = e.value(a), let y = e.value(g) else { return false }
            return approximate ? approximatelyEqual(x, y) : Self.close(x, y, exactTolerance)
        }
        var valid = 0
        for k in 0..<Self.pointCount {
            let e = NumericEvaluator(bindings: Self.point(k, vars))
            let x = e.value(a), y = e.value(g)
            switch (x, y) {
            case (nil, nil): continue
            case (let x?, let y?):
                if !x.isFinite && !y.isFinite { continue }
                guard Self.close(x, y, approximate ? relativeTolerance : symbolicTolerance, absolute: 1e-10) else { return false }
                valid += 1
            default: return false
            }
        }
        return valid >= 2
    }

    /// Whether `a / g` is one nonzero constant at every point (equations equal up to a factor; inequalities
    /// with `positiveOnly`, up to a positive factor).
    mutating func proportional(_ a: MathNode, _ g: MathNode, positiveOnly: Bool) -> Bool {
        let vars = NumericEvaluator.variables(a).union(NumericEvaluator.variables(g))
        guard !vars.isEmpty else { return false }
        var ratio: Complex? = nil
        for k in 0..<Self.pointCount {
            let e = NumericEvaluator(bindings: Self.point(k, vars))
            guard let x = e.value(a), let y = e.value(g), x.isFinite, y.isFinite,
                  x.magnitude > 1e-12, y.magnitude > 1e-12 else { return false }
            let r = x / y
            if positiveOnly, !(r.isReal && r.re > 0) { return false }
            if let ratio { guard Self.close(r, ratio, symbolicTolerance) else { return false } } else { ratio = r }
        }
        return true
    }

    /// |x − y| ≤ tol · max(|x|, |y|); infinities must match exactly. The absolute floor applies only
    /// when one side is exactly zero (sin π vs 0), or always with `absolute` (cancellation at sample
    /// points), so that 2.88e-19 and 2.88e-20 stay different.
    static func close(_ x: Complex, _ y: Complex, _ tol: Double, absolute: Double = 0) -> Bool {
        if !x.isFinite || !y.isFinite { return x == y }
        let diff = (x - y).magnitude
        if diff <= tol * max(x.magnitude, y.magnitude) { return true }
        if x.magnitude == 0 || y.magnitude == 0 { return diff <= 1e-12 }
        return diff <= absolute
    }

    /// Deterministic values for variables at point `k`: a SplitMix64 finaliser over (name, k),
    /// mapped into positive ranges so logs, roots and denominators are usually defined.
    static func point(_ k: Int, _ vars: Set<String>) -> [String: Complex] {
        var out: [String: Complex] = [:]
        for v in vars {
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            for b in v.utf8 { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01B3 }
            var z = h &+ UInt64(k + 1) &* 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let unit = Double(z >> 11) * 0x1p-53
            out[v] = Complex(k < 4 ? 0.3 + 2.0 * unit : 2.5 + 10.0 * unit)
        }
        return out
    }

    // MARK: - ±

    /// Replaces `a ± b` by the two answers {a + b, a − b} (at most 16 variants per answer).
    static func expandPlusMinus(_ n: MathNode) -> MathNode {
        switch n {
        case .list(let xs): return .list(xs.flatMap { variants($0) })
        case .set(let xs): return .set(xs.flatMap { variants($0) })
        case .bracketed(let o, let c, let xs): return .bracketed(open: o, close: c, xs.map(expandPlusMinus))
        case .relation(let op, let l, let r): return .relation(op, expandPlusMinus(l), expandPlusMinus(r))
        default:
            let v = variants(n)
            return v.count == 1 ? v[0] : .list(v)
        }
    }

    private static func variants(_ n: MathNode) -> [MathNode] {
        guard containsPlusMinus(n) else { return [n] }
        func capped(_ xs: [MathNode]) -> [MathNode] { Array(xs.prefix(16)) }
        switch n {
        case .plusMinus(let a, let b):
            return capped(variants(a).flatMap { x in variants(b).flatMap { y in [MathNode.sum([x, y]), .sum([x, .negate(y)])] } })
        case .sum(let ts): return capped(combine(ts.map(variants)).map { .sum($0) })
        case .product(let fs): return capped(combine(fs.map(variants)).map { .product($0) })
        case .negate(let a): return variants(a).map { .negate($0) }
        case .quotient(let a, let b): return capped(variants(a).flatMap { x in variants(b).map { .quotient(x, $0) } })
        case .power(let a, let b): return capped(variants(a).flatMap { x in variants(b).map { .power(x, $0) } })
        case .function(let f, let xs): return capped(combine(xs.map(variants)).map { .function(f, $0) })
        default: return [n]
        }
    }

    private static func combine(_ options: [[MathNode]]) -> [[MathNode]] {
        var out: [[MathNode]] = [[]]
        for opts in options { out = Array(out.flatMap { prefix in opts.map { prefix + [$0] } }.prefix(16)) }
        return out
    }

    private static func containsPlusMinus(_ n: MathNode) -> Bool {
        var found = false
        NumericEvaluator.visit(n) { if case .plusMinus = $0 { found = true } }
        return found
    }
}

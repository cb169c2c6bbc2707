// Inequalities against intervals (both ways, issue 16): an inequality chain in one unknown (`x < 3`,
// `-2 \le x \le 7`, `1 \le |z| \le 3/2`, `0 < f(x) < 1`), `x \in S`, an interval, a union of intervals and
// a finite set are all subsets of the real line. Two of them are equal when membership agrees at every
// boundary point of either (interval ends, and the points where a side of a chain changes sign or stops
// being defined, found by scanning a fixed grid and bisecting), beside each boundary and between them.
import Foundation

/// A subset of the real line written as an answer.
struct RealLineSet {
    /// What the set is a set of: a named variable, an expression (`f(x)` in `0 < f(x) < 1`), or unnamed (an interval).
    enum Unknown: Equatable {
        case variable(String)
        case expression(MathNode)
        case unnamed
    }

    /// An interval of the real line (a point when `lo == hi`, both closed).
    struct Piece {
        var lo: Double, hi: Double
        var loClosed: Bool, hiClosed: Bool
    }

    enum Form {
        case chain([MathNode], [String])
        case pieces([Piece])
    }

    let form: Form
    let unknown: Unknown
    /// A finite open pair `(a, b)`, which may be a point of the plane rather than an interval.
    let isPlainPair: Bool

    static let maximumPieces = 32
    static let inequalityOps: Set<String> = ["<", "<=", ">", ">=", "=", "!="]

    init?(_ node: MathNode) {
        if let chain = RelationChain(node) {
            if chain.ops == ["in"] {
                guard let pieces = Self.pieces(chain.operands[1]) else { return nil }
                form = .pieces(pieces)
                if case .symbol(let v) = chain.operands[0] { unknown = .variable(v) } else { unknown = .expression(chain.operands[0]) }
                isPlainPair = false
                return
            }
            guard chain.ops.count <= 8, chain.ops.allSatisfy({ Self.inequalityOps.contains($0) }),
                  !chain.operands.contains(where: EquivalenceChecker.isStructure) else { return nil }
            let vars = NumericEvaluator.variables(node)
            if vars.count == 1 {
                unknown = .variable(vars.first!)
            } else {
                // Several symbols, but every side that has any is the same expression: that expression is the unknown.
                let varying = chain.operands.filter { !NumericEvaluator.variables($0).isEmpty }
                guard let e = varying.first, varying.count < chain.operands.count, varying.allSatisfy({ $0 == e }) else { return nil }
                unknown = .expression(e)
            }
            form = .chain(chain.operands, chain.ops)
            isPlainPair = false
            return
        }
        guard let pieces = Self.pieces(node) else { return nil }
        form = .pieces(pieces)
        unknown = .unnamed
        if case .bracketed(open: "(", close: ")", _) = node, let p = pieces.first, p.lo.isFinite, p.hi.isFinite {
            isPlainPair = true
        } else {
            isPlainPair = false
        }
    }

    /// Intervals, unions of intervals, finite sets and lists of numbers, with constant ends.
    static func pieces(_ n: MathNode) -> [Piece]? {
        switch n {
        case .bracketed(let open, let close, let ends) where ends.count == 2:
            guard let lo = constant(ends[0]), let hi = constant(ends[1]), lo <= hi, lo < .infinity, hi > -.infinity else { return nil }
            return [Piece(lo: lo, hi: hi, loClosed: open == "[" && lo.isFinite, hiClosed: close == "]" && hi.isFinite)]
        case .union(let parts):
            var out: [Piece] = []
            for p in parts {
                guard let ps = pieces(p) else { return nil }
                out += ps
                if out.count > maximumPieces { return nil }
            }
            return out
        case .set(let items), .list(let items):
            guard items.count <= maximumPieces else { return nil }
            var out: [Piece] = []
            for item in items {
                guard let v = constant(item), v.isFinite else { return nil }
                out.append(Piece(lo: v, hi: v, loClosed: true, hiClosed: true))
            }
            return out
        case .symbol("\\emptyset"), .symbol("\\varnothing"):
            return []
        default:
            return nil
        }
    }

    /// The real value of a node without variables (±∞ allowed), or nil.
    static func constant(_ n: MathNode) -> Double? {
        guard NumericEvaluator.variables(n).isEmpty, let v = NumericEvaluator().value(n), v.isReal, !v.re.isNaN else { return nil }
        return v.re
    }

    /// Equal within 1e-12 relative, so that a boundary at √2 evaluates as equal; no absolute floor, so that
    /// 10⁻¹² stays above 0 (`x² > 0` just right of 0).
    static func near(_ x: Double, _ y: Double) -> Bool {
        x == y || (x.isFinite && y.isFinite && Swift.abs(x - y) <= 1e-12 * Swift.max(Swift.abs(x), Swift.abs(y)))
    }

    /// A bisected boundary snapped to a close short decimal (2.9999999999999996 → 3), so that sides which cancel
    /// there (`2x − 6 < 0`) are evaluated at the exact point.
    static func snapped(_ r: Double) -> Double {
        guard r.isFinite, Swift.abs(r) < 1e6 else { return r }
        let q = (r * 1e9).rounded() / 1e9
        return Swift.abs(q - r) <= 1e-12 * Swift.max(1, Swift.abs(r)) ? q : r
    }

    /// The value of a chain operand when the unknown is `t`.
    private func value(_ operand: MathNode, at t: Double) -> Double? {
        let v: Complex?
        switch unknown {
        case .variable(let name): v = NumericEvaluator(bindings: [name: Complex(t)]).value(operand)
        case .expression(let e): v = operand == e ? Complex(t) : NumericEvaluator().value(operand)
        case .unnamed: v = nil
        }
        guard let v, v.isReal, !v.re.isNaN else { return nil }
        return v.re
    }

    /// Whether `t` belongs to the set (a chain whose sides are undefined at `t` does not hold there).
    func contains(_ t: Double) -> Bool {
        switch form {
        case .pieces(let ps):
            return ps.contains { p in
                let aboveLo = p.lo == -.infinity || (Self.near(t, p.lo) ? p.loClosed : t > p.lo)
                let belowHi = p.hi == .infinity || (Self.near(t, p.hi) ? p.hiClosed : t < p.hi)
                return aboveLo && belowHi
            }
        case .chain(let operands, let ops):
            var values: [Double] = []
            for o in operands { guard let v = value(o, at: t) else { return false }; values.append(v) }
            for (k, op) in ops.enumerated() {
                let l = values[k], r = values[k + 1], eq = Self.near(l, r)
                let holds: Bool
                switch op {
                case "<": holds = l < r && !eq
                case "<=": holds = l < r || eq
                case ">": holds = l > r && !eq
                case ">=": holds = l > r || eq
                case "=": holds = eq
                default: holds = !eq
                }
                if !holds { return false }
            }
            return true
        }
    }

    /// The fixed scan grid: 0, ±{1, 2, 5}·10^k for k in −3…6, ±10^12.
    static let grid: [Double] = {
        var g: [Double] = [0, 1e12, -1e12]
        for k in -3...6 { for m in [1.0, 2, 5] { let v = m * pow(10, Double(k)); g += [v, -v] } }
        return g.sorted()
    }()

    /// Boundary points: interval ends, or for a chain the points where a link's difference changes sign or
    /// definedness between two points of `scan` (bisected), and its exact zeros on `scan`.
    func boundaries(scan: [Double]) -> [Double] {
        switch form {
        case .pieces(let ps):
            return ps.flatMap { [$0.lo, $0.hi] }.filter(\.isFinite)
        case .chain(let operands, let ops):
            var out: [Double] = []
            for k in 0..<ops.count {
                func f(_ t: Double) -> Double? {
                    guard let l = value(operands[k], at: t), let r = value(operands[k + 1], at: t) else { return nil }
                    return r - l
                }
                func sign(_ v: Double?) -> Int { guard let v, v.isFinite else { return 2 }; return v > 0 ? 1 : (v < 0 ? -1 : 0) }
                var previous: (Double, Int)? = nil
                for t in scan {
                    let s = sign(f(t))
                    if s == 0 { out.append(t) }
                    if let (p, ps) = previous, ps != s, ps != 0, s != 0 {
                        var lo = p, hi = t
                        for _ in 0..<90 {
                            let mid = lo / 2 + hi / 2
                            if mid <= lo || mid >= hi { break }
                            let ms = sign(f(mid))
                            if ms == 0 { lo = mid; hi = mid; break }
                            if ms == ps { lo = mid } else { hi = mid }
                        }
                        out += [Self.snapped(lo), Self.snapped(hi)]
                    }
                    previous = (t, s)
                }
                if out.count > 256 { break }
            }
            return out
        }
    }

    /// Whether both sets have the same members (see the file comment).
    static func equal(_ a: RealLineSet, _ b: RealLineSet) -> Bool {
        if a.unknown != .unnamed, b.unknown != .unnamed, a.unknown != b.unknown { return false }
        let ends = a.boundaries(scan: grid) + b.boundaries(scan: grid)
        let scan = Array(Set(grid + ends.filter { $0.magnitude < 1e12 })).sorted()
        let points = Array(Set(a.boundaries(scan: scan) + b.boundaries(scan: scan))).sorted()
        var tests = grid
        for (k, p) in points.enumerated() {
            let left = k > 0 ? p - points[k - 1] : .infinity, right = k + 1 < points.count ? points[k + 1] - p : .infinity
            let delta = Swift.min(1e-6 * Swift.max(1, Swift.abs(p)), left / 3, right / 3)
            tests += [p, p - delta, p + delta]
            if k + 1 < points.count { tests.append(p / 2 + points[k + 1] / 2) }
        }
        if let lo = points.first, let hi = points.last { tests += [lo - Swift.max(1, Swift.abs(lo)), hi + Swift.max(1, Swift.abs(hi))] }
        return tests.allSatisfy { a.contains($0) == b.contains($0) }
    }
}

extension EquivalenceChecker {
    /// An inequality (or `x \in S`) against an interval, a union, a finite set or another inequality, as sets
    /// of reals. A gold written as a finite open pair `(a, b)` is not read as an interval against an inequality
    /// answer (it may be a point); a gold inequality does accept the answer `(a, b)`, as in Math-Verify.
    mutating func compareAsRealSets(answer: MathNode, gold: MathNode) -> Bool {
        budget -= 20
        guard budget > 0, let a = RealLineSet(answer), let g = RealLineSet(gold) else { return false }
        if case .pieces = a.form, case .pieces = g.form, a.unknown == .unnamed || g.unknown == .unnamed { return false }
        if g.isPlainPair, case .chain = a.form { return false }
        return RealLineSet.equal(a, g)
    }
}

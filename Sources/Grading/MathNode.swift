// The answer tree that `MathParser` builds and `AnswerVerifier` compares: scalar expressions
// (numbers, symbols, sums, products, powers, functions) and the answer structures of the issue
// (tuples, intervals, sets, lists, equations/relations, matrices, text).
import Foundation

/// A parsed answer or sub-expression.
indirect enum MathNode: Sendable, Equatable {
    /// A number literal; `isFloat` when written with a decimal point or an exponent.
    case number(Double, exact: ExactRational?, isFloat: Bool)
    /// A free variable (`x`, `\omega_d`, `x'`).
    case symbol(String)
    /// π, e, i or ∞.
    case constant(MathConstant)
    /// A sum of terms.
    case sum([MathNode])
    /// A product of factors.
    case product([MathNode])
    /// Negation.
    case negate(MathNode)
    /// Division (kept apart from products so exact rationals stay exact).
    case quotient(MathNode, MathNode)
    /// `base ^ exponent`.
    case power(MathNode, MathNode)
    /// A named function applied to its arguments (`sqrt`, `sin`, `log`, `binom`, `floor`, `fact`, `root`…).
    case function(String, [MathNode])
    /// `x%` (x / 100); kept so that a gold percentage can also match its bare value.
    case percent(MathNode)
    /// `a ± b`, expanded to the list {a + b, a − b} before comparison.
    case plusMinus(MathNode, MathNode)
    /// A bracketed sequence with its opening and closing characters: a tuple `(1,2)`, an interval `(3,4]`.
    case bracketed(open: Character, close: Character, [MathNode])
    /// `\{…\}`: an unordered set.
    case set([MathNode])
    /// A top-level comma list (`1, -2`): compared as an unordered collection, as Math-Verify does.
    case list([MathNode])
    /// `A \cup B`.
    case union([MathNode])
    /// `lhs op rhs` with op one of `=`, `<`, `>`, `<=`, `>=`, `!=`, `in`.
    case relation(String, MathNode, MathNode)
    /// A matrix or column vector, row by row.
    case matrix([[MathNode]])
    /// Prose (`\text{Evelyn}`), lower-cased and trimmed.
    case text(String)
}

/// The named constants.
enum MathConstant: String, Sendable, Equatable {
    case pi, e, i, infinity
}

/// An exact rational with 64-bit parts; every operation returns nil on overflow (callers then fall
/// back to floating point).
struct ExactRational: Sendable, Equatable, Hashable {
    /// Numerator (carries the sign).
    let num: Int64
    /// Denominator, always positive.
    let den: Int64

    /// A reduced rational, or nil for a zero denominator.
    init?(_ n: Int64, _ d: Int64) {
        guard d != 0, n != Int64.min, d != Int64.min else { return nil }
        let g = Self.gcd(n.magnitude, d.magnitude)
        let sign: Int64 = d < 0 ? -1 : 1
        num = sign * n / Int64(g)
        den = sign * d / Int64(g)
    }

    static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return max(a, 1)
    }

    var double: Double { Double(num) / Double(den) }

    static func + (a: Self, b: Self) -> Self? {
        let (x, o1) = a.num.multipliedReportingOverflow(by: b.den)
        let (y, o2) = b.num.multipliedReportingOverflow(by: a.den)
        let (n, o3) = x.addingReportingOverflow(y)
        let (d, o4) = a.den.multipliedReportingOverflow(by: b.den)
        return o1 || o2 || o3 || o4 ? nil : ExactRational(n, d)
    }

    static func * (a: Self, b: Self) -> Self? {
        let g1 = Int64(gcd(a.num.magnitude, b.den.magnitude)), g2 = Int64(gcd(b.num.magnitude, a.den.magnitude))
        let (n, o1) = (a.num / g1).multipliedReportingOverflow(by: b.num / g2)
        let (d, o2) = (a.den / g2).multipliedReportingOverflow(by: b.den / g1)
        return o1 || o2 ? nil : ExactRational(n, d)
    }

    var negated: Self? { ExactRational(-num, den) }
    var reciprocal: Self? { ExactRational(den, num) }

    /// `self ^ k` for |k| ≤ 64, or nil on overflow.
    func power(_ k: Int64) -> Self? {
        guard abs(k) <= 64 else { return nil }
        var result = ExactRational(1, 1)
        for _ in 0..<abs(k) { result = result.flatMap { $0 * self } }
        return k < 0 ? result?.reciprocal : result
    }
}

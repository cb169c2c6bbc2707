// Matrix arithmetic on answers (Math-Verify evaluates sums and products of matrix literals with sympy's
// `doit`): `\begin{pmatrix}1&2\\3&4\end{pmatrix} + \begin{pmatrix}5&6\\7&8\end{pmatrix}` is the matrix of the
// cell sums, a product is the row-by-column product, and a scalar factor scales every cell. The cells stay
// `MathNode`s, so the comparison that follows is the usual exact/numeric one. Sizes are bounded.
import Foundation

enum MatrixAlgebra {
    /// Largest matrix (rows × columns) and number of matrix factors evaluated.
    static let maximumCells = 64
    static let maximumFactors = 4

    /// Whether the node holds a matrix literal anywhere.
    static func containsMatrix(_ n: MathNode) -> Bool {
        var found = false
        NumericEvaluator.visit(n) { if case .matrix = $0 { found = true } }
        return found
    }

    /// The cells of a matrix expression built from literals with `+`, `−`, products and scalar factors, or nil.
    static func cells(_ n: MathNode) -> [[MathNode]]? {
        switch n {
        case .matrix(let rows):
            guard let first = rows.first, rows.count * first.count <= maximumCells else { return nil }
            return rows
        case .negate(let a):
            return cells(a)?.map { $0.map { .negate($0) } }
        case .sum(let terms):
            var acc: [[MathNode]]? = nil
            for t in terms {
                guard let m = cells(t) else { return nil }
                guard let a = acc else { acc = m; continue }
                guard a.count == m.count, a[0].count == m[0].count else { return nil }
                acc = zip(a, m).map { ra, rm in zip(ra, rm).map { MathNode.sum([$0, $1]) } }
            }
            return acc
        case .product(let factors):
            var acc: [[MathNode]]? = nil, scalars: [MathNode] = [], matrices = 0
            for f in factors {
                if containsMatrix(f) {
                    matrices += 1
                    guard matrices <= maximumFactors, let m = cells(f) else { return nil }
                    if let a = acc { guard let p = multiply(a, m) else { return nil }; acc = p } else { acc = m }
                } else {
                    scalars.append(f)
                }
            }
            guard let m = acc else { return nil }
            return scalars.isEmpty ? m : m.map { $0.map { .product(scalars + [$0]) } }
        default:
            return nil
        }
    }

    /// The row-by-column product, or nil when the shapes do not fit.
    static func multiply(_ a: [[MathNode]], _ b: [[MathNode]]) -> [[MathNode]]? {
        guard let inner = a.first?.count, inner == b.count, let columns = b.first?.count,
              a.count * columns <= maximumCells else { return nil }
        return a.map { row in
            (0..<columns).map { j in MathNode.sum((0..<inner).map { k in .product([row[k], b[k][j]]) }) }
        }
    }
}

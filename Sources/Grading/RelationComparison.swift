// Relations in answers, following Math-Verify's `sympy_expr_eq` rules: equation chains are cut to their
// first left and last right side (`x = 5+5+1 = 7 = 11` is `x = 11`); an equation answering a gold that is
// not one counts by its right side, and a gold assignment (`x = 11`, left side only symbols) accepts its
// value, but a gold equation such as `a + 3z = 0` does not accept `0`; inequalities compare side by side,
// flipped, or by their differences (`-x > -1` is `x < 1`); and inequalities meet intervals as sets of reals
// (`RealLineSet`). Lists of assignments `x=1, y=2` read as tuples `(1, 2)` in written order.
import Foundation

/// A relation chain `e0 op1 e1 op2 e2 …` read off the left-nested `.relation` tree the parser builds.
struct RelationChain: Equatable {
    var operands: [MathNode]
    var ops: [String]

    init?(_ node: MathNode) {
        guard case .relation = node else { return nil }
        var ops: [String] = [], operands: [MathNode] = [], current = node
        while case .relation(let op, let l, let r) = current, ops.count < 16 {
            ops.append(op); operands.append(r); current = l
        }
        operands.append(current)
        self.operands = operands.reversed()
        self.ops = ops.reversed()
    }

    init(operands: [MathNode], ops: [String]) { self.operands = operands; self.ops = ops }

    /// Only `=` links (or a single `\in`, which Math-Verify reads as an equation with a set).
    var isEquation: Bool { ops == ["in"] || ops.allSatisfy { $0 == "=" } }

    /// An equation whose first left side is made of symbols only (`x = 2`, `V_1:V_2 = 11:21`, `(x, y) = (1, 2)`).
    var isAssignment: Bool { isEquation && Self.onlySymbols(operands[0]) }

    /// An inequality chain with every link written `>` / `≥` read right to left (`7 ≥ x ≥ -2` is `-2 ≤ x ≤ 7`).
    var normalized: RelationChain {
        let flip = [">": "<", ">=": "<="]
        guard ops.allSatisfy({ flip[$0] != nil }) else { return self }
        return RelationChain(operands: operands.reversed(), ops: ops.reversed().map { flip[$0]! })
    }

    /// Math-Verify's `is_expr_of_only_symbols`: symbols combined without any number or constant.
    static func onlySymbols(_ n: MathNode) -> Bool {
        switch n {
        case .symbol: return true
        case .sum(let xs), .product(let xs), .list(let xs), .bracketed(_, _, let xs), .function(_, let xs):
            return !xs.isEmpty && xs.allSatisfy(onlySymbols)
        case .quotient(let a, let b), .power(let a, let b): return onlySymbols(a) && onlySymbols(b)
        default: return false
        }
    }
}

extension EquivalenceChecker {
    /// The comparison when the answer or the gold is a relation.
    mutating func compareRelational(_ answer: MathNode, _ gold: MathNode) -> Bool {
        var a = answer, g = gold
        let ca = RelationChain(a), cg = RelationChain(g)
        let answerIsEquation = ca?.isEquation ?? false, goldIsEquation = cg?.isEquation ?? false
        if let ca, answerIsEquation, !goldIsEquation {
            a = ca.operands[ca.operands.count - 1]  // `x = 3` answering `3` (or `x < 3`, `(3, 4)`)
        } else if let cg, cg.isAssignment || (goldIsEquation && cg.operands.count >= 3), !answerIsEquation {
            // A gold `x = 3` accepts `3`, and so does a worked chain `1 + 2 = 3 = 3`; `a + 3z = 0` does not accept `0`.
            g = cg.operands[cg.operands.count - 1]
        }
        switch (RelationChain(a), RelationChain(g)) {
        case (nil, nil): return compare(a, g)
        case (let x?, let y?): return compareChains(x, y)
        default: return compareAsRealSets(answer: a, gold: g)
        }
    }

    private mutating func compareChains(_ a: RelationChain, _ g: RelationChain) -> Bool {
        if a.isEquation, g.isEquation {
            let x = (a.ops.count == 1 ? a.ops[0] : "=", a.operands[0], a.operands[a.operands.count - 1])
            let y = (g.ops.count == 1 ? g.ops[0] : "=", g.operands[0], g.operands[g.operands.count - 1])
            if x.0 == y.0 { return compareRelations(x, y) }
            return compareAsRealSets(answer: .relation(x.0, x.1, x.2), gold: .relation(y.0, y.1, y.2))
        }
        let na = a.normalized, ng = g.normalized
        if na.ops == ng.ops {
            if na.ops.count == 1 {
                if compareRelations((na.ops[0], na.operands[0], na.operands[1]), (ng.ops[0], ng.operands[0], ng.operands[1])) {
                    return true
                }
            } else if zip(na.operands, ng.operands).allSatisfy({ compare($0, $1) }) {
                return true
            }
        }
        return compareAsRealSets(answer: Self.node(a), gold: Self.node(g))
    }

    static func node(_ c: RelationChain) -> MathNode {
        var n = c.operands[0]
        for (op, r) in zip(c.ops, c.operands.dropFirst()) { n = .relation(op, n, r) }
        return n
    }

    /// Two single relations: side by side (after flipping `>`), swapped for `=`/`≠`, by the difference of the
    /// sides (`-x > -1` and `x < 1`), or proportional (equations by any factor, inequalities by a positive one).
    mutating func compareRelations(_ a: (String, MathNode, MathNode), _ g: (String, MathNode, MathNode)) -> Bool {
        let flip: [String: String] = [">": "<", ">=": "<="]
        let na = flip[a.0].map { ($0, a.2, a.1) } ?? a
        let ng = flip[g.0].map { ($0, g.2, g.1) } ?? g
        guard na.0 == ng.0 else { return false }
        if compare(na.1, ng.1), compare(na.2, ng.2) { return true }
        if na.0 == "in" { return false }
        let da: MathNode = .sum([na.1, .negate(na.2)]), dg: MathNode = .sum([ng.1, .negate(ng.2)])
        if na.0 == "=" || na.0 == "!=" {
            if compare(na.1, ng.2), compare(na.2, ng.1) { return true }
            // `5x - 7y + 11z + 4 = 0` and `-10x + 14y - 22z - 8 = 0`: the differences are proportional.
            return proportional(da, dg, positiveOnly: false)
        }
        if Self.isStructure(na.1) || Self.isStructure(na.2) || Self.isStructure(ng.1) || Self.isStructure(ng.2) { return false }
        return compare(da, dg) || proportional(da, dg, positiveOnly: true)
    }

    // MARK: - assignments as tuples

    /// `x=1, y=2` as the tuple `(1, 2)`; `p=5, q=2, p=7, q=2` as `(5, 2), (7, 2)` (a new tuple starts when a
    /// variable comes back). Nil unless every item is `symbol = value` and every tuple has the same ≥ 2 names.
    static func assignmentTuples(_ items: [MathNode]) -> [MathNode]? {
        guard items.count >= 2, items.count <= 128 else { return nil }
        var groups: [[(String, MathNode)]] = [[]]
        for item in items {
            guard case .relation("=", .symbol(let name), let value) = item, !isStructure(value) else { return nil }
            if groups[groups.count - 1].contains(where: { $0.0 == name }) { groups.append([]) }
            groups[groups.count - 1].append((name, value))
        }
        let names = groups[0].map(\.0)
        guard names.count >= 2, groups.allSatisfy({ $0.map(\.0) == names }) else { return nil }
        return groups.map { .bracketed(open: "(", close: ")", $0.map(\.1)) }
    }

    static func isTuple(_ n: MathNode) -> Bool {
        if case .bracketed(open: "(", close: ")", _) = n { return true }
        return false
    }
}

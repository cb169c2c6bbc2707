// Agreement of two binary detectors on the same responses (paper §2.3 / appendix C, the keyword and
// LLM-judge self-reflection detectors): the 2×2 confusion matrix and Cohen's κ (Cohen 1960),
// κ = (p_o − p_e) / (1 − p_e).

/// The 2×2 confusion matrix of two binary detectors ("first" = keyword, "second" = judge by convention).
public struct ConfusionMatrix: Sendable, Codable, Hashable {
    /// Both detectors fire (the paper's "cross").
    public var both: Int
    public var firstOnly: Int
    public var secondOnly: Int
    public var neither: Int

    public init(both: Int = 0, firstOnly: Int = 0, secondOnly: Int = 0, neither: Int = 0) {
        self.both = both; self.firstOnly = firstOnly; self.secondOnly = secondOnly; self.neither = neither
    }

    /// Builds the matrix from paired decisions.
    public init(pairs: [(first: Bool, second: Bool)]) {
        self.init()
        for p in pairs { add(first: p.first, second: p.second) }
    }

    /// Counts one response.
    public mutating func add(first: Bool, second: Bool) {
        switch (first, second) {
        case (true, true): both += 1
        case (true, false): firstOnly += 1
        case (false, true): secondOnly += 1
        case (false, false): neither += 1
        }
    }

    public var total: Int { both + firstOnly + secondOnly + neither }

    /// Share of responses on which the detectors agree (p_o).
    public var observedAgreement: Double? {
        total == 0 ? nil : Double(both + neither) / Double(total)
    }

    /// Agreement expected by chance from the marginals (p_e).
    public var chanceAgreement: Double? {
        guard total > 0 else { return nil }
        let n = Double(total)
        let p1 = Double(both + firstOnly) / n, p2 = Double(both + secondOnly) / n
        return p1 * p2 + (1 - p1) * (1 - p2)
    }

    /// Cohen's κ; nil when undefined (no responses, or both detectors constant and equal so p_e = 1).
    public var cohensKappa: Double? {
        guard let po = observedAgreement, let pe = chanceAgreement, pe < 1 else { return nil }
        return (po - pe) / (1 - pe)
    }
}

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

extension ConfusionMatrix {
    /// Share of responses on which a detector (first) agrees with a reference (second): p_o by another name,
    /// the figure docs/ANALYSES.md reports as accuracy against the hand-labelled set.
    public var accuracy: Double? { observedAgreement }
    /// Share of responses the first detector fires on.
    public var firstRate: Double? { total == 0 ? nil : Double(both + firstOnly) / Double(total) }
    /// Share of responses the second detector (the reference) fires on.
    public var secondRate: Double? { total == 0 ? nil : Double(both + secondOnly) / Double(total) }
}

/// Whether two rankings of the same groups (templates, by answer rate) agree: every pair the reference
/// orders strictly must be ordered the same way by the detector; pairs the reference ties are not
/// constrained (a tie in a sample says nothing about the order).
public enum RankingAgreement {
    /// A pair of groups the detector orders differently from the reference (`higher` is the reference's higher one).
    public struct Discordance: Sendable, Hashable {
        public var higher: String
        public var lower: String
    }

    /// The reference-strict pairs the detector ties or reverses, in the order of `groups`.
    public static func discordances(detector: [String: Double], reference: [String: Double]) -> [Discordance] {
        let groups = reference.keys.sorted()
        var out = [Discordance]()
        for (i, a) in groups.enumerated() {
            for b in groups[(i + 1)...] {
                guard let ra = reference[a], let rb = reference[b], ra != rb else { continue }
                let (hi, lo) = ra > rb ? (a, b) : (b, a)
                guard let dh = detector[hi], let dl = detector[lo], dh > dl else {
                    out.append(Discordance(higher: hi, lower: lo)); continue
                }
            }
        }
        return out
    }

    /// The groups from highest to lowest rate (ties by name), for messages and docs.
    public static func order(_ rates: [String: Double]) -> [String] {
        rates.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
    }
}

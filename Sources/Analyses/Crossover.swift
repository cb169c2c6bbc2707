// The pass@k crossover of a base model and its RL-tuned version (Yue et al. 2025, "Does reinforcement
// learning really incentivize reasoning capacity…"): RL usually wins at k = 1 and the base model catches
// up, then leads, at large k. Both curves come from the same questions (paired), so the difference at
// each k and the crossover k are bootstrapped by resampling questions jointly, as
// `Bootstrap.pairedDifference` does.
import Inference

/// Base-minus-tuned pass@k at one k, with its paired bootstrap interval.
public struct CrossoverPoint: Sendable, Codable, Hashable {
    public var k: Int
    /// mean over questions of base pass@k − tuned pass@k.
    public var difference: PairedDifference
}

/// Where the base model's pass@k curve meets the tuned model's.
public struct PassAtKCrossover: Sendable, Codable, Hashable {
    /// The paired difference (base − tuned) at each reported k.
    public var points: [CrossoverPoint]
    /// The smallest k (1…maxK) at which base ≥ tuned on the mean curves, given the tuned model led at
    /// k = 1; nil when the base never catches up within maxK, or when the base already leads at k = 1.
    public var crossoverK: Int?
    /// Whether the tuned model led at k = 1 (otherwise there is nothing to cross).
    public var tunedLeadsAtOne: Bool
    /// Percentile interval of the crossover k over bootstrap resamples; resamples without a crossover
    /// count as maxK + 1, so an upper bound of maxK + 1 reads "not within maxK".
    public var crossoverInterval: ClosedRange<Int>?
    /// Share of resamples that cross within maxK.
    public var shareCrossing: Double
    public var maxK: Int
    public var questions: Int

    /// Curves from paired per-question counts (base[i] and tuned[i] are the same question). maxK is
    /// capped at the fewest samples of any question on either side; `ks` are the reported points.
    public init(base: [(n: Int, c: Int)], tuned: [(n: Int, c: Int)], ks: [Int]? = nil,
                resamples: Int = 1000, level: Double = 0.95, seed: UInt64) throws {
        guard base.count == tuned.count else {
            throw AnalysesError.invalidArgument(name: "paired questions", value: "\(base.count) base vs \(tuned.count) tuned",
                                                expected: "the same questions in both runs")
        }
        guard !base.isEmpty else { throw AnalysesError.noQuestions(source: "pass@k crossover") }
        let top = min(base.map(\.n).min() ?? 0, tuned.map(\.n).min() ?? 0)
        let baseCurves = try base.map { try PassAtKCurve(n: $0.n, c: $0.c, maxK: top) }
        let tunedCurves = try tuned.map { try PassAtKCurve(n: $0.n, c: $0.c, maxK: top) }
        let wanted = ks ?? LargeKPassAtK.defaultKs(maxK: top)
        guard wanted.allSatisfy({ (1...top).contains($0) }) else {
            throw AnalysesError.invalidArgument(name: "k", value: "\(wanted)", expected: "values in 1...\(top) (the fewest samples of any question)")
        }
        // diff[i][k-1] = base − tuned for question i.
        let diff = zip(baseCurves, tunedCurves).map { b, t in zip(b.values, t.values).map { $0 - $1 } }
        maxK = top
        questions = base.count
        points = try wanted.map { k in
            CrossoverPoint(k: k, difference: try Bootstrap.pairedDifference(
                baseCurves.map { $0.values[k - 1] }, tunedCurves.map { $0.values[k - 1] },
                resamples: resamples, level: level, seed: seed &+ UInt64(k)))
        }
        let all = Array(0..<diff.count)
        let (leads, cross) = Self.crossing(diff, rows: all, maxK: top)
        tunedLeadsAtOne = leads
        crossoverK = cross
        // Resample questions; each resample's crossover (maxK + 1 when none) gives the interval.
        var rng = SplitMix64(seed: seed)
        var ks = [Double](), crossing = 0
        for _ in 0..<max(resamples, 1) {
            let rows = (0..<diff.count).map { _ in Bootstrap.index(diff.count, &rng) }
            let (l, c) = Self.crossing(diff, rows: rows, maxK: top)
            if l, let c { ks.append(Double(c)); crossing += 1 } else { ks.append(Double(top + 1)) }
        }
        ks.sort()
        let alpha = (1 - level) / 2
        shareCrossing = Double(crossing) / Double(max(resamples, 1))
        crossoverInterval = leads
            ? Int(Bootstrap.quantile(ks, alpha).rounded(.down))...Int(Bootstrap.quantile(ks, 1 - alpha).rounded(.up))
            : nil
    }

    /// (tuned leads at k = 1, first k where the mean base − tuned over `rows` is ≥ 0).
    static func crossing(_ diff: [[Double]], rows: [Int], maxK: Int) -> (Bool, Int?) {
        func mean(_ k: Int) -> Double { rows.reduce(0) { $0 + diff[$1][k - 1] } / Double(rows.count) }
        guard mean(1) < 0 else { return (false, nil) }
        for k in 2...max(maxK, 2) where k <= maxK && mean(k) >= 0 { return (true, k) }
        return (true, nil)
    }
}

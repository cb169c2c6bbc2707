// Confidence intervals: Wilson score intervals for rates (Wilson 1927; the interval Agresti & Coull
// 1998 recommend over the normal one for small n), and percentile bootstrap intervals over questions
// (Efron & Tibshirani 1993, ch. 13), including the paired bootstrap for model-vs-model differences
// (questions resampled jointly, as in Koehn 2004 / Dror et al. 2018).
import Inference

/// A point estimate with a two-sided interval.
public struct ConfidenceInterval: Sendable, Codable, Hashable {
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    /// Coverage, e.g. 0.95.
    public var level: Double
    /// How the interval was computed ("wilson", "bootstrap-percentile/1000/seed 7", "degenerate").
    public var method: String
    public init(estimate: Double, lower: Double, upper: Double, level: Double, method: String) {
        self.estimate = estimate; self.lower = lower; self.upper = upper; self.level = level; self.method = method
    }
}

/// Wilson score interval for a binomial rate.
public enum WilsonInterval {
    /// The interval for `successes` out of `trials`; z defaults to the 95% normal quantile.
    /// With zero trials the estimate is 0 and the interval the whole [0, 1].
    public static func interval(successes: Int, trials: Int, z: Double = 1.959963984540054,
                                level: Double = 0.95) throws -> ConfidenceInterval {
        guard trials >= 0, (0...max(trials, 0)).contains(successes) else {
            throw AnalysesError.invalidArgument(name: "successes", value: "\(successes) of \(trials)",
                                                expected: "0 ≤ successes ≤ trials")
        }
        guard trials > 0 else { return ConfidenceInterval(estimate: 0, lower: 0, upper: 1, level: level, method: "wilson") }
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return ConfidenceInterval(estimate: p, lower: max(0, centre - half), upper: min(1, centre + half),
                                  level: level, method: "wilson")
    }
}

/// A model-vs-model difference (A − B) with its paired bootstrap interval.
public struct PairedDifference: Sendable, Codable, Hashable {
    /// Mean over questions of a − b, with the interval.
    public var difference: ConfidenceInterval
    /// Share of bootstrap resamples in which A's mean exceeds B's (a one-sided confidence that A is better).
    public var shareAHigher: Double
    public var questions: Int
    public init(difference: ConfidenceInterval, shareAHigher: Double, questions: Int) {
        self.difference = difference; self.shareAHigher = shareAHigher; self.questions = questions
    }
}

/// Percentile bootstrap over questions with an explicit SplitMix64 seed, so a figure is reproducible.
public enum Bootstrap {
    /// A uniform index in 0..<n: Lemire's multiply-high on one SplitMix64 draw (bias < n / 2^64).
    static func index(_ n: Int, _ rng: inout SplitMix64) -> Int {
        Int(rng.next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// The q-quantile of sorted values with linear interpolation (numpy's default "linear" method).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard let first = sorted.first else { return 0 }
        if sorted.count == 1 { return first }
        let pos = q * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (pos - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    static func check(_ count: Int, _ resamples: Int, _ level: Double) throws {
        guard count > 0 else { throw AnalysesError.noQuestions(source: "bootstrap") }
        guard resamples >= 1 else {
            throw AnalysesError.invalidArgument(name: "resamples", value: "\(resamples)", expected: "at least 1")
        }
        guard level > 0, level < 1 else {
            throw AnalysesError.invalidArgument(name: "level", value: "\(level)", expected: "a coverage in (0, 1)")
        }
    }

    /// Interval for the mean of per-question values (e.g. per-question pass@k) by resampling questions.
    public static func meanInterval(_ values: [Double], resamples: Int = 1000, level: Double = 0.95,
                                    seed: UInt64) throws -> ConfidenceInterval {
        try check(values.count, resamples, level)
        let n = values.count
        let mean = values.reduce(0, +) / Double(n)
        var rng = SplitMix64(seed: seed)
        var stats = [Double]()
        stats.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var s = 0.0
            for _ in 0..<n { s += values[index(n, &rng)] }
            stats.append(s / Double(n))
        }
        stats.sort()
        let alpha = (1 - level) / 2
        return ConfidenceInterval(estimate: mean, lower: quantile(stats, alpha), upper: quantile(stats, 1 - alpha),
                                  level: level, method: "bootstrap-percentile/\(resamples)/seed \(seed)")
    }

    /// Paired bootstrap of mean(a) − mean(b), where a[i] and b[i] are the same question under two models.
    public static func pairedDifference(_ a: [Double], _ b: [Double], resamples: Int = 1000, level: Double = 0.95,
                                        seed: UInt64) throws -> PairedDifference {
        guard a.count == b.count else {
            throw AnalysesError.invalidArgument(name: "paired values", value: "\(a.count) vs \(b.count)",
                                                expected: "the same questions for both models")
        }
        try check(a.count, resamples, level)
        let n = a.count
        let diffs = zip(a, b).map { $0 - $1 }
        var rng = SplitMix64(seed: seed)
        var stats = [Double](), higher = 0
        stats.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var s = 0.0
            for _ in 0..<n { s += diffs[index(n, &rng)] }
            stats.append(s / Double(n))
            if s > 0 { higher += 1 }
        }
        stats.sort()
        let alpha = (1 - level) / 2
        let ci = ConfidenceInterval(estimate: diffs.reduce(0, +) / Double(n), lower: quantile(stats, alpha),
                                    upper: quantile(stats, 1 - alpha), level: level,
                                    method: "paired-bootstrap-percentile/\(resamples)/seed \(seed)")
        return PairedDifference(difference: ci, shareAHigher: Double(higher) / Double(resamples), questions: n)
    }
}

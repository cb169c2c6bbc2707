// Figures a report shows that are derived from stored results rather than stored themselves: Wilson
// intervals for counts, a non-degenerate interval where a bootstrap collapses at 0 or 1 (every
// question resampled gives the same mean), the bin edges of the reflection-accuracy histogram, and
// the RL objective's name from the stored run config. Reports calls these and computes nothing.
import Foundation

/// Derived figures for reports, all computed from stored results or stored config.
public enum ReportedFigures {
    /// `hits / trials` with its 95% Wilson interval; nil when there are no trials.
    public static func rate(_ hits: Int, of trials: Int) -> ConfidenceInterval? {
        guard trials > 0 else { return nil }
        return try? WilsonInterval.interval(successes: min(max(hits, 0), trials), trials: trials)
    }

    /// A stored rate over `trials` items (e.g. a format rate over samples) with its Wilson interval;
    /// the count is recovered as rate × trials rounded.
    public static func rate(_ share: Double, over trials: Int) -> ConfidenceInterval? {
        guard share.isFinite else { return nil }
        return rate(Int((share * Double(trials)).rounded()), of: trials)
    }

    /// `ci` itself unless it is degenerate (lower = upper) at 0 or 1, as a percentile bootstrap is when
    /// every question has the same value; then the Wilson interval of the estimate over `trials`.
    public static func nonDegenerate(_ ci: ConfidenceInterval, trials: Int) -> ConfidenceInterval {
        guard ci.lower == ci.upper, ci.estimate <= 0 || ci.estimate >= 1, let w = rate(ci.estimate, over: trials) else { return ci }
        return ConfidenceInterval(estimate: ci.estimate, lower: w.lower, upper: w.upper, level: w.level,
                                  method: "wilson (the bootstrap is degenerate at \(ci.estimate <= 0 ? 0 : 1))")
    }

    /// Share of correct samples at one temperature with its Wilson interval over all k × questions samples.
    public static func sampleAccuracy(_ t: TemperatureExploration, k: Int) -> ConfidenceInterval? {
        let trials = t.questions * k
        guard !t.correctPerQuestion.isEmpty else { return rate(t.sampleAccuracy, over: trials) }
        return rate(t.correctPerQuestion.values.reduce(0, +), of: trials)
    }

    /// The bin edges of the accuracy-difference histogram (`AccuracyGaps.histogram`): `bins` equal bins over [−1, 1].
    public static func accuracyGapEdges(bins: Int) -> [Double] {
        bins > 0 ? (0...bins).map { -1 + 2 * Double($0) / Double(bins) } : []
    }

    /// The RL objective recorded in the run config: the first JSON object under a key named
    /// "objective", named Dr. GRPO / GRPO when its settings match the paper's definitions.
    public static func objective(config: [String: String]) -> String? {
        for key in config.keys.sorted() {
            guard let data = config[key]?.data(using: .utf8),
                  let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { continue }
            if key.lowercased().contains("objective"), let s = json as? String { return s }
            if let found = find("objective", in: json) { return describeObjective(found) }
        }
        return nil
    }

    static func find(_ key: String, in json: Any) -> Any? {
        if let d = json as? [String: Any] {
            if let v = d[key] { return v }
            for k in d.keys.sorted() { if let v = d[k].flatMap({ find(key, in: $0) }) { return v } }
        } else if let a = json as? [Any] {
            for v in a { if let f = find(key, in: v) { return f } }
        }
        return nil
    }

    static func describeObjective(_ json: Any) -> String {
        guard let d = json as? [String: Any] else { return "\(json)" }
        let scale = d["scaleByStd"] as? Bool, aggregation = d["aggregation"] as? String, baseline = d["baseline"] as? String
        let name: String
        switch (scale, aggregation) {
        case (false?, "seq-mean-token-sum-norm"?): name = "Dr. GRPO"
        case (true?, "seq-mean-token-mean"?): name = "GRPO"
        default: name = "custom objective"
        }
        var parts: [String] = []
        if let baseline { parts.append("baseline \(baseline)") }
        if let scale { parts.append(scale ? "advantages / std" : "no std scaling") }
        if let aggregation { parts.append("aggregation \(aggregation)") }
        if let kl = (d["klCoefficient"] as? NSNumber)?.doubleValue { parts.append("KL β \(String(format: "%g", kl))") }
        return parts.isEmpty ? name : "\(name) (\(parts.joined(separator: ", ")))"
    }
}

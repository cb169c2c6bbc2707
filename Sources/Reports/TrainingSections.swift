// Training curves from the per-step metrics the trainer stores in the run store (paper Fig. 6: reward,
// and response length split by correct / incorrect responses, over policy steps). Metric names are
// grouped by what they contain ("reward"/"accuracy", "length", anything else), so a new metric
// shows up without changing the report.
import Foundation
import Analyses
import RunStore

/// Builds the training-curve section from stored per-step metrics.
public enum TrainingSections {
    /// A metric's name and its (step, value) points.
    public struct Curve: Sendable {
        /// The stored metric name, e.g. `train.reward`.
        public var name: String
        /// (step, value) in step order.
        public var points: [(step: Int, value: Double)]
        /// Creates a curve.
        public init(name: String, points: [(step: Int, value: Double)]) { self.name = name; self.points = points }
    }

    /// Per-step curves from stored metrics: every metric not written by an analysis
    /// (`analysis.*`) that has at least two steps.
    public static func curves(from metrics: [StoredMetric]) -> [Curve] {
        var byName: [String: [(Int, Double)]] = [:]
        for m in metrics where !m.name.hasPrefix("analysis.") && m.value.isFinite {
            byName[m.name, default: []].append((m.step, m.value))
        }
        return byName.filter { $0.value.count >= 2 }.keys.sorted().map { name in
            Curve(name: name, points: (byName[name] ?? []).sorted { $0.0 < $1.0 }.map { (step: $0.0, value: $0.1) })
        }
    }

    /// Which chart a curve belongs to (the trainer logs `train/reward`, `train/mean_length_correct`…).
    static func group(_ name: String) -> String {
        let n = name.lowercased()
        if n.contains("per_second") || n.contains("tokens_per") { return "throughput" }
        if n.hasSuffix("lr") || n.contains("learning_rate") || n.contains("learning-rate") { return "learning rate" }
        if n.contains("reward") || n.contains("accuracy") { return "reward" }
        if n.contains("length") { return "length" }
        if n.hasSuffix("_share") || n.contains("share") { return "shares" }
        return name
    }

    /// Chart order: the paper's Fig. 6 panels first, then optimisation health, then speed.
    static func rank(_ g: String) -> Int {
        let order = ["reward", "length", "shares"]
        if let i = order.firstIndex(of: g) { return i }
        if g == "throughput" { return 90 }
        for (i, key) in ["loss", "kl", "entropy", "grad_norm", "clip_fraction"].enumerated() where g.hasSuffix(key) { return 10 + i }
        return 50
    }

    /// The RL objective recorded in the run config, as named by `Analyses.ReportedFigures.objective`.
    public static func objective(config: [String: String]) -> String? { ReportedFigures.objective(config: config) }

    /// A metric's legend in words: `train/mean_length_correct` → "mean length of correct responses".
    public static func legend(_ name: String) -> String {
        var n = name
        for prefix in ["train/", "train.", "training/", "training.", "eval/", "eval."] where n.hasPrefix(prefix) {
            n.removeFirst(prefix.count); break
        }
        let known: [String: String] = [
            "reward": "mean reward", "accuracy": "accuracy", "lr": "learning rate", "learning_rate": "learning rate",
            "loss": "policy loss", "kl": "KL divergence to the reference", "entropy": "token entropy",
            "grad_norm": "gradient norm", "clip_fraction": "share of clipped ratios",
            "mean_length": "mean response length", "mean_length_correct": "mean length of correct responses",
            "mean_length_incorrect": "mean length of incorrect responses",
            "truncated_share": "share of truncated responses", "no_answer_share": "share of responses without an answer",
            "zero_variance_share": "share of groups with zero reward variance",
            "tokens_per_second": "tokens per second",
        ]
        if let words = known[n.lowercased()] { return words }
        return n.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "/", with: " · ")
            .replacingOccurrences(of: ".", with: " ")
    }

    /// The training section: reward/accuracy curves, response-length curves (correct vs incorrect),
    /// then one chart per other metric (loss, KL, gradient norm…).
    public static func section(curves: [Curve], model: String?, objective: String?) -> ReportSection {
        var order: [String] = [], groups: [String: [Curve]] = [:]
        for c in curves {
            let g = group(c.name)
            if groups[g] == nil { order.append(g) }
            groups[g, default: []].append(c)
        }
        order.sort { rank($0) < rank($1) }
        let charts = order.prefix(8).map { g -> ChartSpec in
            let cs = groups[g] ?? []
            let title: String, y: ChartAxis
            switch g {
            case "reward": title = "Reward and accuracy over training"; y = ChartAxis("mean per step")
            case "length": title = "Response length over training (correct vs incorrect)"; y = ChartAxis("completion tokens")
            case "shares": title = "Truncated, unanswered and zero-variance shares"; y = ChartAxis("share of responses or groups", format: .percent, min: 0, max: 1)
            case "learning rate": title = "Learning rate"; y = ChartAxis("learning rate (scientific notation)")
            case "throughput": title = "Throughput"; y = ChartAxis("tokens per second")
            default: title = g; y = ChartAxis(g)
            }
            return ChartSpec(title: title, x: ChartAxis("policy step", format: .integer), y: y,
                             data: .lines(cs.map { c in
                                 LineSeries(name: legend(c.name), points: c.points.map { LinePoint(x: Double($0.step), y: ChartValue($0.value)) })
                             }))
        }
        let steps = Set(curves.flatMap { $0.points.map(\.step) }).sorted()
        let lastRows = curves.map { c in [legend(c.name) + " (" + c.name + ")", "\(c.points.count)", c.points.first.map { ChartNumber.format($0.value, as: .number) } ?? "–",
                                          c.points.last.map { ChartNumber.format($0.value, as: .number) } ?? "–"] }
        var provenance: [ReportFact] = []
        if let model { provenance.append(ReportFact("model", model)) }
        if let objective { provenance.append(ReportFact("objective", objective)) }
        if let first = steps.first, let last = steps.last { provenance.append(ReportFact("steps", "\(first)–\(last)")) }
        return ReportSection(
            id: "training", title: "Training curves",
            caption: ReportCaption(
                measures: "Per-step reward and accuracy, and mean response length of correct and incorrect responses, over RL policy steps (paper Fig. 6); compare GRPO and Dr. GRPO runs with `r1audit compare`.",
                method: "Values as logged by the trainer at each step (means over the step's rollouts), not smoothed.",
                provenance: provenance),
            charts: Array(charts),
            table: lastRows.isEmpty ? nil : ReportTable(columns: ["metric", "steps", "first", "last"], rows: lastRows))
    }

}

// Report documents used across ReportsTests: a full audit-shaped document with every chart kind,
// hostile model output, and an empty one. Built in code, no files.
@testable import Reports

enum Fixtures {
    /// Text a model might emit to break out of HTML, SVG, Markdown or a textarea.
    static let hostile = "<script>alert('x')</script></textarea></pre>\"'&amp; ]]> <!-- `` ``` | **bold** \u{0}\u{1B}[31m <svg onload=alert(1)>"

    static let wilson = ChartValue(0.42, lower: 0.35, upper: 0.5)

    static func fullDocument(response: String = "Let me verify: 2 + 2 = 4. Wait, recheck… \\boxed{4}") -> ReportDocument {
        let provenance = [ReportFact("model", "SmolLM2-135M"), ReportFact("template", "qwen-math"),
                          ReportFact("temperature", "0"), ReportFact("judge", "keyword rules")]
        let answerability = ReportSection(
            id: "answerability", title: "Answer rate by template",
            caption: ReportCaption(measures: "share of questions with a gradable final answer",
                                   method: "greedy decoding, 95% Wilson interval", provenance: provenance),
            charts: [ChartSpec(title: "Answer rate by template", x: ChartAxis("template"),
                               y: ChartAxis("answer rate", format: .percent, min: 0, max: 1),
                               data: .bars(categories: ["r1", "qwen-math", "none"],
                                           series: [BarSeries(name: "SmolLM2", values: [wilson, ChartValue(0.8, lower: 0.7, upper: 0.88), nil])]))])
        let passAtK = ReportSection(
            id: "pass-at-k", title: "pass@k vs temperature",
            caption: ReportCaption(measures: "pass@k", method: "unbiased estimator (Chen et al. 2021), bootstrap CI"),
            charts: [ChartSpec(title: "pass@k", x: ChartAxis("temperature"), y: ChartAxis("pass@k", format: .percent),
                               data: .lines([
                                   LineSeries(name: "k=1", points: [LinePoint(x: 0, y: ChartValue(0.2, lower: 0.1, upper: 0.3)),
                                                                   LinePoint(x: 0.6, y: ChartValue(0.25, lower: 0.15, upper: 0.35)),
                                                                   LinePoint(x: 1.0, y: ChartValue(0.22, lower: 0.12, upper: 0.32))]),
                                   LineSeries(name: "k=8", points: [LinePoint(x: 0, y: ChartValue(0.2)), LinePoint(x: 0.6, y: ChartValue(0.5)),
                                                                   LinePoint(x: 1.0, y: ChartValue(0.6))]),
                               ]))])
        let keywords = ReportSection(
            id: "keywords", title: "Reflection keywords",
            caption: ReportCaption(measures: "responses containing each keyword", method: "case-insensitive match"),
            charts: [ChartSpec(title: "Keyword counts", x: ChartAxis("keyword"), y: ChartAxis("responses", scale: .log, format: .integer),
                               data: .bars(categories: ["wait", "recheck", "verify", "re-evaluate"],
                                           series: [BarSeries(name: "count", values: [ChartValue(1200), ChartValue(35), ChartValue(4), ChartValue(0)])]))])
        let confusion = ReportSection(
            id: "confusion", title: "Keyword vs judge",
            caption: ReportCaption(measures: "agreement", method: "confusion matrix"),
            charts: [ChartSpec(title: "Confusion", x: ChartAxis("judge"), y: ChartAxis("keyword", format: .integer),
                               data: .heatmap(HeatMap(rows: ["keyword yes", "keyword no"], columns: ["judge yes", "judge no"],
                                                      values: [[40, 12], [3, 945]])))])
        let lengths = ReportSection(
            id: "lengths", title: "Response length",
            caption: ReportCaption(measures: "tokens per response", method: "histogram"),
            charts: [ChartSpec(title: "Length by correctness", x: ChartAxis("tokens", format: .integer), y: ChartAxis("responses", format: .integer),
                               data: .histogram(of: [(name: "correct", values: [10, 20, 30, 35, 40]), (name: "incorrect", values: [50, 60, 200, 210])], bins: 5))])
        let bench = ReportSection(
            id: "benchmarks", title: "Benchmarks",
            caption: ReportCaption(measures: "accuracy", method: "greedy"),
            table: ReportTable(columns: ["model", "AIME24", "MATH500"], rows: [["SmolLM2", "0.0", "3.2"], ["a|b", "1"]]))
        let samples = ReportSection(
            id: "samples", title: "Sample browser",
            caption: ReportCaption(measures: "responses verbatim", method: "first few per category"),
            samples: [ReportSample(category: "reflection detected", questionID: "q1", labels: [ReportFact("judge", "yes")],
                                   prompt: "What is 2+2?", response: response),
                      ReportSample(category: "incorrect", questionID: "q2", response: hostile)])
        let empty = ReportSection(id: "training", title: "Training curves",
                                  caption: ReportCaption(measures: "reward", method: "per step"))
        return ReportDocument(title: "Audit of SmolLM2", models: ["SmolLM2-135M"],
                              metadata: [ReportFact("run", "default"), ReportFact("seed", "42")],
                              sections: [answerability, passAtK, keywords, confusion, lengths, bench, samples, empty])
    }
}

// The report as data: what `ReportBuilder` produces from a run store and what `ReportRenderer`
// turns into Markdown and HTML. Charts are stored as numbers (`ChartSpec`), never as SVG, so a
// document can be saved as JSON, compared across runs, and re-rendered with edited templates.
// Section captions follow the paper's figure captions (Liu et al. 2025, "Understanding R1-Zero-Like
// Training"): what is measured, how, and by which model, template, temperature and judge.

/// A complete report: title, the model(s) it covers, run metadata and its sections in order.
public struct ReportDocument: Sendable, Codable, Hashable {
    /// Shown as the page title and the first heading.
    public var title: String
    /// The model(s) the report covers (one for `report`, several for `compare`).
    public var models: [String]
    /// Run facts shown under the title (run name, dataset, seed, created, r1audit version…).
    public var metadata: [ReportFact]
    /// The sections, in reading order.
    public var sections: [ReportSection]

    /// Creates a document.
    public init(title: String, models: [String], metadata: [ReportFact] = [], sections: [ReportSection] = []) {
        self.title = title; self.models = models; self.metadata = metadata; self.sections = sections
    }
}

/// A labelled fact such as `template: qwen-math` or `temperature: 0.6`.
public struct ReportFact: Sendable, Codable, Hashable {
    /// The label ("model", "judge", "seed").
    public var key: String
    /// The value, shown verbatim (escaped).
    public var value: String
    /// Creates a fact.
    public init(_ key: String, _ value: String) { self.key = key; self.value = value }
}

/// What a section (and its chart) shows: what is measured, how, and what produced it.
public struct ReportCaption: Sendable, Codable, Hashable {
    /// What the numbers measure ("share of questions whose response contains a gradable answer").
    public var measures: String
    /// How they were computed ("greedy decoding, 95% Wilson interval over questions").
    public var method: String
    /// Which model, template, temperature and judge made them.
    public var provenance: [ReportFact]

    /// Creates a caption.
    public init(measures: String, method: String, provenance: [ReportFact] = []) {
        self.measures = measures; self.method = method; self.provenance = provenance
    }
}

/// A plain table (Table 1 style benchmark scores, confusion counts, per-step figures).
public struct ReportTable: Sendable, Codable, Hashable {
    /// Column headings.
    public var columns: [String]
    /// Rows of cells; each row has `columns.count` cells (short rows are padded when rendered).
    public var rows: [[String]]
    /// Creates a table.
    public init(columns: [String], rows: [[String]]) { self.columns = columns; self.rows = rows }
    /// True when there are no rows to show.
    public var isEmpty: Bool { rows.isEmpty }
}

/// One model response shown verbatim in the sample browser. Its text is untrusted model output.
public struct ReportSample: Sendable, Codable, Hashable {
    /// The category it illustrates ("reflection detected", "keyword and judge disagree", "correct").
    public var category: String
    /// The question id in its dataset.
    public var questionID: String
    /// Extra labels shown with the sample (model, template, temperature, verdicts).
    public var labels: [ReportFact]
    /// The prompt or question (may be abbreviated by the builder).
    public var prompt: String
    /// The response text, verbatim.
    public var response: String
    /// Creates a sample.
    public init(category: String, questionID: String, labels: [ReportFact] = [], prompt: String = "", response: String) {
        self.category = category; self.questionID = questionID; self.labels = labels
        self.prompt = prompt; self.response = response
    }
}

/// One part of a report: a caption, and any of a chart, a table, samples and notes.
/// A section with none of them renders a "no data" note instead.
public struct ReportSection: Sendable, Codable, Hashable {
    /// A stable anchor ("answerability", "pass-at-k"); also used to match sections across runs.
    public var id: String
    /// The heading.
    public var title: String
    /// What it measures, how, and what produced it.
    public var caption: ReportCaption
    /// The charts, drawn in order (several when comparing runs side by side).
    public var charts: [ChartSpec]
    /// A table shown after the charts.
    public var table: ReportTable?
    /// Verbatim responses (the sample browser).
    public var samples: [ReportSample]
    /// Extra remarks, such as why a section has no data.
    public var notes: [String]
    /// How many responses of the run fall in each sample category (more than the examples shown),
    /// by category name; a category without an entry shows only its example count.
    public var sampleTotals: [String: Int]

    /// Creates a section.
    public init(id: String, title: String, caption: ReportCaption, charts: [ChartSpec] = [],
                table: ReportTable? = nil, samples: [ReportSample] = [], notes: [String] = [],
                sampleTotals: [String: Int] = [:]) {
        self.id = id; self.title = title; self.caption = caption; self.charts = charts
        self.table = table; self.samples = samples; self.notes = notes; self.sampleTotals = sampleTotals
    }

    /// True when the section has nothing to draw, tabulate or show.
    public var hasNoData: Bool {
        charts.allSatisfy(\.data.isEmpty) && (table?.isEmpty ?? true) && samples.isEmpty
    }
}

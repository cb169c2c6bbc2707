// The view model handed to the Mustache templates in reports/: flat structs that swift-mustache
// reads by reflection (its `Mirror` lookup). Strings here are raw text; the template's content type
// escapes them (HTML by default, MARKDOWN for report.md), except `svg`, which `SVGChart` escaped
// itself and templates insert with triple braces.

/// The root object both templates render.
struct DocumentView {
    let title: String
    let models: String
    let plural: Bool
    let metadata: [FactView]
    let hasMetadata: Bool
    let sections: [SectionView]
    let generator: String

    init(_ doc: ReportDocument, withSVG: Bool) throws {
        title = clean(doc.title)
        models = clean(doc.models.joined(separator: ", "))
        plural = doc.models.count > 1
        metadata = doc.metadata.map(FactView.init)
        hasMetadata = !doc.metadata.isEmpty
        sections = try doc.sections.map { try SectionView($0, withSVG: withSVG) }
        generator = "r1audit"
    }
}

/// A key and value.
struct FactView {
    let key: String
    let value: String
    init(_ fact: ReportFact) { key = clean(fact.key); value = clean(fact.value) }
}

/// One section, with everything precomputed so the templates need no logic.
struct SectionView {
    let id: String
    let anchor: String
    let title: String
    let measures: String
    let method: String
    let provenance: [FactView]
    let hasProvenance: Bool
    let charts: [ChartView]
    let table: TableView?
    let notes: [String]
    let hasNotes: Bool
    let sampleGroups: [SampleGroupView]
    let hasSamples: Bool
    let noData: Bool

    init(_ s: ReportSection, withSVG: Bool) throws {
        id = ReportAnchors.htmlID(s.id)
        anchor = ReportAnchors.githubSlug(s.title)
        title = clean(s.title)
        measures = clean(s.caption.measures)
        method = clean(s.caption.method)
        provenance = s.caption.provenance.map(FactView.init)
        hasProvenance = !provenance.isEmpty
        charts = try s.charts.filter { !$0.data.isEmpty }.map { try ChartView($0, withSVG: withSVG) }
        table = s.table.flatMap { $0.isEmpty ? nil : TableView($0) }
        notes = s.notes.map(clean)
        hasNotes = !notes.isEmpty
        var order: [String] = [], groups: [String: [SampleView]] = [:]
        for sample in s.samples {
            if groups[sample.category] == nil { order.append(sample.category) }
            groups[sample.category, default: []].append(SampleView(sample))
        }
        sampleGroups = order.map { c in
            let shown = groups[c]?.count ?? 0
            let count = s.sampleTotals[c].map { $0 > shown ? "\(shown) shown of \($0)" : "\($0)" } ?? "\(shown)"
            return SampleGroupView(category: clean(c), count: count, samples: groups[c] ?? [])
        }
        hasSamples = !sampleGroups.isEmpty
        noData = s.hasNoData
    }
}

/// A chart: its SVG (HTML only) and the table of its numbers.
struct ChartView {
    let title: String
    let svg: String
    let table: TableView
    init(_ spec: ChartSpec, withSVG: Bool) throws {
        title = clean(spec.title)
        svg = withSVG ? try SVGChart(spec).render() : ""
        table = TableView(ChartTable.table(for: spec))
    }
}

/// A table with rows padded to the header width.
struct TableView {
    let header: [String]
    let rows: [RowView]
    init(_ t: ReportTable) {
        header = t.columns.map(clean)
        let width = t.columns.count
        rows = t.rows.map { row in
            let cells = row.map(clean)
            return RowView(cells: cells.count >= width || width == 0 ? cells : cells + Array(repeating: "", count: width - cells.count))
        }
    }
}

/// One table row.
struct RowView { let cells: [String] }

/// Samples of one category.
struct SampleGroupView {
    let category: String
    /// "3", or "3 shown of 42" when the run holds more responses of the category than are shown.
    let count: String
    let samples: [SampleView]
}

/// One verbatim response.
struct SampleView {
    let questionID: String
    let labels: [FactView]
    let hasLabels: Bool
    let prompt: String
    let hasPrompt: Bool
    let response: String
    let responseFenced: String
    init(_ s: ReportSample) {
        questionID = clean(s.questionID)
        labels = s.labels.map(FactView.init)
        hasLabels = !s.labels.isEmpty
        prompt = clean(s.prompt)
        hasPrompt = !s.prompt.isEmpty
        let shown = SampleView.displayed(s.response)
        response = clean(shown)
        responseFenced = MarkupEscaping.markdownFenced(shown)
    }

    /// The response as shown: "(empty response)" for an empty one, a note for whitespace only.
    static func displayed(_ response: String) -> String {
        if response.isEmpty { return "(empty response)" }
        if response.allSatisfy(\.isWhitespace) { return "(whitespace only: \(response.unicodeScalars.count) characters)" }
        return response
    }
}

/// Removes characters no XML/HTML document may hold and shows bidi/zero-width controls as
/// `⟨U+XXXX⟩`; escaping is left to the template.
private func clean(_ s: String) -> String {
    MarkupEscaping.removingForbiddenControls(MarkupEscaping.revealingInvisibleControls(s))
}

/// Anchor names for sections.
enum ReportAnchors {
    /// A safe HTML id: lowercase ASCII letters, digits and hyphens, never empty.
    static func htmlID(_ s: String) -> String {
        let mapped = s.lowercased().unicodeScalars.map { c -> Character in
            (c.isASCII && (CharacterSetASCII.alnum(c))) ? Character(c) : "-"
        }
        let id = String(mapped).split(separator: "-").joined(separator: "-")
        return id.isEmpty ? "section" : "s-" + id
    }

    /// GitHub's heading anchor: lowercase, punctuation dropped, spaces to hyphens.
    static func githubSlug(_ s: String) -> String {
        var out = ""
        for ch in s.lowercased() {
            if ch == " " { out.append("-") } else if ch.isLetter || ch.isNumber || ch == "-" || ch == "_" { out.append(ch) }
        }
        return out
    }
}

/// ASCII letter/digit test without Foundation's CharacterSet.
private enum CharacterSetASCII {
    static func alnum(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "0" && c <= "9")
    }
}

// Puts several runs' reports side by side in one document (`r1audit compare`), as the paper's
// figures compare models: matching sections (by id) are merged, bar and line charts are overlaid
// with one series per run (grouped bars share the union of categories), heat maps stay one per run,
// tables gain a leading "run" column, and samples are labelled with their run.
import Foundation

/// Merges reports of several runs.
public enum ReportComparison {
    /// One document comparing `reports` (run name, its document), in the given order.
    /// `settings` (run → "k 8, n 60, template r1, …") is appended to the title of every chart that
    /// overlays several runs, so each series is read with the settings that made it.
    public static func merge(_ reports: [(run: String, document: ReportDocument)], settings: [String: String] = [:]) -> ReportDocument {
        var order: [String] = []
        var byID: [String: [(run: String, section: ReportSection)]] = [:]
        for (run, doc) in reports {
            for s in doc.sections {
                if byID[s.id] == nil { order.append(s.id) }
                byID[s.id, default: []].append((run, s))
            }
        }
        var models: [String] = [], seen = Set<String>()
        for m in reports.flatMap(\.document.models) where seen.insert(m).inserted { models.append(m) }
        let metadata = reports.map { run, doc in
            let facts = Dictionary(doc.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            let detail = ["samples", "completion tokens", "store"].compactMap { k in facts[k].map { "\(k) \($0)" } }
            return ReportFact("run \(run)", (doc.models.joined(separator: ", ") + "; " + detail.joined(separator: "; ")))
        }
        return ReportDocument(title: "r1audit comparison: " + reports.map(\.run).joined(separator: " vs "),
                              models: models, metadata: metadata,
                              sections: order.map { merge(byID[$0] ?? [], settings: settings) })
    }

    /// Merges the same section from several runs.
    static func merge(_ parts: [(run: String, section: ReportSection)], settings: [String: String] = [:]) -> ReportSection {
        guard var out = parts.first?.section else {
            return ReportSection(id: "empty", title: "", caption: ReportCaption(measures: "", method: ""))
        }
        guard parts.count > 1 else { return out }
        out.caption.provenance = mergeFacts(parts.map { ($0.run, $0.section.caption.provenance) })
        let chartCount = parts.map(\.section.charts.count).max() ?? 0
        out.charts = (0..<chartCount).flatMap { j in
            let charts = parts.compactMap { j < $0.section.charts.count ? ($0.run, $0.section.charts[j]) : nil }
            let merged = mergeCharts(charts)
            guard merged.count == 1, charts.count > 1, !settings.isEmpty else { return merged }
            let titled = charts.map { run, _ in "\(run): \(settings[run] ?? "settings not stored")" }.joined(separator: "; ")
            return merged.map { c in var c = c; c.title += " — " + titled; return c }
        }
        out.table = mergeTables(parts.compactMap { p in p.section.table.map { (p.run, $0) } })
        out.samples = parts.flatMap { p in
            p.section.samples.map { s in
                var s = s
                s.labels.insert(ReportFact("run", p.run), at: 0)
                return s
            }
        }
        out.notes = parts.flatMap { p in p.section.notes.map { "\(p.run): \($0)" } }
        out.sampleTotals = parts.reduce(into: [:]) { totals, p in
            for (c, n) in p.section.sampleTotals { totals[c, default: 0] += n }
        }
        return out
    }

    /// One fact per key when all runs agree, else one per run ("temperature (runA)").
    static func mergeFacts(_ lists: [(run: String, facts: [ReportFact])]) -> [ReportFact] {
        var keys: [String] = []
        for (_, facts) in lists { for f in facts where !keys.contains(f.key) { keys.append(f.key) } }
        return keys.flatMap { key -> [ReportFact] in
            let values = lists.map { l in (l.run, l.facts.first { $0.key == key }?.value) }
            let distinct = Set(values.compactMap(\.1))
            if distinct.count == 1, values.allSatisfy({ $0.1 != nil }), let v = distinct.first { return [ReportFact(key, v)] }
            return values.compactMap { run, v in v.map { ReportFact("\(key) (\(run))", $0) } }
        }
    }

    /// Overlays charts of the same kind (series renamed after their run); others stay separate.
    static func mergeCharts(_ charts: [(run: String, chart: ChartSpec)]) -> [ChartSpec] {
        guard let first = charts.first?.chart else { return [] }
        func name(_ run: String, _ series: String, count: Int) -> String { count == 1 ? run : "\(run) · \(series)" }
        switch first.data {
        case .bars:
            var categories: [String] = [], series: [BarSeries] = []
            for (_, c) in charts { if case let .bars(cats, _) = c.data { for x in cats where !categories.contains(x) { categories.append(x) } } }
            for (run, c) in charts {
                guard case let .bars(cats, ss) = c.data else { return separate(charts) }
                for s in ss {
                    let lookup = Dictionary(zip(cats, s.values), uniquingKeysWith: { a, _ in a })
                    series.append(BarSeries(name: name(run, s.name, count: ss.count), values: categories.map { lookup[$0] ?? nil }))
                }
            }
            return [ChartSpec(title: stripModel(first.title), x: first.x, y: first.y, data: .bars(categories: categories, series: series))]
        case .lines:
            var series: [LineSeries] = []
            for (run, c) in charts {
                guard case let .lines(ss) = c.data else { return separate(charts) }
                series += ss.map { LineSeries(name: name(run, $0.name, count: ss.count), points: $0.points) }
            }
            return [ChartSpec(title: stripModel(first.title), x: first.x, y: first.y, data: .lines(series))]
        case let .histogram(edges, _):
            var series: [BarSeries] = []
            for (run, c) in charts {
                guard case let .histogram(e, ss) = c.data, e == edges else { return separate(charts) }
                series += ss.map { BarSeries(name: name(run, $0.name, count: ss.count), values: $0.values) }
            }
            return [ChartSpec(title: stripModel(first.title), x: first.x, y: first.y, data: .histogram(edges: edges, series: series))]
        case .heatmap:
            return separate(charts)
        }
    }

    /// Each run's chart on its own, titled with the run.
    static func separate(_ charts: [(run: String, chart: ChartSpec)]) -> [ChartSpec] {
        charts.map { run, c in var c = c; c.title = "\(run): \(c.title)"; return c }
    }

    /// Drops a trailing " (model…)" from a title, since merged charts hold several models.
    static func stripModel(_ title: String) -> String {
        guard title.hasSuffix(")"), let open = title.lastIndex(of: "(") else { return title }
        return String(title[..<open]).trimmingCharacters(in: .whitespaces)
    }

    /// Rows of all runs under the union of their columns, with a leading "run" column.
    static func mergeTables(_ tables: [(run: String, table: ReportTable)]) -> ReportTable? {
        guard !tables.isEmpty else { return nil }
        var columns: [String] = []
        for (_, t) in tables { for c in t.columns where !columns.contains(c) { columns.append(c) } }
        let rows = tables.flatMap { run, t in
            t.rows.map { row in
                [run] + columns.map { c in t.columns.firstIndex(of: c).flatMap { $0 < row.count ? row[$0] : nil } ?? "" }
            }
        }
        return ReportTable(columns: ["run"] + columns, rows: rows)
    }
}

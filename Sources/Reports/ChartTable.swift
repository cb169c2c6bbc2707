// The numbers behind a chart as a table: the Markdown report shows charts this way (Markdown
// has no inline SVG that every viewer renders), and the HTML report offers it under each chart
// for readers who want the exact values.

/// Turns chart data into a table.
public enum ChartTable {
    /// One row per category, x value, bin or matrix row; one column per series.
    public static func table(for spec: ChartSpec) -> ReportTable {
        func cell(_ v: ChartValue?) -> String {
            guard let v else { return "–" }
            var s = ChartNumber.format(v.value, as: spec.y.format)
            if let lo = v.lower, let hi = v.upper {
                s += " [\(ChartNumber.format(lo, as: spec.y.format)), \(ChartNumber.format(hi, as: spec.y.format))]"
            }
            return s
        }
        switch spec.data {
        case let .bars(categories, series):
            let rows = categories.enumerated().map { ci, c in
                [c] + series.map { ci < $0.values.count ? cell($0.values[ci]) : "–" }
            }
            return ReportTable(columns: [spec.x.label] + series.map(\.name), rows: rows)
        case let .lines(series):
            let xs = Array(Set(series.flatMap { $0.points.map(\.x) })).sorted()
            let rows = xs.map { x in
                [ChartNumber.format(x, as: spec.x.format)] + series.map { s in cell(s.points.first { $0.x == x }?.y) }
            }
            return ReportTable(columns: [spec.x.label] + series.map(\.name), rows: rows)
        case let .histogram(edges, series):
            guard edges.count >= 2 else { return ReportTable(columns: [spec.x.label], rows: []) }
            let rows = (0..<(edges.count - 1)).map { b in
                ["[\(ChartNumber.format(edges[b], as: spec.x.format)), \(ChartNumber.format(edges[b + 1], as: spec.x.format)))"]
                    + series.map { b < $0.values.count ? cell($0.values[b]) : "–" }
            }
            return ReportTable(columns: [spec.x.label] + series.map(\.name), rows: rows)
        case let .heatmap(map):
            let rows = map.rows.enumerated().map { r, name in
                [name] + map.columns.indices.map { c in
                    r < map.values.count && c < map.values[r].count ? ChartNumber.format(map.values[r][c], as: spec.y.format) : "–"
                }
            }
            return ReportTable(columns: ["\(spec.y.label) ↓ \(spec.x.label) →"] + map.columns, rows: rows)
        }
    }
}

// Chart data as plain numbers: bars (grouped when several series), lines with confidence bands,
// histograms and heat maps. `SVGChart` draws these; the Markdown report tabulates them.
// The chart kinds follow the paper's figures (Liu et al. 2025): Fig. 9 log-scale keyword bars,
// Fig. 11 grouped detector rates, Fig. 13 distributions, Fig. 6 training curves.

/// How values map onto an axis.
public enum AxisScale: String, Sendable, Codable, Hashable {
    /// Evenly spaced values.
    case linear
    /// Base-10 logarithmic; only positive values are drawn.
    case log
}

/// How axis ticks and table cells format numbers.
public enum ValueFormat: String, Sendable, Codable, Hashable {
    /// Plain numbers with up to 3 significant decimals.
    case number
    /// Fractions in [0, 1] shown as percentages.
    case percent
    /// Whole counts.
    case integer
}

/// One axis: its label, scale and optional fixed domain.
public struct ChartAxis: Sendable, Codable, Hashable {
    /// The label drawn beside the axis (include the unit).
    public var label: String
    /// Linear or log.
    public var scale: AxisScale
    /// How tick values are written.
    public var format: ValueFormat
    /// A fixed lower end of the domain (otherwise taken from the data).
    public var min: Double?
    /// A fixed upper end of the domain (otherwise taken from the data).
    public var max: Double?

    /// Creates an axis.
    public init(_ label: String, scale: AxisScale = .linear, format: ValueFormat = .number,
                min: Double? = nil, max: Double? = nil) {
        self.label = label; self.scale = scale; self.format = format; self.min = min; self.max = max
    }
}

/// A value with an optional confidence interval.
public struct ChartValue: Sendable, Codable, Hashable {
    /// The point estimate.
    public var value: Double
    /// The lower end of its interval, if known.
    public var lower: Double?
    /// The upper end of its interval, if known.
    public var upper: Double?
    /// Creates a value.
    public init(_ value: Double, lower: Double? = nil, upper: Double? = nil) {
        self.value = value; self.lower = lower; self.upper = upper
    }
}

/// One named series of bar heights, one per category (or per histogram bin).
public struct BarSeries: Sendable, Codable, Hashable {
    /// The legend name (a model, a detector, a run).
    public var name: String
    /// One value per category, in category order. Missing values are written as `nil`.
    public var values: [ChartValue?]
    /// Creates a series.
    public init(name: String, values: [ChartValue?]) { self.name = name; self.values = values }
}

/// One point on a line, with an optional confidence band.
public struct LinePoint: Sendable, Codable, Hashable {
    /// Position on the x axis.
    public var x: Double
    /// The value and its interval.
    public var y: ChartValue
    /// Creates a point.
    public init(x: Double, y: ChartValue) { self.x = x; self.y = y }
}

/// One named line.
public struct LineSeries: Sendable, Codable, Hashable {
    /// The legend name.
    public var name: String
    /// Points in any order; they are drawn sorted by x.
    public var points: [LinePoint]
    /// Creates a line.
    public init(name: String, points: [LinePoint]) { self.name = name; self.points = points }
}

/// A labelled matrix, drawn as shaded cells with their values (a confusion matrix).
public struct HeatMap: Sendable, Codable, Hashable {
    /// Row labels (top to bottom).
    public var rows: [String]
    /// Column labels (left to right).
    public var columns: [String]
    /// `values[row][column]`.
    public var values: [[Double]]
    /// Creates a heat map.
    public init(rows: [String], columns: [String], values: [[Double]]) {
        self.rows = rows; self.columns = columns; self.values = values
    }
}

/// What a chart draws.
public enum ChartData: Sendable, Codable, Hashable {
    /// Bars per category; several series are drawn side by side (grouped bars).
    case bars(categories: [String], series: [BarSeries])
    /// Lines over a numeric x axis, with shaded bands where intervals are given.
    case lines([LineSeries])
    /// Counts per bin between consecutive `edges`; each series has `edges.count - 1` values.
    case histogram(edges: [Double], series: [BarSeries])
    /// A shaded matrix.
    case heatmap(HeatMap)

    /// True when there is nothing to draw.
    public var isEmpty: Bool {
        switch self {
        case let .bars(categories, series):
            return categories.isEmpty || series.allSatisfy { $0.values.allSatisfy { $0 == nil } }
        case let .lines(series):
            return series.allSatisfy(\.points.isEmpty)
        case let .histogram(edges, series):
            return edges.count < 2 || series.isEmpty
        case let .heatmap(map):
            return map.rows.isEmpty || map.columns.isEmpty
        }
    }

    /// Bins raw values into a histogram over `bins` equal-width bins spanning all series.
    /// Values outside a given `range` are clamped into the first or last bin.
    public static func histogram(of groups: [(name: String, values: [Double])], bins: Int,
                                 range: ClosedRange<Double>? = nil) -> ChartData {
        let all = groups.flatMap(\.values).filter(\.isFinite)
        guard bins > 0, let lo = range?.lowerBound ?? all.min(), let hi0 = range?.upperBound ?? all.max() else {
            return .histogram(edges: [], series: [])
        }
        let hi = hi0 > lo ? hi0 : lo + 1
        let width = (hi - lo) / Double(bins)
        let edges = (0...bins).map { lo + Double($0) * width }
        let series = groups.map { group -> BarSeries in
            var counts = [Double](repeating: 0, count: bins)
            for v in group.values where v.isFinite {
                let i = Swift.min(bins - 1, Swift.max(0, Int(((v - lo) / width).rounded(.down))))
                counts[i] += 1
            }
            return BarSeries(name: group.name, values: counts.map { ChartValue($0) })
        }
        return .histogram(edges: edges, series: series)
    }
}

/// A chart: title, axes and data. Drawn by `SVGChart`, tabulated in Markdown.
public struct ChartSpec: Sendable, Codable, Hashable {
    /// Drawn above the chart.
    public var title: String
    /// The horizontal axis (its scale is ignored for bars and heat maps).
    public var x: ChartAxis
    /// The vertical axis.
    public var y: ChartAxis
    /// What to draw.
    public var data: ChartData

    /// Creates a chart.
    public init(title: String, x: ChartAxis, y: ChartAxis, data: ChartData) {
        self.title = title; self.x = x; self.y = y; self.data = data
    }
}

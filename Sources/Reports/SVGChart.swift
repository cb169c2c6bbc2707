// Our small SVG chart writer: title, legend, axes with ticks (linear or log), grid lines and
// axis labels here; the marks (bars, lines with bands, histograms, heat maps) are drawn in
// SVGChartMarks.swift. Layout follows the usual margin convention (Bostock's "Margin
// Convention"): a fixed plot rectangle inside the canvas, scales mapping data into it.
import Foundation

/// Draws a `ChartSpec` as a standalone SVG document (also valid inline in HTML).
public struct SVGChart: Sendable {
    /// What to draw.
    public var spec: ChartSpec
    /// Canvas width in pixels.
    public var width: Double
    /// Canvas height in pixels.
    public var height: Double

    /// The Okabe–Ito colour-blind-safe palette, in legend order.
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C6D1F", "#000000"]

    /// Creates a chart of the given size.
    public init(_ spec: ChartSpec, width: Double = 640, height: Double = 360) {
        self.spec = spec; self.width = width; self.height = height
    }

    /// The SVG markup. Empty data gives a small chart saying "no data".
    /// - Throws: `ReportError.invalidChart` when series lengths do not match their categories.
    public func render() throws -> String {
        try validate()
        var w = SVGWriter()
        w.open("svg", ["xmlns": "http://www.w3.org/2000/svg", "class": "chart", "role": "img",
                       "viewBox": "0 0 \(px(width)) \(px(height))", "width": px(width), "height": px(height),
                       "font-family": "Helvetica, Arial, sans-serif", "font-size": "11"])
        w.element("title", [:], text: spec.title)
        w.element("rect", ["x": "0", "y": "0", "width": px(width), "height": px(height), "fill": "#ffffff"])
        w.element("text", ["x": px(width / 2), "y": "18", "text-anchor": "middle", "font-size": "13",
                           "font-weight": "bold"], text: spec.title)
        if spec.data.isEmpty {
            w.element("text", ["x": px(width / 2), "y": px(height / 2), "text-anchor": "middle",
                               "fill": "#777777", "class": "no-data"], text: "no data")
        } else {
            let legendBottom = drawLegend(&w)
            var layout = PlotLayout(left: 64, top: legendBottom + 10, right: width - 20, bottom: height - 44)
            switch spec.data {
            case let .bars(categories, series):
                if Self.needsRotation(categories, band: (layout.right - layout.left) / Double(categories.count)) {
                    layout.bottom = height - 44 - min(70, Double(categories.map(\.count).max() ?? 0) * 4.5)
                }
                drawBars(&w, layout: layout, categories: categories, series: series)
            case let .lines(series):
                drawLines(&w, layout: layout, series: series)
            case let .histogram(edges, series):
                drawHistogram(&w, layout: layout, edges: edges, series: series)
            case let .heatmap(map):
                let longest = Double(map.rows.map(\.count).max() ?? 0)
                layout.left = min(width * 0.4, max(64, 24 + longest * 6.5))
                layout.bottom = height - 56
                drawHeatMap(&w, layout: layout, map: map)
            }
        }
        w.close("svg")
        return w.output
    }

    /// The names shown in the legend (none for a heat map or a single unnamed series).
    var legendNames: [String] {
        switch spec.data {
        case let .bars(_, series), let .histogram(_, series): return series.count > 1 ? series.map(\.name) : []
        case let .lines(series): return series.map(\.name)
        case .heatmap: return []
        }
    }

    /// Draws the legend in rows under the title; returns the y below it.
    func drawLegend(_ w: inout SVGWriter) -> Double {
        var x = 64.0, y = 34.0
        let names = legendNames
        guard !names.isEmpty else { return 26 }
        for (i, name) in names.enumerated() {
            let label = Self.abbreviate(name, to: 40)
            let itemWidth = 18 + Double(label.count) * 6.2 + 14
            if x + itemWidth > width - 10, x > 64 { x = 64; y += 16 }
            w.element("rect", ["x": px(x), "y": px(y - 9), "width": "11", "height": "11",
                               "fill": Self.color(i)])
            w.element("text", ["x": px(x + 15), "y": px(y)], text: label)
            x += itemWidth
        }
        return y + 4
    }

    /// Draws y grid lines, tick labels and the y axis label.
    func drawYAxis(_ w: inout SVGWriter, scale: ChartScale, layout: PlotLayout) {
        for t in scale.ticks {
            let y = scale.position(t)
            w.element("line", ["x1": px(layout.left), "x2": px(layout.right), "y1": px(y), "y2": px(y),
                               "stroke": "#e3e3e3", "stroke-width": "1"])
            w.element("text", ["x": px(layout.left - 6), "y": px(y + 4), "text-anchor": "end", "fill": "#444444"],
                      text: ChartNumber.format(t, as: spec.y.format, compact: true))
        }
        w.element("line", ["x1": px(layout.left), "x2": px(layout.left), "y1": px(layout.top),
                           "y2": px(layout.bottom), "stroke": "#333333"])
        let cy = (layout.top + layout.bottom) / 2
        w.element("text", ["x": "14", "y": px(cy), "text-anchor": "middle",
                           "transform": "rotate(-90 14 \(px(cy)))", "fill": "#222222"],
                  text: spec.y.label + (spec.y.scale == .log ? " (log scale)" : ""))
    }

    /// Draws the x axis line and its label.
    func drawXAxisLine(_ w: inout SVGWriter, layout: PlotLayout) {
        w.element("line", ["x1": px(layout.left), "x2": px(layout.right), "y1": px(layout.bottom),
                           "y2": px(layout.bottom), "stroke": "#333333"])
        w.element("text", ["x": px((layout.left + layout.right) / 2), "y": px(height - 8),
                           "text-anchor": "middle", "fill": "#222222"],
                  text: spec.x.label + (spec.x.scale == .log && !isCategorical ? " (log scale)" : ""))
    }

    /// Draws numeric x ticks (lines and histograms).
    func drawXTicks(_ w: inout SVGWriter, scale: ChartScale, layout: PlotLayout) {
        for t in scale.ticks {
            let x = scale.position(t)
            w.element("line", ["x1": px(x), "x2": px(x), "y1": px(layout.bottom), "y2": px(layout.bottom + 4),
                               "stroke": "#333333"])
            w.element("text", ["x": px(x), "y": px(layout.bottom + 16), "text-anchor": "middle", "fill": "#444444"],
                      text: ChartNumber.format(t, as: spec.x.format, compact: true))
        }
    }

    private var isCategorical: Bool {
        switch spec.data { case .bars, .heatmap: return true; default: return false }
    }

    /// Checks that every series matches its categories, bins or matrix shape.
    func validate() throws {
        switch spec.data {
        case let .bars(categories, series):
            if let bad = series.first(where: { $0.values.count != categories.count }) {
                throw ReportError.invalidChart(title: spec.title, reason: "series '\(bad.name)' has \(bad.values.count) values for \(categories.count) categories")
            }
        case let .histogram(edges, series):
            if edges.count >= 2, let bad = series.first(where: { $0.values.count != edges.count - 1 }) {
                throw ReportError.invalidChart(title: spec.title, reason: "series '\(bad.name)' has \(bad.values.count) counts for \(edges.count - 1) bins")
            }
        case let .heatmap(map):
            if map.values.count != map.rows.count || map.values.contains(where: { $0.count != map.columns.count }) {
                throw ReportError.invalidChart(title: spec.title, reason: "matrix is not \(map.rows.count)×\(map.columns.count)")
            }
        case .lines:
            break
        }
    }

    /// The colour of series `i` (the palette repeats after eight series).
    static func color(_ i: Int) -> String { palette[i % palette.count] }

    /// Shortens a label to `limit` characters with an ellipsis.
    static func abbreviate(_ s: String, to limit: Int) -> String {
        let flat = s.replacingOccurrences(of: "\n", with: " ")
        return flat.count <= limit ? flat : String(flat.prefix(max(1, limit - 1))) + "…"
    }

    /// True when category labels would overlap if written horizontally.
    static func needsRotation(_ categories: [String], band: Double) -> Bool {
        categories.contains { Double(min($0.count, 28)) * 6.2 > band - 4 }
    }
}

/// The plot rectangle inside the canvas.
struct PlotLayout {
    var left: Double
    var top: Double
    var right: Double
    var bottom: Double
}

// The marks of `SVGChart`: grouped bars with interval whiskers (paper Figs. 9 and 11), lines
// with shaded confidence bands (pass@k vs temperature, Fig. 6 training curves), histograms
// (Fig. 13) and a shaded, labelled matrix (the keyword-vs-judge confusion matrix).
import Foundation

extension SVGChart {
    /// Grouped bars: one band per category, one bar per series inside it, whiskers for intervals.
    func drawBars(_ w: inout SVGWriter, layout: PlotLayout, categories: [String], series: [BarSeries]) {
        let values = series.flatMap { $0.values.compactMap { $0 } }
        var all = values.map(\.value) + values.compactMap(\.lower) + values.compactMap(\.upper)
        // Headroom for the value labels above the tallest bar (×3 on a log scale, +8% on a linear one).
        if let top = all.filter(\.isFinite).max(), top > 0 { all.append(spec.y.scale == .log ? top * 3 : top * 1.08) }
        let scale = ChartScale(kind: spec.y.scale, values: all, min: spec.y.min, max: spec.y.max,
                               range: (layout.bottom, layout.top), includeZero: spec.y.scale == .linear,
                               integerTicks: spec.y.format == .integer)
        drawYAxis(&w, scale: scale, layout: layout)
        let band = (layout.right - layout.left) / Double(categories.count)
        let barWidth = band * 0.8 / Double(max(1, series.count))
        let baseline = scale.position(spec.y.scale == .log ? scale.domain.lowerBound : max(0, scale.domain.lowerBound))
        let labelBars = categories.count * series.count <= 16
        for (ci, category) in categories.enumerated() {
            let x0 = layout.left + Double(ci) * band + band * 0.1
            for (si, s) in series.enumerated() {
                guard let v = s.values[ci], v.value.isFinite else { continue }
                let x = x0 + Double(si) * barWidth
                let drawn = spec.y.scale == .log && v.value <= 0 ? baseline : scale.position(v.value)
                let top = min(drawn, baseline), h = abs(baseline - drawn)
                w.element("rect", ["x": px(x + 1), "y": px(top), "width": px(max(1, barWidth - 2)), "height": px(h),
                                   "fill": Self.color(si)],
                          tooltip: "\(s.name) · \(category): \(describe(v))")
                drawWhisker(&w, value: v, x: x + barWidth / 2, scale: scale)
                if labelBars {
                    let yText = (v.upper.map { min(scale.position($0), top) } ?? top) - 4
                    w.element("text", ["x": px(x + barWidth / 2), "y": px(yText), "text-anchor": "middle",
                                       "font-size": "10", "fill": "#333333"],
                              text: ChartNumber.format(v.value, as: spec.y.format))
                }
            }
            let cx = layout.left + (Double(ci) + 0.5) * band
            let label = Self.abbreviate(category, to: 28)
            if Self.needsRotation(categories, band: band) {
                w.element("text", ["x": px(cx), "y": px(layout.bottom + 12), "text-anchor": "end",
                                   "transform": "rotate(-35 \(px(cx)) \(px(layout.bottom + 12)))", "fill": "#444444"],
                          text: label)
            } else {
                w.element("text", ["x": px(cx), "y": px(layout.bottom + 16), "text-anchor": "middle", "fill": "#444444"],
                          text: label)
            }
        }
        drawXAxisLine(&w, layout: layout)
    }

    /// Lines over numeric x, sorted by x, with a translucent band between lower and upper.
    func drawLines(_ w: inout SVGWriter, layout: PlotLayout, series: [LineSeries]) {
        let points = series.flatMap(\.points)
        let ys = points.map(\.y.value) + points.compactMap(\.y.lower) + points.compactMap(\.y.upper)
        let yScale = ChartScale(kind: spec.y.scale, values: ys, min: spec.y.min, max: spec.y.max,
                                range: (layout.bottom, layout.top), integerTicks: spec.y.format == .integer)
        let xScale = ChartScale(kind: spec.x.scale, values: points.map(\.x), min: spec.x.min, max: spec.x.max,
                                range: (layout.left, layout.right), integerTicks: spec.x.format == .integer)
        drawYAxis(&w, scale: yScale, layout: layout)
        drawXTicks(&w, scale: xScale, layout: layout)
        for (si, s) in series.enumerated() {
            let sorted = s.points.filter { $0.x.isFinite && $0.y.value.isFinite }.sorted { $0.x < $1.x }
            guard !sorted.isEmpty else { continue }
            let color = Self.color(si)
            if sorted.contains(where: { $0.y.lower != nil || $0.y.upper != nil }) {
                let upper = sorted.map { "\(px(xScale.position($0.x))),\(px(yScale.position($0.y.upper ?? $0.y.value)))" }
                let lower = sorted.reversed().map { "\(px(xScale.position($0.x))),\(px(yScale.position($0.y.lower ?? $0.y.value)))" }
                w.element("polygon", ["points": (upper + lower).joined(separator: " "), "fill": color,
                                      "fill-opacity": "0.18", "stroke": "none", "class": "ci-band"])
            }
            let line = sorted.map { "\(px(xScale.position($0.x))),\(px(yScale.position($0.y.value)))" }
            w.element("polyline", ["points": line.joined(separator: " "), "fill": "none", "stroke": color,
                                   "stroke-width": "2"])
            for p in sorted {
                w.element("circle", ["cx": px(xScale.position(p.x)), "cy": px(yScale.position(p.y.value)), "r": "3",
                                     "fill": color],
                          tooltip: "\(s.name) · \(ChartNumber.format(p.x, as: spec.x.format)): \(describe(p.y))")
            }
        }
        drawXAxisLine(&w, layout: layout)
    }

    /// Histogram bins between edges; several series share each bin side by side.
    func drawHistogram(_ w: inout SVGWriter, layout: PlotLayout, edges: [Double], series: [BarSeries]) {
        let counts = series.flatMap { $0.values.compactMap { $0?.value } }
        let yScale = ChartScale(kind: spec.y.scale, values: counts, min: spec.y.min, max: spec.y.max,
                                range: (layout.bottom, layout.top), includeZero: spec.y.scale == .linear,
                                integerTicks: spec.y.format == .integer)
        let xScale = ChartScale(kind: .linear, values: edges, min: edges.first, max: edges.last,
                                range: (layout.left, layout.right), integerTicks: spec.x.format == .integer)
        drawYAxis(&w, scale: yScale, layout: layout)
        drawXTicks(&w, scale: xScale, layout: layout)
        let baseline = yScale.position(spec.y.scale == .log ? yScale.domain.lowerBound : max(0, yScale.domain.lowerBound))
        for bin in 0..<(edges.count - 1) {
            let x0 = xScale.position(edges[bin]), x1 = xScale.position(edges[bin + 1])
            let barWidth = (x1 - x0) / Double(max(1, series.count))
            for (si, s) in series.enumerated() {
                guard let v = s.values[bin], v.value.isFinite, v.value > 0 else { continue }
                let y = yScale.position(v.value)
                w.element("rect", ["x": px(x0 + Double(si) * barWidth + 0.5), "y": px(min(y, baseline)),
                                   "width": px(max(1, barWidth - 1)), "height": px(abs(baseline - y)),
                                   "fill": Self.color(si), "fill-opacity": "0.85"],
                          tooltip: "\(s.name) · [\(ChartNumber.format(edges[bin], as: spec.x.format)), \(ChartNumber.format(edges[bin + 1], as: spec.x.format))): \(ChartNumber.format(v.value, as: spec.y.format))")
            }
        }
        drawXAxisLine(&w, layout: layout)
    }

    /// A matrix of cells shaded from white to dark blue by value, each labelled with its value.
    func drawHeatMap(_ w: inout SVGWriter, layout: PlotLayout, map: HeatMap) {
        let maxValue = map.values.flatMap { $0 }.filter(\.isFinite).max() ?? 0
        let cellW = (layout.right - layout.left) / Double(map.columns.count)
        let cellH = (layout.bottom - layout.top) / Double(map.rows.count)
        for (r, row) in map.rows.enumerated() {
            let y = layout.top + Double(r) * cellH
            w.element("text", ["x": px(layout.left - 6), "y": px(y + cellH / 2 + 4), "text-anchor": "end",
                               "fill": "#222222"], text: Self.abbreviate(row, to: 30))
            for (c, column) in map.columns.enumerated() {
                let v = map.values[r][c]
                let t = maxValue > 0 && v.isFinite ? max(0, min(1, v / maxValue)) : 0
                let x = layout.left + Double(c) * cellW
                w.element("rect", ["x": px(x), "y": px(y), "width": px(cellW), "height": px(cellH),
                                   "fill": Self.blues(t), "stroke": "#ffffff", "stroke-width": "2"],
                          tooltip: "\(row) · \(column): \(ChartNumber.format(v, as: spec.y.format))")
                w.element("text", ["x": px(x + cellW / 2), "y": px(y + cellH / 2 + 5), "text-anchor": "middle",
                                   "font-size": "14", "fill": t > 0.55 ? "#ffffff" : "#111111"],
                          text: ChartNumber.format(v, as: spec.y.format))
            }
        }
        for (c, column) in map.columns.enumerated() {
            w.element("text", ["x": px(layout.left + (Double(c) + 0.5) * cellW), "y": px(layout.bottom + 16),
                               "text-anchor": "middle", "fill": "#222222"], text: Self.abbreviate(column, to: 30))
        }
        w.element("text", ["x": px((layout.left + layout.right) / 2), "y": px(height - 8), "text-anchor": "middle",
                           "fill": "#222222"], text: spec.x.label)
        let cy = (layout.top + layout.bottom) / 2
        w.element("text", ["x": "14", "y": px(cy), "text-anchor": "middle",
                           "transform": "rotate(-90 14 \(px(cy)))", "fill": "#222222"], text: spec.y.label)
    }

    /// A vertical whisker with caps from lower to upper, when the value has an interval.
    private func drawWhisker(_ w: inout SVGWriter, value v: ChartValue, x: Double, scale: ChartScale) {
        guard let lo = v.lower ?? v.upper.map({ _ in v.value }), let hi = v.upper ?? v.lower.map({ _ in v.value }),
              lo.isFinite, hi.isFinite else { return }
        let y0 = scale.position(lo), y1 = scale.position(hi)
        w.element("line", ["x1": px(x), "x2": px(x), "y1": px(y0), "y2": px(y1), "stroke": "#222222", "stroke-width": "1.2"])
        for y in [y0, y1] {
            w.element("line", ["x1": px(x - 4), "x2": px(x + 4), "y1": px(y), "y2": px(y), "stroke": "#222222", "stroke-width": "1.2"])
        }
    }

    /// "0.42 [0.35, 0.50]" in the y format.
    func describe(_ v: ChartValue) -> String {
        var s = ChartNumber.format(v.value, as: spec.y.format)
        if let lo = v.lower, let hi = v.upper {
            s += " [\(ChartNumber.format(lo, as: spec.y.format)), \(ChartNumber.format(hi, as: spec.y.format))]"
        }
        return s
    }

    /// Interpolates ColorBrewer "Blues" from #f7fbff (t = 0) to #08306b (t = 1).
    static func blues(_ t: Double) -> String {
        let a = (0xF7, 0xFB, 0xFF), b = (0x08, 0x30, 0x6B)
        func mix(_ x: Int, _ y: Int) -> Int { Int((Double(x) + (Double(y) - Double(x)) * t).rounded()) }
        return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }
}

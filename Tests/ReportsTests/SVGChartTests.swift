// SVGChart draws every chart kind as well-formed SVG, handles empty and invalid data, and places
// linear and log ticks where expected.
import Foundation
import Testing
@testable import Reports

@Suite struct SVGChartTests {
    static let kinds: [(String, ChartSpec)] = Fixtures.fullDocument().sections.flatMap { s in s.charts.map { (s.id, $0) } }

    @Test(arguments: SVGChartTests.kinds.map(\.0))
    func everyKindIsWellFormedAndHasMarks(section: String) throws {
        let spec = try #require(Self.kinds.first { $0.0 == section }?.1)
        let doc = try Markup.parseXML(try SVGChart(spec).render())
        let marks = try Markup.elements(doc, "rect").count - 1 + Markup.elements(doc, "polyline").count
        #expect(marks >= 2, "\(section): expected drawn marks")
        #expect(try Markup.elements(doc, "text").count >= 4, "\(section): expected labels")
    }

    @Test func linesDrawOneBandPerSeriesWithIntervals() throws {
        let spec = try #require(Self.kinds.first { $0.0 == "pass-at-k" }?.1)
        let svg = try SVGChart(spec).render()
        #expect(Markup.count("class=\"ci-band\"", in: svg) == 1)   // k=1 has intervals, k=8 does not
        #expect(Markup.count("<polyline", in: svg) == 2)
    }

    @Test func emptyDataSaysNoData() throws {
        let spec = ChartSpec(title: "t", x: ChartAxis("x"), y: ChartAxis("y"), data: .bars(categories: [], series: []))
        let svg = try SVGChart(spec).render()
        #expect(svg.contains("no data"))
        _ = try Markup.parseXML(svg)
    }

    @Test func mismatchedSeriesThrows() {
        let spec = ChartSpec(title: "bad", x: ChartAxis("x"), y: ChartAxis("y"),
                             data: .bars(categories: ["a", "b"], series: [BarSeries(name: "s", values: [ChartValue(1)])]))
        #expect(throws: ReportError.invalidChart(title: "bad", reason: "series 's' has 1 values for 2 categories")) {
            try SVGChart(spec).render()
        }
        let heat = ChartSpec(title: "h", x: ChartAxis("x"), y: ChartAxis("y"),
                             data: .heatmap(HeatMap(rows: ["a", "b"], columns: ["c"], values: [[1]])))
        #expect(throws: ReportError.self) { try SVGChart(heat).render() }
    }

    @Test func logTicksArePowersOfTen() {
        let s = ChartScale(kind: .log, values: [3, 1200], range: (300, 0))
        #expect(s.domain == 1...10_000)
        #expect(s.ticks == [1, 10, 100, 1000, 10_000])
        #expect(abs(s.position(100) - 150) < 1e-9)
        #expect(s.position(0) == 300)   // non-positive values sit on the baseline
    }

    @Test func countOfOneStillDrawsALogBar() {
        let s = ChartScale(kind: .log, values: [1, 40], range: (100, 0), integerTicks: true)
        #expect(s.domain.lowerBound == 0.5)
        #expect(s.position(1) < 100)
        #expect(s.ticks.first == 1)   // no fractional tick on a count axis
    }

    @Test func integerAxisHasWholeTicks() {
        let s = ChartScale(kind: .linear, values: [0, 2], range: (0, 100), integerTicks: true)
        #expect(s.ticks == [0, 1, 2])
    }

    @Test func narrowLogDomainAddsTwoAndFive() {
        let s = ChartScale(kind: .log, values: [2, 30], range: (100, 0))
        #expect(s.ticks == [1, 2, 5, 10, 20, 50, 100])
    }

    @Test(arguments: [(0.0, 0.87, [0, 0.2, 0.4, 0.6, 0.8, 1.0]), (0, 1200, [0, 500, 1000, 1500]), (-3, 7, [-4, -2, 0, 2, 4, 6, 8])])
    func linearTicksAreNice(lo: Double, hi: Double, ticks: [Double]) {
        let s = ChartScale(kind: .linear, values: [lo, hi], range: (0, 100))
        #expect(s.ticks.count == ticks.count)
        for (a, b) in zip(s.ticks, ticks) { #expect(abs(a - b) < 1e-9) }
        #expect(s.position(s.domain.lowerBound) == 0 && s.position(s.domain.upperBound) == 100)
    }

    @Test func histogramBinsClampIntoRange() {
        guard case let .histogram(edges, series) = ChartData.histogram(of: [(name: "a", values: [0, 0.5, 1, 1, .nan])], bins: 2) else {
            Issue.record("expected a histogram"); return
        }
        #expect(edges == [0, 0.5, 1])
        #expect(series[0].values.map { $0?.value } == [1, 3])
    }

    @Test(arguments: [(0.4213, ValueFormat.percent, "42.1%"), (1200, .integer, "1200"), (12_500, .integer, "12.5k"), (0.5, .number, "0.5"), (Double.nan, .number, "n/a")])
    func numbersFormat(value: Double, format: ValueFormat, expected: String) {
        #expect(ChartNumber.format(value, as: format, compact: true) == expected)
    }
}

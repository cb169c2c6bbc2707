// The Markdown report checked structurally and the HTML report parsed as well-formed, for a full
// document with every chart kind, an empty section and hostile samples.
import Foundation
import Testing
@testable import Reports
import RunStore

@Suite struct RenderTests {
    let doc = Fixtures.fullDocument(response: Fixtures.hostile)

    @Test func markdownHasTitleSectionsAndTables() throws {
        let md = try ReportRenderer.markdown(doc, templates: .embedded)
        let lines = md.components(separatedBy: "\n")
        #expect(lines.first == "# Audit of SmolLM2")
        let headings = lines.filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) }
        #expect(headings == ["Contents"] + doc.sections.map(\.title))
        // Every table row has as many unescaped pipes as its header.
        var header: Int?
        var inFence = false
        for line in lines {
            if line.hasPrefix("```") { inFence.toggle(); continue }
            guard !inFence else { continue }
            guard line.hasPrefix("|") else { header = nil; continue }
            let pipes = Self.unescapedPipes(line)
            if let h = header { #expect(pipes == h, "row '\(line)' has \(pipes) pipes, header \(h)") } else { header = pipes }
        }
        #expect(md.contains("| a\\|b | 1 |  |"))
        #expect(md.contains("> No data"))
    }

    @Test func markdownEachCaptionSaysWhatHowAndProvenance() throws {
        let md = try ReportRenderer.markdown(doc, templates: .embedded)
        #expect(Markup.count("**What it measures:**", in: md) == doc.sections.count)
        #expect(Markup.count("**How:**", in: md) == doc.sections.count)
        #expect(md.contains("**Made with:** model = SmolLM2-135M; template = qwen-math; temperature = 0; judge = keyword rules"))
    }

    @Test func markdownHostileSampleIsFenced() throws {
        let md = try ReportRenderer.markdown(doc, templates: .embedded)
        let range = try #require(md.range(of: "<script>alert('x')</script>"))
        let before = md[..<range.lowerBound]
        let fenceLine = try #require(before.components(separatedBy: "\n").last { $0.hasPrefix("```") })
        #expect(fenceLine == "````text")   // the response holds a ``` run, so the fence is four long
    }

    static func unescapedPipes(_ line: String) -> Int {
        var n = 0, escaped = false
        for ch in line {
            if ch == "|" && !escaped { n += 1 }
            escaped = ch == "\\" && !escaped
        }
        return n
    }

    @Test func htmlIsWellFormedAndSelfContained() throws {
        let html = try ReportRenderer.html(doc, templates: .embedded)
        let xml = try Markup.parseXML(html)
        #expect(try Markup.elements(xml, "script").isEmpty)
        #expect(try Markup.elements(xml, "link").isEmpty && Markup.elements(xml, "img").isEmpty)
        let external = try xml.nodes(forXPath: "//@src | //@href").compactMap(\.stringValue).filter { !$0.hasPrefix("#") }
        #expect(external.isEmpty, "external references: \(external)")
        #expect(try Markup.elements(xml, "section").count == doc.sections.count)
        #expect(try Markup.elements(xml, "svg").count == doc.sections.flatMap(\.charts).count)
        #expect(try Markup.elements(xml, "style").count == 1)
    }

    @Test func htmlChartsParseAlone() throws {
        let html = try ReportRenderer.html(doc, templates: .embedded)
        let svgs = Markup.svgBlocks(html)
        #expect(svgs.count == 5)
        for svg in svgs { _ = try Markup.parseXML(svg) }
    }

    @Test func emptySectionRendersNoDataNote() throws {
        let empty = ReportDocument(title: "Empty", models: [], sections: [
            ReportSection(id: "x", title: "Nothing", caption: ReportCaption(measures: "m", method: "h"),
                          charts: [ChartSpec(title: "c", x: ChartAxis("x"), y: ChartAxis("y"), data: .lines([]))]),
        ])
        let html = try ReportRenderer.html(empty, templates: .embedded)
        #expect(html.contains("class=\"no-data\""))
        #expect(!html.contains("<svg"))
        _ = try Markup.parseXML(html)
        #expect(try ReportRenderer.markdown(empty, templates: .embedded).contains("> No data"))
    }

    @Test func documentRoundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(doc)
        #expect(try JSONDecoder().decode(ReportDocument.self, from: data) == doc)
    }
}

/// Writes the fixture report to $R1AUDIT_REPORT_PREVIEW_DIR for scripts/test-report-browser.
@Suite struct ReportPreview {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["R1AUDIT_REPORT_PREVIEW_DIR"] != nil))
    func writePreview() throws {
        let dir = try #require(ProcessInfo.processInfo.environment["R1AUDIT_REPORT_PREVIEW_DIR"])
        let doc = Fixtures.fullDocument(response: Fixtures.hostile)
        try ReportRenderer.html(doc, templates: .embedded).write(toFile: dir + "/report.html", atomically: true, encoding: .utf8)
        try ReportRenderer.markdown(doc, templates: .embedded).write(toFile: dir + "/report.md", atomically: true, encoding: .utf8)
        // The same from a filled run store (every Analyses section, training curves, sample browser),
        // kept at DIR/runs/fixture-run so `r1audit report fixture-run --runs-dir DIR/runs` can read it too.
        let db = try RunDatabase(runsDirectory: URL(fileURLWithPath: dir + "/runs"), name: "fixture-run")
        if try db.sampleCount() == 0 { try BuilderFixtures.fill(db) }
        _ = try ReportFiles.write(try ReportBuilder.build(database: db), to: URL(fileURLWithPath: dir + "/store"), templates: .embedded)
    }
}

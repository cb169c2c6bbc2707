// Untrusted text (model output, run names, dataset text) cannot inject markup in HTML, SVG or Markdown.
import Foundation
import Testing
@testable import Reports

@Suite struct EscapingTests {
    @Test(arguments: [
        ("<script>", "&lt;script&gt;"), ("a & b", "a &amp; b"), ("\"q\" 'a'", "&quot;q&quot; &#39;a&#39;"),
        ("</textarea>", "&lt;/textarea&gt;"), ("nul\u{0}esc\u{1B}", "nul\u{FFFD}esc\u{FFFD}"), ("tab\tnl\n", "tab\tnl\n"),
    ])
    func htmlEscaping(input: String, expected: String) {
        #expect(MarkupEscaping.html(input) == expected)
    }

    @Test func markdownInlineEscapesSpecialsAndHTML() {
        #expect(MarkupEscaping.markdownInline("a|b *c* [d](e) <i>") == "a\\|b \\*c\\* \\[d\\](e) &lt;i&gt;")
        #expect(MarkupEscaping.markdownInline("two\nlines") == "two lines")
    }

    @Test func fenceOutgrowsBackticksInside() {
        let fenced = MarkupEscaping.markdownFenced("x ```` y")
        #expect(fenced.hasPrefix("`````text\n"))
        #expect(fenced.hasSuffix("\n`````"))
        #expect(MarkupEscaping.markdownFenced("plain").hasPrefix("```text\n"))
    }

    @Test func hostileResponseStaysTextInHTML() throws {
        let html = try ReportRenderer.html(Fixtures.fullDocument(response: Fixtures.hostile), templates: .embedded)
        #expect(!html.contains("<script"))
        #expect(!html.contains("</textarea>"))
        #expect(!html.contains("<svg onload"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;/textarea&gt;"))
        _ = try Markup.parseXML(html)
    }

    @Test func hostileLabelsAreEscapedInSVG() throws {
        let spec = ChartSpec(title: Fixtures.hostile, x: ChartAxis("<x>"), y: ChartAxis("\"y\""),
                             data: .bars(categories: [Fixtures.hostile, "</svg><script>"],
                                         series: [BarSeries(name: "</text>", values: [ChartValue(1), ChartValue(2)])]))
        let svg = try SVGChart(spec).render()
        #expect(!svg.contains("<script"))
        #expect(Markup.count("</svg>", in: svg) == 1)
        let doc = try Markup.parseXML(svg)
        #expect(try Markup.elements(doc, "script").isEmpty)
    }

    @Test func hostileTitleAndMetadataInBothFormats() throws {
        var doc = Fixtures.fullDocument()
        doc.title = "<script>alert(1)</script>"
        doc.metadata.append(ReportFact("<b>", "\"><img src=x onerror=alert(1)>"))
        let html = try ReportRenderer.html(doc, templates: .embedded)
        #expect(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"))
        _ = try Markup.parseXML(html)
        let md = try ReportRenderer.markdown(doc, templates: .embedded)
        #expect(md.hasPrefix("# &lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!md.contains("<img"))
    }
}

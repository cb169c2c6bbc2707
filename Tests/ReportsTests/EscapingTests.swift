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

    /// Bidi and zero-width controls (issue 22) become a visible tag in every format.
    @Test(arguments: [
        ("\u{202E}", "U+202E"), ("\u{202A}", "U+202A"), ("\u{200B}", "U+200B"), ("\u{200C}", "U+200C"),
        ("\u{200D}", "U+200D"), ("\u{200E}", "U+200E"), ("\u{200F}", "U+200F"), ("\u{2066}", "U+2066"),
        ("\u{2067}", "U+2067"), ("\u{2068}", "U+2068"), ("\u{2069}", "U+2069"), ("\u{061C}", "U+061C"),
        ("\u{FEFF}", "U+FEFF"),
    ])
    func invisibleControlsAreShown(control: String, name: String) {
        let text = "abc\(control)def"
        let tag = "⟨\(name)⟩"
        #expect(MarkupEscaping.html(text) == "abc\(tag)def")
        #expect(MarkupEscaping.markdownInline(text) == "abc\(tag)def")
        #expect(MarkupEscaping.markdownFenced(text) == "```text\nabc\(tag)def\n```")
        #expect(!MarkupEscaping.html(text).unicodeScalars.contains(where: MarkupEscaping.isInvisibleControl))
    }

    @Test func ordinaryTextIsUntouchedByRevealing() {
        for text in ["plain", "Ünïcödé — ∑ 2 + 2 = 4", "עברית", "中文", ""] {
            #expect(MarkupEscaping.revealingInvisibleControls(text) == text)
        }
    }

    @Test func rightToLeftOverrideInAResponseIsVisibleInTheHTMLReport() throws {
        let response = "The answer is \u{202E}4 = 2 + 2\u{202C}, \u{2066}boxed\u{2069}\u{200B}"
        let html = try ReportRenderer.html(Fixtures.fullDocument(response: response), templates: .embedded)
        #expect(html.contains("⟨U+202E⟩4 = 2 + 2⟨U+202C⟩, ⟨U+2066⟩boxed⟨U+2069⟩⟨U+200B⟩"))
        #expect(!html.unicodeScalars.contains(where: MarkupEscaping.isInvisibleControl))
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

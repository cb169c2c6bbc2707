// The templates in reports/ equal the built-in copies, load with fallback, and report parse errors
// with the file name and line.
import Foundation
import Testing
@testable import Reports

@Suite struct TemplateTests {
    static let reportsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("reports")

    @Test func embeddedCopiesEqualTheFiles() throws {
        let md = try String(contentsOf: Self.reportsDir.appendingPathComponent(ReportTemplates.markdownFile), encoding: .utf8)
        let html = try String(contentsOf: Self.reportsDir.appendingPathComponent(ReportTemplates.htmlFile), encoding: .utf8)
        #expect(md == EmbeddedTemplates.markdown, "reports/report.md.mustache differs from EmbeddedTemplates.markdown: copy it over")
        #expect(html == EmbeddedTemplates.html, "reports/report.html.mustache differs from EmbeddedTemplates.html: copy it over")
    }

    @Test func loadsFilesFromTheFolder() throws {
        let t = try ReportTemplates.load(directory: Self.reportsDir.path)
        #expect(t.sources.allSatisfy { $0.hasSuffix(".mustache") })
        #expect(t.html == EmbeddedTemplates.html)
    }

    @Test func missingFolderFallsBackToBuiltIn() throws {
        let t = try ReportTemplates.load(directory: "/nonexistent/r1audit-templates")
        #expect(t.sources == ["built-in", "built-in"])
        #expect(t.markdown == EmbeddedTemplates.markdown)
    }

    @Test func customTemplateIsUsed() throws {
        let t = ReportTemplates(markdown: "{{% CONTENT_TYPE: MARKDOWN}}T={{title}}", html: "<p>{{title}}</p>")
        let doc = ReportDocument(title: "a_b <x>", models: ["m"])
        #expect(try ReportRenderer.markdown(doc, templates: t) == "T=a\\_b &lt;x&gt;")
        #expect(try ReportRenderer.html(doc, templates: t) == "<p>a_b &lt;x&gt;</p>")
    }

    @Test func parseErrorNamesFileAndLine() throws {
        let t = ReportTemplates(markdown: "ok\n{{#sections}}\nno close", html: "", sources: ["my.md.mustache", "x"])
        do {
            _ = try ReportRenderer.markdown(ReportDocument(title: "t", models: []), templates: t)
            Issue.record("expected a parse error")
        } catch let ReportError.templateParse(file, _) {
            #expect(file.hasPrefix("my.md.mustache:"))
        }
    }
}

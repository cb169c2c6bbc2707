// Smoke test: a full document renders in both formats.
import Testing
@testable import Reports

@Suite struct SmokeTests {
    @Test func rendersBothFormats() throws {
        let doc = Fixtures.fullDocument()
        let md = try ReportRenderer.markdown(doc, templates: .embedded)
        let html = try ReportRenderer.html(doc, templates: .embedded)
        #expect(md.contains("# Audit of SmolLM2"))
        #expect(html.contains("<svg"))
    }
}

import Foundation
@Suite struct PreviewDump {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["REPORT_PREVIEW"] != nil)) func dump() throws {
        let doc = Fixtures.fullDocument()
        try ReportRenderer.markdown(doc, templates: .embedded).write(toFile: "/tmp/preview.md", atomically: true, encoding: .utf8)
        try ReportRenderer.html(doc, templates: .embedded).write(toFile: "/tmp/preview.html", atomically: true, encoding: .utf8)
    }
}

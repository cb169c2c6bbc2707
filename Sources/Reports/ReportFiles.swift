// Writes a rendered report to disk: report.md and report.html side by side (in a run's folder for
// `r1audit report`, in the output folder for `r1audit compare`). Each file is written atomically,
// so an interrupted run never leaves half a report.
import Foundation

/// The files a report was written to, and what they hold.
public struct ReportFiles: Sendable, Codable, Hashable {
    /// Path of report.md.
    public var markdown: String
    /// Path of report.html.
    public var html: String
    /// Sections in the report.
    public var sections: Int
    /// Sections that have data (charts, tables or samples).
    public var sectionsWithData: Int
    /// Charts drawn in the HTML.
    public var charts: Int
    /// Where the templates came from.
    public var templates: [String]

    /// The Markdown file name.
    public static let markdownName = "report.md"
    /// The HTML file name.
    public static let htmlName = "report.html"

    /// Renders `document` with `templates` and writes both files into `directory` (created if needed).
    public static func write(_ document: ReportDocument, to directory: URL, templates: ReportTemplates) throws -> ReportFiles {
        let md = try ReportRenderer.markdown(document, templates: templates)
        let html = try ReportRenderer.html(document, templates: templates)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportError.writeFailed(path: directory.path, reason: error.localizedDescription)
        }
        let mdURL = directory.appendingPathComponent(markdownName), htmlURL = directory.appendingPathComponent(htmlName)
        for (url, text) in [(mdURL, md), (htmlURL, html)] {
            do { try Data(text.utf8).write(to: url, options: .atomic) } catch {
                throw ReportError.writeFailed(path: url.path, reason: error.localizedDescription)
            }
        }
        return ReportFiles(markdown: mdURL.path, html: htmlURL.path, sections: document.sections.count,
                           sectionsWithData: document.sections.filter { !$0.hasNoData }.count,
                           charts: document.sections.flatMap(\.charts).filter { !$0.data.isEmpty }.count,
                           templates: templates.sources)
    }
}

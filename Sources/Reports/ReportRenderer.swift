// Renders a `ReportDocument` to Markdown and to one self-contained HTML file with swift-mustache
// (hummingbird-project/swift-mustache 2.x). Templates come from `reports/` when present so users
// can restyle reports; the built-in copies (EmbeddedTemplates.swift) are the fallback.
// Markdown uses a custom MARKDOWN content type registered with `MustacheContentTypes`, so every
// `{{value}}` is Markdown-escaped the way HTML templates HTML-escape it.
import Foundation
import Mustache

/// The two report templates.
public struct ReportTemplates: Sendable {
    /// The Markdown template text.
    public var markdown: String
    /// The HTML template text.
    public var html: String
    /// Where each came from ("reports/report.md.mustache" or "built-in").
    public var sources: [String]

    /// The templates compiled into r1audit.
    public static let embedded = ReportTemplates(markdown: EmbeddedTemplates.markdown, html: EmbeddedTemplates.html,
                                                 sources: ["built-in", "built-in"])

    /// Creates templates from text.
    public init(markdown: String, html: String, sources: [String] = ["custom", "custom"]) {
        self.markdown = markdown; self.html = html; self.sources = sources
    }

    /// The file names inside a templates folder.
    public static let markdownFile = "report.md.mustache"
    /// The HTML template's file name.
    public static let htmlFile = "report.html.mustache"

    /// Loads `report.md.mustache` and `report.html.mustache` from `directory`, using the built-in
    /// copy for any file that is missing. A nil directory looks in `$R1AUDIT_REPORTS_DIR`, then
    /// `./reports`.
    public static func load(directory: String? = nil) throws -> ReportTemplates {
        let env = ProcessInfo.processInfo.environment["R1AUDIT_REPORTS_DIR"]
        let dir = directory ?? env ?? "reports"
        func read(_ name: String, fallback: String) throws -> (String, String) {
            let path = (dir as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else { return (fallback, "built-in") }
            do {
                return (try String(contentsOfFile: path, encoding: .utf8), path)
            } catch {
                throw ReportError.templateUnreadable(file: path, reason: error.localizedDescription)
            }
        }
        let md = try read(markdownFile, fallback: EmbeddedTemplates.markdown)
        let html = try read(htmlFile, fallback: EmbeddedTemplates.html)
        return ReportTemplates(markdown: md.0, html: html.0, sources: [md.1, html.1])
    }
}

/// Turns report documents into Markdown and HTML text.
public enum ReportRenderer {
    /// Markdown using the templates in `reports/` (or the built-in ones).
    public static func markdown(_ document: ReportDocument) throws -> String {
        try markdown(document, templates: .load())
    }

    /// Self-contained HTML using the templates in `reports/` (or the built-in ones).
    public static func html(_ document: ReportDocument) throws -> String {
        try html(document, templates: .load())
    }

    /// Markdown with the given templates.
    public static func markdown(_ document: ReportDocument, templates: ReportTemplates) throws -> String {
        MarkdownContentType.registerOnce
        let template = try parse(templates.markdown, source: templates.sources.first ?? "markdown template")
        return template.render(try DocumentView(document, withSVG: false))
    }

    /// Self-contained HTML with the given templates.
    public static func html(_ document: ReportDocument, templates: ReportTemplates) throws -> String {
        let template = try parse(templates.html, source: templates.sources.last ?? "HTML template")
        return template.render(try DocumentView(document, withSVG: true))
    }

    private static func parse(_ text: String, source: String) throws -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: text)
        } catch let error as MustacheTemplate.ParserError {
            throw ReportError.templateParse(
                file: "\(source):\(error.context.lineNumber):\(error.context.columnNumber)",
                message: "\(error.error) near '\(error.context.line)'")
        } catch {
            throw ReportError.templateParse(file: source, message: "\(error)")
        }
    }
}

/// `{{% CONTENT_TYPE: MARKDOWN}}`: values are escaped with `MarkupEscaping.markdownInline`.
struct MarkdownContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { MarkupEscaping.markdownInline(text) }

    /// Registers the content type with swift-mustache the first time it is read.
    static let registerOnce: Void = {
        MustacheContentTypes.register(MarkdownContentType(), named: "MARKDOWN")
    }()
}

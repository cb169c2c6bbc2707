// Test helpers: strict XML parsing (libxml2 through FoundationXML) of reports and charts, and small
// text queries. The HTML report is XHTML-compatible, so a strict XML parse is a stronger check than
// an HTML parser's error recovery.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

enum Markup {
    /// Parses `text` as XML; throws with libxml2's message when it is not well-formed.
    static func parseXML(_ text: String) throws -> XMLDocument {
        try XMLDocument(xmlString: text, options: [])
    }

    /// Every `<svg …>…</svg>` block of an HTML report.
    static func svgBlocks(_ html: String) -> [String] {
        var out: [String] = [], rest = html[...]
        while let start = rest.range(of: "<svg"), let end = rest[start.lowerBound...].range(of: "</svg>") {
            out.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return out
    }

    /// Elements named `name` anywhere in the document.
    static func elements(_ doc: XMLDocument, _ name: String) throws -> [XMLNode] {
        try doc.nodes(forXPath: "//*[local-name()='\(name)']")
    }

    /// Occurrences of `needle` in `text`.
    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }
}

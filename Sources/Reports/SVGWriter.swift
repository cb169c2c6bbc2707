// A minimal SVG 1.1 element writer: every attribute value and text node goes through
// `MarkupEscaping.html`, so labels taken from model output or run names cannot inject markup.
// Output is XML-well-formed (self-closed empty elements), valid inline in HTML5 and standalone.
import Foundation

/// Accumulates SVG markup.
struct SVGWriter {
    private(set) var output = ""

    /// Writes `<name attrs>` and leaves it open.
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        output += "<" + name + Self.attributes(attributes) + ">"
    }

    /// Closes an element opened by `open`.
    mutating func close(_ name: String) { output += "</" + name + ">" }

    /// Writes an element: self-closed when it has no text, otherwise with the escaped text.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, text: String? = nil) {
        if let text {
            output += "<" + name + Self.attributes(attributes) + ">" + MarkupEscaping.html(text) + "</" + name + ">"
        } else {
            output += "<" + name + Self.attributes(attributes) + "/>"
        }
    }

    /// An element with a `<title>` child (a hover tooltip and an accessible name).
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, tooltip: String) {
        output += "<" + name + Self.attributes(attributes) + "><title>" + MarkupEscaping.html(tooltip) + "</title></" + name + ">"
    }

    /// Appends a text node (escaped).
    mutating func text(_ text: String) { output += MarkupEscaping.html(text) }

    private static func attributes(_ attributes: KeyValuePairs<String, String>) -> String {
        var s = ""
        for (k, v) in attributes { s += " " + k + "=\"" + MarkupEscaping.html(v) + "\"" }
        return s
    }
}

/// Pixel coordinates written with one decimal, the precision charts need.
func px(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
}

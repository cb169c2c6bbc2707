// `--json`: one JSON object on stdout for machines, else text for people (style rule 4: shared
// flags are ParsableArguments bundles pulled in with @OptionGroup).
import ArgumentParser
import Foundation

/// The output flags every command shares.
public struct OutputOptions: ParsableArguments, Sendable {
    @Flag(name: .long, help: "Print one JSON object on stdout instead of text (progress still goes to stderr).")
    public var json = false

    public init() {}

    /// Prints `value` as JSON with `--json`, else the text `text()` returns.
    public func emit<T: Encodable>(_ value: T, text: () -> String) throws {
        if json { print(try Self.jsonString(value)) } else { print(text()) }
    }

    /// Pretty, key-sorted JSON (stable output for scripts and snapshots).
    public static func jsonString<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return String(decoding: try encoder.encode(value), as: UTF8.self) } catch {
            throw CLIError.runtime("could not encode the result as JSON: \(error.localizedDescription)")
        }
    }
}

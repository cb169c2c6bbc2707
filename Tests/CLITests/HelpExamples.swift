// Finds the example command lines users are shown (every command's --help and the README's sh blocks)
// and splits them into argument lists the way a POSIX shell would (quotes, `\` line continuations,
// `&&` chains, `> file` redirections; `a|b|c` alternatives become one example each).
import ArgumentParser
import Foundation
@testable import R1AuditCLI

/// One `r1audit …` invocation shown to users.
struct ShownExample: CustomStringConvertible, Sendable {
    /// Where it was shown: `r1audit sample --help` or `README.md:62`.
    let source: String
    /// The words after `r1audit` (before substitution).
    let arguments: [String]
    /// A whole command line (run it), or a `code` span inside prose that names a command and some of its
    /// options (`r1audit audit --run`: every option it names must exist, it need not run).
    var isReference = false
    var description: String { "\(source): r1audit \(arguments.joined(separator: " "))" }
}

enum HelpExamples {
    /// The repository's README.md (found from this file's path).
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md")

    /// Every example in every command's help text, unwrapped (a very wide terminal).
    static func fromHelp() -> [ShownExample] {
        allCommands().flatMap { entry -> [ShownExample] in
            let help = R1Audit.helpMessage(for: entry.type, columns: 10_000)
            let source = entry.path.joined(separator: " ") + " --help"
            let lines = commandLines(in: help)
            return lines.examples.flatMap { invocations(of: $0) }.map { ShownExample(source: source, arguments: $0) }
                + lines.references.flatMap { invocations(of: $0) }.map { ShownExample(source: source, arguments: $0, isReference: true) }
        }
    }

    /// Every `$R …` line in the README's ```sh blocks (`R=.build/release/r1audit`).
    static func fromREADME() throws -> [ShownExample] {
        let lines = try String(contentsOf: readme, encoding: .utf8).components(separatedBy: "\n")
        var out: [ShownExample] = [], inShell = false
        for (i, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") { inShell = line == "```sh" || line == "```bash"; continue }
            if !inShell {
                out += backtickSpans(in: line).filter { $0.hasPrefix("r1audit ") }.flatMap { invocations(of: $0) }
                    .map { ShownExample(source: "README.md:\(i + 1)", arguments: $0, isReference: true) }
                continue
            }
            guard line.hasPrefix("$R ") else { continue }
            let command = "r1audit " + stripComment(String(line.dropFirst(3)))
            out += invocations(of: command).map { ShownExample(source: "README.md:\(i + 1)", arguments: $0) }
        }
        return out
    }

    /// The `r1audit …` command lines in a help text: lines that start with one (after a label such as
    /// `Example:` or `One pair:`), joined with their `\` continuation lines; and the `r1audit …` code spans
    /// inside prose (references).
    static func commandLines(in text: String) -> (examples: [String], references: [String]) {
        var out: [String] = [], references: [String] = []
        let lines = text.components(separatedBy: "\n")
        var i = 0
        while i < lines.count {
            var line = lines[i].trimmingCharacters(in: .whitespaces)
            i += 1
            // The argument parser's synopsis (`USAGE: r1audit x [--a <a>] …`) is a grammar, not an example.
            if line.uppercased().hasPrefix("USAGE:") { continue }
            if let colon = line.range(of: ":"), !line.hasPrefix("r1audit"),
               line[..<colon.lowerBound].split(separator: " ").count <= 3,
               line[colon.upperBound...].trimmingCharacters(in: .whitespaces).hasPrefix("r1audit ") {
                line = line[colon.upperBound...].trimmingCharacters(in: .whitespaces)
            }
            if line.hasPrefix("r1audit ") || line == "r1audit" {
                while line.hasSuffix("\\"), i < lines.count {
                    line = String(line.dropLast()) + " " + lines[i].trimmingCharacters(in: .whitespaces)
                    i += 1
                }
                out.append(line)
            } else {
                references += backtickSpans(in: line).filter { $0.hasPrefix("r1audit ") }
            }
        }
        return (out, references)
    }

    /// The `code` spans of one line.
    static func backtickSpans(in line: String) -> [String] {
        let parts = line.components(separatedBy: "`")
        return stride(from: 1, to: parts.count - 1, by: 2).map { parts[$0] }
    }

    /// A shell line without its trailing `# comment` (a `#` outside quotes after a space).
    static func stripComment(_ line: String) -> String {
        var quote: Character?, previous: Character = " "
        for (offset, c) in line.enumerated() {
            if let q = quote { if c == q { quote = nil } } else if c == "'" || c == "\"" { quote = c }
            else if c == "#", previous == " " { return String(line.prefix(offset)).trimmingCharacters(in: .whitespaces) }
            previous = c
        }
        return line
    }

    /// Shell words of one line; `|`, `&&`, `>`, `<` outside quotes become their own words.
    static func shellWords(_ line: String) -> [String] {
        var words: [String] = [], current = "", inWord = false, quote: Character?
        var chars = Array(line)[...]
        func flush() { if inWord { words.append(current) }; current = ""; inWord = false }
        while let c = chars.popFirst() {
            if let q = quote {
                if c == q { quote = nil } else if q == "\"", c == "\\", let n = chars.first, "\"\\$`".contains(n) {
                    current.append(chars.removeFirst())
                } else { current.append(c) }
                continue
            }
            switch c {
            case "'", "\"": quote = c; inWord = true
            case "\\": if let n = chars.popFirst() { current.append(n); inWord = true }
            case " ", "\t": flush()
            case "&" where chars.first == "&": chars.removeFirst(); flush(); words.append("&&")
            case ">", "<": flush(); words.append(String(c))
            default: current.append(c); inWord = true
            }
        }
        flush()
        return words
    }

    /// The r1audit invocations of one command line: split at `&&`, redirections dropped, words after a
    /// pipe `|` (e.g. `| head`) dropped, and an `a|b|c` word expanded into one invocation per choice.
    static func invocations(of line: String) -> [[String]] {
        var segments: [[String]] = [[]]
        for w in shellWords(line) { if w == "&&" { segments.append([]) } else { segments[segments.count - 1].append(w) } }
        return segments.flatMap { words -> [[String]] in
            guard words.first == "r1audit" else { return [] }
            var args: [String] = [], skipNext = false
            for w in words.dropFirst() {
                if skipNext { skipNext = false; continue }
                if w == ">" || w == "<" { skipNext = true; continue }
                if w == "|" { break }
                args.append(w)
            }
            guard let alt = args.firstIndex(where: { $0.contains("|") && !$0.contains(" ") }) else { return [args] }
            return args[alt].split(separator: "|").map { choice in
                var a = args; a[alt] = String(choice); return a
            }
        }
    }
}

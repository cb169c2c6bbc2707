// Prompt templates: plain-text files in prompts/ with a small header (name, stop strings, answer
// extraction) and a body with `{question}`. The shipped ones follow Liu et al. 2025
// (sail-sg/understand-r1-zero: apply_r1_template, apply_qwen_math_template, apply_no_template and
// the two GPT-4o-mini judge prompts of analysis/). Embedded copies make the binary work anywhere.
import Foundation
import Grading  // AnswerExtraction: the answer-format vocabulary shared with the run store and the graders

/// A prompt template: a header and a body with `{question}` (judges also use `{response}`).
public struct PromptTemplate: Sendable, Codable, Hashable {
    /// The placeholder every template must contain.
    public static let questionSlot = "{question}"
    /// The placeholder judge prompts use for the judged response.
    public static let responseSlot = "{response}"

    /// The template's name, recorded with every sample (`r1`, `qwen-math`, `none`, …).
    public var name: String
    /// Generation stops before any of these strings.
    public var stop: [String]
    /// How answers are read from responses made with it.
    public var extraction: AnswerExtraction
    /// The text with its placeholders.
    public var body: String
    /// Where the template came from: `embedded`, or a file path.
    public var origin: String

    /// Builds a template; the body must contain `{question}`.
    public init(name: String, stop: [String] = [], extraction: AnswerExtraction, body: String,
                origin: String = "inline") throws {
        guard body.contains(Self.questionSlot) else { throw PromptError.missingQuestionSlot(origin: origin) }
        guard !name.isEmpty else { throw PromptError.badHeader(origin: origin, line: 0, reason: "the name is empty") }
        self.name = name; self.stop = stop; self.extraction = extraction; self.body = body; self.origin = origin
    }

    /// The prompt for one question.
    public func render(question: String) -> String { render(["question": question]) }

    /// The prompt of a judge: the question and the response under judgment.
    public func render(question: String, response: String) -> String {
        render(["question": question, "response": response])
    }

    /// Fills `{key}` placeholders in one pass, so a value that itself contains `{response}` is
    /// never substituted again. Other braces (`\boxed{}`) stay as they are.
    public func render(_ values: [String: String]) -> String {
        var out = ""
        out.reserveCapacity(body.utf8.count + values.values.reduce(0) { $0 + $1.utf8.count })
        var rest = body[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"),
               let value = values[String(rest[afterOpen..<close])] {
                out += value
                rest = rest[rest.index(after: close)...]
            } else {
                out.append("{")
                rest = rest[afterOpen...]
            }
        }
        out += rest
        return out
    }

    // MARK: Reading

    /// Parses template text: `key: value` header lines (`#` lines are comments) up to a `---` line,
    /// then the body, which is the rest of the text minus its final newline.
    /// Keys: `name` (required), `stop` (a JSON list of strings), `extraction` (`boxed`, `answer-tag`, `none`).
    public static func parse(_ text: String, origin: String) throws -> PromptTemplate {
        var name: String?, stop: [String] = [], extraction: AnswerExtraction?
        var index = text.startIndex
        var lineNumber = 0
        var sawSeparator = false
        while index < text.endIndex {
            let end = text[index...].firstIndex(of: "\n") ?? text.endIndex
            let line = text[index..<end].trimmingCharacters(in: .whitespaces)
            lineNumber += 1
            index = end < text.endIndex ? text.index(after: end) : end
            if line == "---" { sawSeparator = true; break }
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw PromptError.badHeader(origin: origin, line: lineNumber, reason: "expected `key: value` or `---`")
            }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "name": name = value
            case "stop":
                guard let data = value.data(using: .utf8),
                      let list = try? JSONDecoder().decode([String].self, from: data) else {
                    throw PromptError.badHeader(origin: origin, line: lineNumber,
                                                reason: "stop must be a JSON list of strings, e.g. [\"</answer>\"]")
                }
                stop = list
            case "extraction":
                guard let e = AnswerExtraction(rawValue: value) else {
                    throw PromptError.badHeader(origin: origin, line: lineNumber,
                                                reason: "extraction must be boxed, answer-tag or none (got \"\(value)\")")
                }
                extraction = e
            default:
                throw PromptError.badHeader(origin: origin, line: lineNumber,
                                            reason: "unknown key \"\(key)\" (known: name, stop, extraction)")
            }
        }
        guard sawSeparator else { throw PromptError.missingSeparator(origin: origin) }
        guard let name else { throw PromptError.badHeader(origin: origin, line: lineNumber, reason: "no `name:` line") }
        var body = String(text[index...])
        if body.hasSuffix("\n") { body.removeLast() }
        return try PromptTemplate(name: name, stop: stop, extraction: extraction ?? .boxed, body: body, origin: origin)
    }

    /// Reads a template file.
    public static func load(path: String) throws -> PromptTemplate {
        guard FileManager.default.fileExists(atPath: path) else { throw PromptError.fileNotFound(path: path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PromptError.unreadable(path: path)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw PromptError.notUTF8(path: path) }
        return try parse(text, origin: path)
    }

    /// The default folder that overrides the embedded copies: `prompts/` in the working directory.
    public static var defaultDirectory: URL {
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("prompts")
    }

    /// A template by name or path. A value with a `/` or ending in `.txt` is a file path; otherwise
    /// `directory/NAME.txt` is used when it exists (so prompts/ overrides), else the embedded copy.
    public static func named(_ nameOrPath: String, directory: URL? = defaultDirectory) throws -> PromptTemplate {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".txt") { return try load(path: nameOrPath) }
        if let directory {
            let file = directory.appendingPathComponent(nameOrPath + ".txt").path
            if FileManager.default.fileExists(atPath: file) { return try load(path: file) }
        }
        guard let text = EmbeddedTemplates.files[nameOrPath + ".txt"] else {
            throw PromptError.unknownTemplate(name: nameOrPath, known: builtinNames)
        }
        return try parse(text, origin: "embedded:\(nameOrPath)")
    }

    /// The names of the embedded templates (sampling templates and judges), sorted.
    public static var builtinNames: [String] {
        EmbeddedTemplates.files.keys.map { String($0.dropLast(4)) }.sorted()
    }

    /// The paper's three sampling templates, in the order its figures use.
    public static let paperTemplateNames = ["r1", "qwen-math", "none"]
    /// The answerability judge (reply starts with 0 or 1).
    public static let answerabilityJudgeName = "judge-answerability"
    /// The self-reflection judge (reply ends with a category 0–3).
    public static let reflectionJudgeName = "judge-reflection"
}

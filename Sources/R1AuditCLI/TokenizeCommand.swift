// `r1audit tokenize`: token ids for the `text` field of each JSONL line, with the model's own tokenizer
// (the same ids llama.cpp's llama-tokenize prints). Thin command (style rule 4): options, validate(),
// one tokenizer load + encode per line, render.
import ArgumentParser
import Checkpoints
import Foundation
import Tokenizers

extension CheckpointError: BadInputError {
    /// Missing, truncated, corrupt or unsupported checkpoint files are input; write failures are not.
    public var isBadInput: Bool {
        if case .writeFailed = self { return false }
        return true
    }
}

extension TokenizerError: BadInputError {}

/// Tokenizes the `text` of each line of a JSONL file.
struct TokenizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Add the token ids of each line's `text` to a JSONL file.",
        discussion: """
        Each input line is a JSON object with a string field `text` (other fields are kept). Each output line \
        is the same object with `tokens` (an array of token ids) added, in input order. Special tokens written \
        in the text (e.g. <|im_start|>) become their ids, as llama.cpp's llama-tokenize does; BOS is added only \
        with --add-special and only when the model asks for it.
        Without --json the lines are printed as JSONL; with --json one object {"model", "lines": [...]}.
        Example: r1audit tokenize --model ~/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf --input texts.jsonl
        """)

    @Option(help: ArgumentHelp("A GGUF file or a Hugging Face model folder (with tokenizer.json).", valueName: "path"))
    var model: String

    @Option(help: ArgumentHelp("JSONL file with a `text` field per line.", valueName: "file"))
    var input: String

    @Flag(help: "Add the model's special tokens (BOS when the model uses one).")
    var addSpecial = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard FileManager.default.fileExists(atPath: model) else { throw ValidationError("--model \(model): no such file or folder.") }
        guard FileManager.default.fileExists(atPath: input) else { throw ValidationError("--input \(input): no such file.") }
    }

    func run() async throws {
        let tokenizer = try TokenizerLoader.load(path: URL(fileURLWithPath: model))
        guard let data = FileManager.default.contents(atPath: input) else { throw CLIError.badInput("\(input): cannot read the file") }
        var lines = [[String: Any]]()
        for (n, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            try Task.checkCancellation()
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard var obj = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                throw CLIError.badInput("\(input):\(n + 1): not a JSON object")
            }
            guard let text = obj["text"] as? String else {
                throw CLIError.badInput("\(input):\(n + 1): missing string field \"text\"")
            }
            obj["tokens"] = tokenizer.encode(text, addSpecialTokens: addSpecial)
            lines.append(obj)
        }
        func json(_ o: Any, pretty: Bool) throws -> String {
            var opts: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
            if pretty { opts.insert(.prettyPrinted) }
            do { return String(decoding: try JSONSerialization.data(withJSONObject: o, options: opts), as: UTF8.self) } catch {
                throw CLIError.runtime("could not encode the result as JSON: \(error.localizedDescription)")
            }
        }
        if output.json {
            print(try json(["model": model, "lines": lines] as [String: Any], pretty: true))
        } else {
            for l in lines { print(try json(l, pretty: false)) }
        }
    }
}

// `r1audit generate`: complete every `prompt` of a JSONL file with the local engine (or an endpoint)
// and write the lines back with `text`, `tokens` and `finish_reason` added. Thin command (style rule 4):
// options, validate(), one `completeAll` call, render.
import ArgumentParser
import Engine
import Foundation
import Inference

extension EngineError: BadInputError {
    /// Bad prompts and parameters are input; a model that fails to load is not.
    public var isBadInput: Bool {
        if case .loadFailed = self { return false }
        return true
    }
}

/// Generates completions for the prompts of a JSONL file.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Complete the `prompt` of each line of a JSONL file.",
        discussion: """
        Each input line is a JSON object with a string field `prompt` (other fields are kept). Each output line \
        is the same object with `text` (the completion, stop string removed), `tokens` (completion token ids), \
        `finish_reason` ("stop" or "length") and, with --logprobs, `logprobs` added, in input order.
        Without --json the lines are printed as JSONL; with --json one object {"model", "completions": [...]}.
        Example: r1audit generate --model ~/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf \
        --input prompts.jsonl --temperature 0 --max-tokens 64
        """)

    @OptionGroup var backend: BackendOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("JSONL file with a `prompt` field per line.", valueName: "file"))
    var input: String

    @Option(help: "Sampling temperature; 0 is greedy.")
    var temperature = 0.0

    @Option(help: "Nucleus sampling: keep the most likely tokens holding this much probability.")
    var topP = 1.0

    @Option(help: "Keep only the K most likely tokens (0: off).")
    var topK = 0

    @Option(help: "New tokens per prompt at most.")
    var maxTokens = 128

    @Option(help: "Run seed; each line's seed is derived from it and the line number.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Stop before this string (repeatable).", valueName: "string"))
    var stop: [String] = []

    @Flag(help: "Add per-token log-probabilities.")
    var logprobs = false

    func validate() throws {
        guard temperature >= 0 else { throw ValidationError("--temperature must be ≥ 0 (got \(temperature)).") }
        guard topP > 0 && topP <= 1 else { throw ValidationError("--top-p must be in (0, 1] (got \(topP)).") }
        guard topK >= 0 else { throw ValidationError("--top-k must be ≥ 0 (got \(topK)).") }
        guard maxTokens >= 0 else { throw ValidationError("--max-tokens must be ≥ 0 (got \(maxTokens)).") }
        guard FileManager.default.fileExists(atPath: input) else { throw ValidationError("--input \(input): no such file.") }
    }

    func run() async throws {
        let lines = try Self.readPrompts(input)
        let requests = lines.enumerated().map { i, line in
            CompletionRequest(prompt: .text(line.prompt), parameters: SamplingParameters(
                temperature: temperature, topP: topP, topK: topK, maxTokens: maxTokens, stop: stop,
                seed: SeedDerivation.seed(runSeed: seed, questionID: "line-\(i + 1)", template: "generate",
                                          temperature: temperature, sampleIndex: 0),
                logprobs: logprobs))
        }
        let renderer = ProgressRenderer()
        let model = try await backend.makeBackend(progress: renderer.handler)
        let completions = try await model.completeAll(requests)
        renderer.finish()
        var records: [[String: Any]] = []
        for (line, c) in zip(lines, completions) {
            var record = line.object
            record["text"] = c.text
            record["tokens"] = c.completionTokenIDs ?? []
            record["finish_reason"] = c.finishReason.rawValue
            if let lp = c.logprobs { record["logprobs"] = lp.map { ["token": $0.token, "id": $0.tokenID ?? -1, "logprob": $0.logprob] } }
            records.append(record)
        }
        if output.json {
            print(try Self.json(["model": model.modelName, "completions": records], pretty: true))
        } else {
            for r in records { print(try Self.json(r, pretty: false)) }
        }
    }

    /// The input lines: each a JSON object with a string `prompt`.
    static func readPrompts(_ path: String) throws -> [(object: [String: Any], prompt: String)] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CLIError.badInput("\(path): cannot read (\(error.localizedDescription))")
        }
        var out: [(object: [String: Any], prompt: String)] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw CLIError.badInput("\(path):\(n + 1): not a JSON object; each line must be {\"prompt\": \"...\"}")
            }
            guard let prompt = object["prompt"] as? String else {
                throw CLIError.badInput("\(path):\(n + 1): no string field `prompt`")
            }
            out.append((object, prompt))
        }
        return out
    }

    static func json(_ value: Any, pretty: Bool) throws -> String {
        let options: JSONSerialization.WritingOptions = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try JSONSerialization.data(withJSONObject: value, options: options), as: UTF8.self)
    }
}

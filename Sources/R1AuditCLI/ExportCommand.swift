// `r1audit export --jsonl`: a run's samples (with golds and verdicts) as JSON Lines for pandas or
// lm-eval-style analysis. Thin command (style rule 4): options, validate(), one library call, render.
import ArgumentParser
import Foundation
import RunStore

/// Writes a run's samples as JSONL.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a run's samples as JSON Lines, or (export trl|oat|verl) a training setup for GPUs.",
        discussion: """
        One JSON object per sample: question_id, problem, golds, template, temperature, top_p, \
        sample_index, seed (a string), prompt, response, prompt_tokens, completion_tokens, \
        finish_reason, latency, model, created, verdicts ({grader: {extracted, status}}) and labels \
        ({kind: {method: {verdict, rule, reply, value}}}: the answerability verdict and rule, the judge's reply and parse). \
        Field meanings are in docs/RUNSTORE.md.

        Examples:
          r1audit export --jsonl --run smollm2 > samples.jsonl
          r1audit export --jsonl --run smollm2 --template r1 --output-file r1.jsonl
          python3 -c "import pandas as pd; print(pd.read_json('r1.jsonl', lines=True).head())"

        `r1audit export trl|oat|verl --dataset FILE --out DIR` writes a ready-to-run Dr. GRPO configuration for \
        that framework instead (the same as `r1audit export-training`).
        """,
        subcommands: [ExportTRLCommand.self, ExportOatCommand.self, ExportVerlCommand.self])

    @OptionGroup var runOptions: RunOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Write JSON Lines (the only export format; accepted for clarity).")
    var jsonl = false

    @Option(name: .long, help: ArgumentHelp("Write to this file instead of stdout.", valueName: "PATH"))
    var outputFile: String?

    @Option(name: .long, help: ArgumentHelp("Only samples of this template.", valueName: "NAME"))
    var template: String?

    @Option(name: .long, help: ArgumentHelp("Only samples drawn at this temperature.", valueName: "T"))
    var temperature: Double?

    @Flag(name: .long, help: "Leave the prompt text out of each line (smaller files).")
    var noPrompts = false

    func run() async throws {
        // Checked here, not in validate(): ArgumentParser validates this command also when one of its
        // subcommands (export trl|oat|verl, which take --json without --output-file) is what runs.
        if output.json && outputFile == nil {
            throw ValidationError("--json prints a summary, so it needs --output-file for the lines themselves.")
        }
        let db = try runOptions.openReadOnly()
        let summary: ExportSummary
        if let outputFile {
            guard FileManager.default.createFile(atPath: outputFile, contents: nil),
                  let handle = FileHandle(forWritingAtPath: outputFile) else {
                throw CLIError.badInput("cannot write \(outputFile); check the folder exists and is writable.")
            }
            defer { try? handle.close() }
            let n = try db.exportJSONL(template: template, temperature: temperature, includePrompts: !noPrompts) {
                handle.write(Data(($0 + "\n").utf8))
            }
            summary = ExportSummary(run: runOptions.run, samples: n, output: outputFile)
            try output.emit(summary) { "wrote \(n) samples to \(outputFile)" }
        } else {
            let n = try db.exportJSONL(template: template, temperature: temperature, includePrompts: !noPrompts) {
                print($0)
            }
            summary = ExportSummary(run: runOptions.run, samples: n, output: "-")
            FileHandle.standardError.write(Data("exported \(summary.samples) samples\n".utf8))
        }
    }
}

/// What `export --json` prints.
struct ExportSummary: Codable {
    var run: String
    var samples: Int
    var output: String
}

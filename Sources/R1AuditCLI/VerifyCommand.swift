// `r1audit verify`: grade model responses against gold answers with the Grading module (issue 3),
// one pair from the command line or a JSONL file, line for line.
import ArgumentParser
import Foundation
import Grading

extension GradingError: BadInputError {}

/// Grades responses (a JSONL file) or one answer against gold answers.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check final answers against gold answers (Math-Verify-compatible, much faster).",
        discussion: """
        One pair:   r1audit verify --gold '\\frac{1}{2}' --answer '0.5'
        A file:     r1audit verify --input responses.jsonl --output graded.jsonl --mode boxed

        Each input line is a JSON object with "response" and "answer" (or an "answers" list: any may match).
        Each output line is the input plus "extracted" (string or null), "status" ("correct", "incorrect" or \
        "no-answer") and "correct" (bool), in input order. A bad line gets "status": "error" and a "message", \
        and the run goes on. Without --output the graded lines go to stdout and the counts to stderr.

        --mode chooses where the answer is read: the last \\boxed{} ("boxed"), the R1 template's \
        <answer>…</answer> ("answer-tag"), or \\boxed then <answer> ("auto"). Unless --no-fallback, a response \
        without that format falls back to "The answer is …", "#### …" or its last number; the paper's \
        grader uses --no-fallback, so unformatted responses count as "no-answer".
        """)

    @Option(help: ArgumentHelp("JSONL file of responses to grade.", valueName: "file.jsonl"))
    var input: String?

    @Option(name: .customLong("output"), help: ArgumentHelp("Where to write the graded JSONL (default: stdout).", valueName: "file.jsonl"))
    var outputPath: String?

    @Option(help: ArgumentHelp("Gold answer for a single check (repeat for several golds; any may match).", valueName: "latex"))
    var gold: [String] = []

    @Option(help: ArgumentHelp("The answer (or a whole response) to check against --gold.", valueName: "latex"))
    var answer: String?

    @Option(help: ArgumentHelp("Where answers are read: boxed, answer-tag or auto (default: auto).", valueName: "mode"),
            transform: ExtractionMode.parseOption)
    var mode: ExtractionMode = .auto

    @Flag(inversion: .prefixedNo, help: "Fall back to \"The answer is …\", \"#### …\" or the last number when the mode's format is absent.")
    var fallback = true

    @Option(help: "Compare answers written with decimals within this relative tolerance instead of rounding both to 6 decimal places (Math-Verify's float_rounding, the rule the audit and the training reward use).")
    var tolerance: Double?

    @OptionGroup var format: OutputOptions

    func validate() throws {
        let single = !gold.isEmpty || answer != nil
        if input != nil && single { throw ValidationError("Give either --input FILE or --gold X --answer Y, not both.") }
        if input == nil && !single { throw ValidationError("Give --input FILE.jsonl, or --gold X --answer Y to check one pair.") }
        if single && (gold.isEmpty || answer == nil) { throw ValidationError("A single check needs both --gold and --answer.") }
        if outputPath != nil && input == nil { throw ValidationError("--output applies to --input only.") }
        if let tolerance, !(tolerance >= 0 && tolerance < 1) { throw ValidationError("--tolerance must be in [0, 1).") }
    }

    /// The result of a single check, as printed with --json.
    struct PairReport: Encodable {
        let golds: [String]
        let answer: String
        let extracted: String?
        let status: String
        let correct: Bool
    }

    func run() async throws {
        let extractor = AnswerExtractor(mode: mode, plainTextFallback: fallback)
        // By default the audit's rule (ExtractionPolicy's floatRounding, 6 places), so `verify` reproduces its verdicts.
        let verifier = tolerance.map { AnswerVerifier(extractor: extractor, relativeTolerance: $0) }
            ?? AnswerVerifier(extractor: extractor, floatRounding: ExtractionPolicy(format: mode).floatRounding)
        if let answer {
            let r = verifier.grade(answer: answer, golds: gold)
            try format.emit(PairReport(golds: gold, answer: answer, extracted: r.extracted, status: r.status.rawValue, correct: r.correct)) {
                "\(r.status.rawValue)" + (r.extracted.map { " (extracted: \($0))" } ?? "")
            }
            return
        }
        guard let input else { return }
        let text: String
        do { text = try String(contentsOfFile: input, encoding: .utf8) } catch {
            throw CLIError.badInput("cannot read \(input): \(error.localizedDescription); give a UTF-8 JSONL file")
        }
        let (lines, summary) = VerificationLines.gradeAll(jsonl: text, verifier: verifier)
        let body = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
        let counts = "\(summary.total) lines: \(summary.correct) correct, \(summary.incorrect) incorrect, \(summary.noAnswer) no-answer, \(summary.errors) errors"
        if let outputPath {
            do { try body.write(toFile: outputPath, atomically: true, encoding: .utf8) } catch {
                throw CLIError.runtime("cannot write \(outputPath): \(error.localizedDescription)")
            }
            try format.emit(summary) { counts + " → \(outputPath)" }
        } else {
            FileHandle.standardOutput.write(Data(body.utf8))
            FileHandle.standardError.write(Data((counts + "\n").utf8))
        }
        if Task.isCancelled { throw CancellationError() }
    }
}

extension ExtractionMode {
    /// Parses `--mode` for `verify` and `bench verify`, naming the accepted values on error.
    static func parseOption(_ raw: String) throws -> ExtractionMode {
        guard let m = ExtractionMode(rawValue: raw) else {
            throw ValidationError("--mode must be one of: \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return m
    }
}

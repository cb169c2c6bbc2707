// `r1audit bench verify`: verifications per second of the Grading module on one core, on the same
// JSONL pairs that scripts/compare-mathverify times Math-Verify on (issue 3, "Measured").
import ArgumentParser
import Foundation
import Grading

/// Times `AnswerVerifier.grade` over a JSONL file of responses and gold answers.
struct BenchVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Answer verification speed: verifications per second on one core.",
        discussion: """
        Grades every line of --input (the format of `r1audit verify --input`: "response" plus "answer" or \
        "answers") on one thread, repeating the file until --seconds have passed, and reports verifications per CPU second of that thread (robust to other load). \
        scripts/compare-mathverify builds the pairs from ../shared/datasets and times Math-Verify on the same \
        file. Build with -c release for meaningful figures.
        Example: r1audit bench verify --input /tmp/pairs.jsonl --mode boxed --seconds 5
        """)

    @Option(help: ArgumentHelp("JSONL file of responses and gold answers.", valueName: "file.jsonl"))
    var input: String

    @Option(help: ArgumentHelp("Where answers are read: boxed, answer-tag or auto (default: auto).", valueName: "mode"),
            transform: ExtractionMode.parseOption)
    var mode: ExtractionMode = .auto

    @Flag(inversion: .prefixedNo, help: "Fall back to plain-text finals when the mode's format is absent.")
    var fallback = true

    @Option(help: "Minimum measuring time in seconds (the file is graded whole, repeatedly).")
    var seconds = 3.0

    @OptionGroup var format: OutputOptions

    func validate() throws {
        guard seconds > 0, seconds <= 3600 else { throw ValidationError("--seconds must be in (0, 3600].") }
    }

    /// What is printed (and, with --json, its fields).
    struct Report: Encodable {
        let pairs: Int
        let skippedLines: Int
        let verifications: Int
        let seconds: Double
        let cpuSeconds: Double
        let verificationsPerSecond: Double
        let correct: Int
    }

    func run() async throws {
        let text: String
        do { text = try String(contentsOfFile: input, encoding: .utf8) } catch {
            throw CLIError.badInput("cannot read \(input): \(error.localizedDescription); give a UTF-8 JSONL file")
        }
        var items: [VerificationItem] = []
        var skipped = 0
        for (k, line) in text.split(separator: "\n").enumerated() {
            do { items.append(try VerificationLines.item(fromLine: String(line), lineNumber: k + 1)) } catch { skipped += 1 }
        }
        guard !items.isEmpty else { throw CLIError.badInput("\(input) has no usable lines (need \"response\" and \"answer\")") }
        let verifier = AnswerVerifier(extractor: AnswerExtractor(mode: mode, plainTextFallback: fallback))
        let r = VerificationBenchmark.run(items: items, verifier: verifier, minimumSeconds: seconds)
        if Task.isCancelled { throw CancellationError() }
        let report = Report(pairs: items.count, skippedLines: skipped, verifications: r.verifications, seconds: r.seconds,
                            cpuSeconds: r.cpuSeconds, verificationsPerSecond: r.perSecond, correct: r.correct)
        try format.emit(report) {
            String(format: "%d pairs, %d verifications in %.2f CPU s (%.2f s wall): %.0f verifications/s on one core, %d graded correct",
                   items.count, r.verifications, r.cpuSeconds, r.seconds, r.perSecond, r.correct)
        }
    }
}

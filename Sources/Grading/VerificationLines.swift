// JSONL batch grading for `r1audit verify --input` and `r1audit bench verify`: each line carries
// `response` and `answer` (or an `answers` list); the output line is the input plus `extracted`,
// `status` and `correct` (issue 3, "Command"). A bad line becomes a `status: "error"` line.
import Foundation

/// One response with its gold answers, read from a JSONL line.
public struct VerificationItem: Sendable, Hashable {
    /// The model's response (or a bare answer).
    public var response: String
    /// Gold answers; any may match.
    public var golds: [String]

    /// Creates an item.
    public init(response: String, golds: [String]) {
        self.response = response
        self.golds = golds
    }
}

/// Reading and grading JSONL lines.
public enum VerificationLines {
    /// Parses one line (1-based `lineNumber`, for messages) into an item.
    public static func item(fromLine line: String, lineNumber: Int) throws(GradingError) -> VerificationItem {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
            throw .notJSONObject(line: lineNumber)
        }
        return try item(from: object, lineNumber: lineNumber)
    }

    static func item(from object: [String: Any], lineNumber: Int) throws(GradingError) -> VerificationItem {
        guard let response = object["response"] as? String else { throw .missingField(line: lineNumber, field: "response") }
        if let answers = object["answers"] as? [String], !answers.isEmpty {
            return VerificationItem(response: response, golds: answers)
        }
        if let answer = object["answer"] as? String { return VerificationItem(response: response, golds: [answer]) }
        if let number = object["answer"] as? NSNumber { return VerificationItem(response: response, golds: [number.stringValue]) }
        throw .missingField(line: lineNumber, field: "answer")
    }

    /// Grades one input line and returns the output line (the input object plus `extracted`,
    /// `status`, `correct`; or plus `status: "error"` and `message`), keys sorted.
    public static func gradeLine(_ line: String, lineNumber: Int, verifier: AnswerVerifier) -> String {
        graded(line, lineNumber: lineNumber, verifier: verifier).line
    }

    /// The output line and its status (`correct`, `incorrect`, `no-answer` or `error`).
    static func graded(_ line: String, lineNumber: Int, verifier: AnswerVerifier) -> (line: String, status: String) {
        var object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        do {
            if object.isEmpty { throw GradingError.notJSONObject(line: lineNumber) }
            let item = try item(from: object, lineNumber: lineNumber)
            let result = verifier.grade(response: item.response, golds: item.golds)
            object["extracted"] = result.extracted ?? NSNull()
            object["status"] = result.status.rawValue
            object["correct"] = result.correct
        } catch {
            if object.isEmpty { object["line"] = lineNumber }
            object["status"] = "error"
            object["message"] = error.localizedDescription
            object["correct"] = false
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return (String(decoding: data, as: UTF8.self), object["status"] as? String ?? "error")
    }
}

extension AnswerVerifier {
    /// Grades a bare answer (as typed on a command line): a `\boxed{}` or `<answer>` inside it is
    /// extracted first; otherwise the whole string is the answer.
    public func grade(answer: String, golds: [String]) -> GradeResult {
        let strict = AnswerExtractor(mode: .auto, plainTextFallback: false)
        let extracted = strict.extract(answer) ?? AnswerExtractor.stripMathDelimiters(answer)
        guard !extracted.isEmpty else { return GradeResult(extracted: nil, status: .noAnswer) }
        let ok = golds.contains { equivalent(extracted, $0) }
        return GradeResult(extracted: extracted, status: ok ? .correct : .incorrect)
    }
}

/// The outcome of a verification speed run.
public struct VerificationBenchmarkResult: Sendable, Codable, Hashable {
    /// Verifications performed (each is one `grade` call: extraction plus comparison with every gold).
    public var verifications: Int
    /// Wall-clock seconds.
    public var seconds: Double
    /// CPU seconds of the grading thread (what "one core" means when the machine is shared).
    public var cpuSeconds: Double
    /// How many graded correct (a check that the run did real work).
    public var correct: Int
    /// Verifications per CPU second of one thread.
    public var perSecond: Double { cpuSeconds > 0 ? Double(verifications) / cpuSeconds : 0 }
}

/// Times `grade` over a fixed list of items on the calling thread (one core).
public enum VerificationBenchmark {
    /// Grades every item, repeating the list until at least `minimumSeconds` (wall clock) have passed.
    public static func run(items: [VerificationItem], verifier: AnswerVerifier, minimumSeconds: Double) -> VerificationBenchmarkResult {
        guard !items.isEmpty else { return VerificationBenchmarkResult(verifications: 0, seconds: 0, cpuSeconds: 0, correct: 0) }
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = threadCPUSeconds()
        var count = 0, correct = 0, elapsed = 0.0
        repeat {
            for item in items {
                if verifier.grade(response: item.response, golds: item.golds).correct { correct += 1 }
                count += 1
            }
            let d = clock.now - start
            elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        } while elapsed < minimumSeconds && !Task.isCancelled
        return VerificationBenchmarkResult(verifications: count, seconds: elapsed, cpuSeconds: threadCPUSeconds() - cpuStart, correct: correct)
    }

    /// CPU time consumed by the calling thread (`CLOCK_THREAD_CPUTIME_ID`).
    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

/// Counts of a graded JSONL file.
public struct VerificationSummary: Sendable, Codable, Hashable {
    /// Lines graded (blank lines are skipped).
    public var total = 0
    /// Lines graded correct.
    public var correct = 0
    /// Lines graded incorrect.
    public var incorrect = 0
    /// Lines with no extractable answer.
    public var noAnswer = 0
    /// Lines that could not be read (bad JSON or missing fields).
    public var errors = 0

    /// An empty summary.
    public init() {}
}

extension VerificationLines {
    /// Grades every non-blank line of a JSONL text, in order; returns the output lines and their counts.
    /// Stops early (returning what was graded) when the task is cancelled.
    public static func gradeAll(jsonl: String, verifier: AnswerVerifier) -> (lines: [String], summary: VerificationSummary) {
        var out: [String] = []
        var summary = VerificationSummary()
        for (k, raw) in jsonl.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if Task.isCancelled { break }
            let line = ByteText.trim(raw)
            if line.isEmpty { continue }
            let (graded, status) = graded(line, lineNumber: k + 1, verifier: verifier)
            summary.total += 1
            switch status {
            case GradeStatus.correct.rawValue: summary.correct += 1
            case GradeStatus.incorrect.rawValue: summary.incorrect += 1
            case GradeStatus.noAnswer.rawValue: summary.noAnswer += 1
            default: summary.errors += 1
            }
            out.append(graded)
        }
        return (out, summary)
    }
}

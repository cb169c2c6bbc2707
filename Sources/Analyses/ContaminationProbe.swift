// Contamination probe by partial-prompt completion (Wu et al. 2025, "Reasoning or Memorization?"): the
// first 40/60/80% of each problem is given as a bare continuation prompt and decoded greedily. A model that
// saw the benchmark in training reproduces the rest of the problem (exact match, high ROUGE-L) and often
// its answer; on a control set it cannot have seen (problems generated with a seed at run time, like the
// built-in set) it cannot. The benchmark's figures are read against the control's, never alone.
import Datasets
import Grading
import Inference

/// One problem cut at one fraction, with the greedy continuation's scores.
public struct ContaminationItem: Sendable, Codable, Hashable {
    public var questionID: String
    public var fraction: Double
    /// ROUGE-L F-measure of the continuation (cut to the rest's token count) against the true rest.
    public var rougeL: Double
    /// The continuation starts with the true rest (whitespace-normalised, case kept).
    public var exactMatch: Bool
    /// The continuation's final answer (plain-text fallback on) equals a gold.
    public var answerCorrect: Bool
}

/// The probe's figures at one fraction for one question set.
public struct ContaminationFigures: Sendable, Codable, Hashable {
    public var fraction: Double
    public var items: Int
    /// Share of exact matches (Wilson interval).
    public var exactMatch: ConfidenceInterval
    /// Mean ROUGE-L with a bootstrap interval over questions.
    public var rougeL: ConfidenceInterval
    /// Share of continuations whose answer is right (Wilson interval).
    public var answerAccuracy: ConfidenceInterval
}

/// Low or high, by the rule in `ContaminationProbe.level` (docs/ANALYSES.md).
public enum ContaminationLevel: String, Sendable, Codable, Hashable {
    case low, high
}

/// The probe on one benchmark beside its control set.
public struct ContaminationResult: Sendable, Codable, Hashable {
    public var benchmark: String
    public var benchmarkFigures: [ContaminationFigures]
    public var controlFigures: [ContaminationFigures]
    public var level: ContaminationLevel
    /// The rule and the figures that decided the level, in words.
    public var reason: String
    public var items: [ContaminationItem]
    public var controlItems: [ContaminationItem]
}

/// Partial-prompt completion over any backend.
public struct ContaminationProbe: Sendable {
    public static let defaultFractions = [0.4, 0.6, 0.8]
    /// A benchmark is "high" when its mean ROUGE-L exceeds the control's by this much at some fraction,
    /// with the bootstrap intervals apart, or when its exact-match interval lies above the control's.
    public static let rougeMargin = 0.10

    public var fractions: [Double]
    /// Continuation budget: the rest's word count × this, at least 16 tokens, at most `maximumTokens`.
    public var tokensPerWord: Double = 2.5
    public var maximumTokens: Int = 512
    public var seed: UInt64

    public init(fractions: [Double] = ContaminationProbe.defaultFractions, seed: UInt64 = 0) throws {
        guard !fractions.isEmpty, fractions.allSatisfy({ $0 > 0 && $0 < 1 }) else {
            throw AnalysesError.invalidArgument(name: "fractions", value: "\(fractions)", expected: "values strictly between 0 and 1")
        }
        self.fractions = fractions; self.seed = seed
    }

    /// The problem cut after round(fraction × words) whitespace-separated words (at least one word on each
    /// side); nil for a problem of fewer than two words. The prefix keeps the original spacing.
    public static func split(_ problem: String, fraction: Double) -> (prefix: String, rest: String)? {
        var wordStarts = [String.Index]()
        var inWord = false
        for i in problem.indices {
            let space = problem[i].isWhitespace
            if !space && !inWord { wordStarts.append(i) }
            inWord = !space
        }
        guard wordStarts.count >= 2 else { return nil }
        let keep = min(max(Int((fraction * Double(wordStarts.count)).rounded()), 1), wordStarts.count - 1)
        let cut = wordStarts[keep]
        var prefixEnd = cut
        while prefixEnd > problem.startIndex, problem[problem.index(before: prefixEnd)].isWhitespace {
            prefixEnd = problem.index(before: prefixEnd)
        }
        return (String(problem[..<prefixEnd]), String(problem[cut...]))
    }

    /// Collapses whitespace runs to one space and trims the ends.
    static func normalised(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Whether the continuation reproduces the rest: it starts with the rest, whitespace-normalised.
    public static func exactMatch(continuation: String, rest: String) -> Bool {
        let r = normalised(rest)
        return !r.isEmpty && normalised(continuation).hasPrefix(r)
    }

    /// ROUGE-L F of the continuation's first |rest| tokens against the rest (a rambling tail is not held
    /// against a continuation that reproduced the rest).
    public static func rouge(continuation: String, rest: String) -> Double {
        let r = RougeL.tokens(rest)
        let c = Array(RougeL.tokens(continuation).prefix(max(r.count, 1)))
        let lcs = Double(RougeL.lcsLength(c, r))
        guard !c.isEmpty, !r.isEmpty, lcs > 0 else { return 0 }
        let p = lcs / Double(c.count), rc = lcs / Double(r.count)
        return 2 * p * rc / (p + rc)
    }

    /// Scores one continuation.
    public static func score(question: Question, fraction: Double, rest: String, continuation: String,
                             verifier: AnswerVerifier) -> ContaminationItem {
        ContaminationItem(questionID: question.id, fraction: fraction,
                          rougeL: rouge(continuation: continuation, rest: rest),
                          exactMatch: exactMatch(continuation: continuation, rest: rest),
                          answerCorrect: verifier.grade(response: continuation, golds: question.golds).correct)
    }

    /// Figures per fraction from scored items.
    public func figures(_ items: [ContaminationItem]) throws -> [ContaminationFigures] {
        try fractions.compactMap { f in
            let xs = items.filter { $0.fraction == f }
            guard !xs.isEmpty else { return nil }
            return ContaminationFigures(
                fraction: f, items: xs.count,
                exactMatch: try WilsonInterval.interval(successes: xs.filter(\.exactMatch).count, trials: xs.count),
                rougeL: try Bootstrap.meanInterval(xs.map(\.rougeL), resamples: 1000, seed: seed &+ UInt64(f * 1000)),
                answerAccuracy: try WilsonInterval.interval(successes: xs.filter(\.answerCorrect).count, trials: xs.count))
        }
    }

    /// The documented rule: high when, at some fraction, the benchmark's ROUGE-L is ≥ `rougeMargin` above the
    /// control's with the intervals apart, or its exact-match interval lies wholly above the control's.
    public static func level(benchmark: [ContaminationFigures], control: [ContaminationFigures]) -> (ContaminationLevel, String) {
        for b in benchmark {
            guard let c = control.first(where: { $0.fraction == b.fraction }) else { continue }
            let pct = Int((b.fraction * 100).rounded())
            if b.rougeL.estimate - c.rougeL.estimate >= rougeMargin, b.rougeL.lower > c.rougeL.upper {
                return (.high, "at \(pct)% of the problem, ROUGE-L \(fmt(b.rougeL.estimate)) vs control \(fmt(c.rougeL.estimate)) (≥ \(fmt(rougeMargin)) above, intervals apart)")
            }
            if b.exactMatch.lower > c.exactMatch.upper {
                return (.high, "at \(pct)% of the problem, exact match \(fmt(b.exactMatch.estimate)) vs control \(fmt(c.exactMatch.estimate)) (intervals apart)")
            }
        }
        let worst = benchmark.max { $0.rougeL.estimate < $1.rougeL.estimate }
        return (.low, "ROUGE-L at most \(fmt(worst?.rougeL.estimate ?? 0)) and no fraction apart from the control (rule: ≥ \(fmt(rougeMargin)) above with intervals apart, or exact match above)")
    }

    static func fmt(_ x: Double) -> String { String(format: "%.2f", x) }

    /// Greedy continuations of every (question, fraction) on the backend, for the benchmark and the control.
    public func run(benchmark: QuestionSet, control: QuestionSet, backend: some Backend,
                    progress: ProgressHandler? = nil) async throws -> ContaminationResult {
        let verifier = AnswerVerifier(extractor: AnswerExtractor(mode: .auto))
        let total = (benchmark.questions.count + control.questions.count) * fractions.count
        var done = 0
        func probe(_ set: QuestionSet) async throws -> [ContaminationItem] {
            var cases: [(Question, Double, String)] = [], requests: [CompletionRequest] = []
            for q in set.questions {
                for f in fractions {
                    guard let (prefix, rest) = Self.split(q.problem, fraction: f) else { continue }
                    let words = rest.split(whereSeparator: { $0.isWhitespace }).count
                    let budget = min(max(Int(Double(words) * tokensPerWord), 16), maximumTokens)
                    cases.append((q, f, rest))
                    requests.append(CompletionRequest(prompt: .text(prefix),
                                                      parameters: SamplingParameters(temperature: 0, maxTokens: budget, seed: seed)))
                }
            }
            var items = [ContaminationItem?](repeating: nil, count: cases.count)
            for try await r in backend.complete(requests) where items.indices.contains(r.index) {
                try Task.checkCancellation()
                let (q, f, rest) = cases[r.index]
                items[r.index] = Self.score(question: q, fraction: f, rest: rest, continuation: r.completion.text, verifier: verifier)
                done += 1
                progress?(ProgressUpdate(phase: "contamination", completed: done, total: total))
            }
            if let missing = items.firstIndex(where: { $0 == nil }) { throw AnalysesError.backendIncomplete(analysis: "contamination", index: missing, model: backend.modelName) }
            return items.compactMap { $0 }
        }
        let b = try await probe(benchmark), c = try await probe(control)
        let bf = try figures(b), cf = try figures(c)
        let (level, reason) = Self.level(benchmark: bf, control: cf)
        return ContaminationResult(benchmark: benchmark.source, benchmarkFigures: bf, controlFigures: cf,
                                   level: level, reason: reason, items: b, controlItems: c)
    }
}

// `r1audit readiness`: the pre-RL readiness audit over a run that holds samples of one template at one
// temperature (an audit's or an explore's). From the stored samples alone: the large-k pass@k curve with
// the blind-guesser baseline, format headroom, the answer rate (AnswerabilityHeuristic), the questions RL
// can learn from and the zero-signal share of groups of G; with a backend and a benchmark, the contamination
// probe. The verdict combines them (ReadinessVerdict; rules in docs/ANALYSES.md).
import Foundation
import Datasets
import Grading
import Inference
import RunStore

/// Everything the readiness audit measured, and its verdict.
public struct ReadinessResult: StoredAnalysisResult, Hashable {
    public static let analysis = "readiness"
    public var template: String
    public var temperature: Double
    public var grader: String
    public var questions: Int
    /// Samples per question (the smallest over questions: the curve's largest k).
    public var samplesPerQuestion: Int
    public var passAtK: LargeKPassAtK
    /// The blind guesser's pass@k at each reported k, when the answer space is known.
    public var guessingBaseline: [Double]?
    public var guessingFlagged: [Bool]?
    public var headroom: FormatHeadroom
    public var answerRate: ConfidenceInterval
    public var groupSize: Int
    /// Predicted share of groups of G whose rewards are all equal, over all questions and over the kept ones.
    public var zeroSignalShareAll: Double
    public var zeroSignalShareKept: Double?
    public var questionsKept: Int
    public var contamination: ContaminationResult?
    /// Against a tuned run (`--tuned-run`): where the base curve meets the tuned one.
    public var crossover: PassAtKCrossover?
    public var tunedRun: String?
    public var verdict: ReadinessVerdict
    public var headline: Double { passAtK.points.first?.passAtK.estimate ?? 0 }
    /// One row per (template, temperature, grader); the judge is the answer-rate heuristic.
    public var storedParts: [(key: ResultKey, part: ReadinessResult)] {
        [(ResultKey(analysis: Self.analysis, template: template, temperature: temperature, grader: grader, judge: "heuristic"), self)]
    }
}

/// The readiness audit's settings.
public struct Readiness: Sendable {
    public var grader: GraderSettings
    /// nil: the template with the most samples (an audit's exploration template).
    public var template: String?
    /// nil: the temperature with the most samples of that template.
    public var temperature: Double?
    /// G, the RL group size whose zero-signal share is forecast.
    public var groupSize: Int
    public var keepSolved: Bool
    public var answerSpace: AnswerSpace?
    public var seed: UInt64
    public var bootstrapResamples: Int

    public init(grader: GraderSettings = GraderSettings(), template: String? = nil, temperature: Double? = nil,
                groupSize: Int = 8, keepSolved: Bool = false, answerSpace: AnswerSpace? = nil, seed: UInt64 = 0,
                bootstrapResamples: Int = 1000) {
        self.grader = grader; self.template = template; self.temperature = temperature; self.groupSize = groupSize
        self.keepSolved = keepSolved; self.answerSpace = answerSpace; self.seed = seed; self.bootstrapResamples = bootstrapResamples
    }

    /// The chance that a group of G rewards is all equal, from c correct of the n stored samples: the
    /// learnability forecast's unbiased estimate (`LearnabilityMath.zeroSignalProbability`) when n ≥ G, else
    /// the plug-in p^G + (1 − p)^G with p = c/n (an audit usually holds fewer samples than a group).
    public static func zeroSignalProbability(n: Int, correct c: Int, groupSize g: Int) -> Double {
        if g <= n, let unbiased = try? LearnabilityMath.zeroSignalProbability(n: n, correct: c, groupSize: g) { return unbiased }
        let p = Double(c) / Double(n)
        return pow(p, Double(g)) + pow(1 - p, Double(g))
    }

    /// Per-question (n, c) of one template and temperature, keyed by question id, graded with this grader.
    func counts(database: RunDatabase, template: String, temperature: Double) throws -> [String: (n: Int, c: Int)] {
        let samples = try database.samples(template: template, temperature: temperature)
        let graded = try SampleGrader(settings: grader).grade(samples, database: database)
        var out: [String: (n: Int, c: Int)] = [:]
        for g in graded {
            let x = out[g.sample.questionID] ?? (0, 0)
            out[g.sample.questionID] = (x.n + 1, x.c + (g.grade.correct ? 1 : 0))
        }
        return out
    }

    /// The crossover of this run's curve (base) with a tuned run's, on the questions both hold, same
    /// template and temperature.
    public func crossover(base: RunDatabase, tuned: RunDatabase, template: String, temperature: Double) throws -> PassAtKCrossover {
        let b = try counts(database: base, template: template, temperature: temperature)
        let t = try counts(database: tuned, template: template, temperature: temperature)
        let shared = Set(b.keys).intersection(t.keys).sorted()
        guard !shared.isEmpty else {
            throw AnalysesError.noQuestions(source: "both runs at template \(template), T=\(temperature) (the tuned run holds \(t.count) questions, none shared)")
        }
        return try PassAtKCrossover(base: shared.compactMap { b[$0] }, tuned: shared.compactMap { t[$0] },
                                    resamples: bootstrapResamples, seed: seed)
    }

    /// Runs on the stored samples; `probe`, `benchmark` and `backend` together add the contamination probe;
    /// `tuned` adds the crossover with a tuned run's samples.
    public func run(database: RunDatabase, probe: ContaminationProbe? = nil, benchmark: QuestionSet? = nil,
                    control: QuestionSet? = nil, backend: (any Backend)? = nil, tuned: (name: String, database: RunDatabase)? = nil,
                    progress: ProgressHandler? = nil) async throws -> ReadinessResult {
        guard groupSize >= 2 else {
            throw AnalysesError.invalidArgument(name: "--group-size", value: "\(groupSize)", expected: "at least 2 (a group of one has no advantage)")
        }
        let all = try database.samples()
        guard !all.isEmpty else { throw AnalysesError.noQuestions(source: "the run (no samples stored; run audit or explore first)") }
        let chosen = template ?? Self.mostCommon(all.map(\.template))
        let ofTemplate = all.filter { $0.template == chosen }
        guard !ofTemplate.isEmpty else {
            throw AnalysesError.invalidArgument(name: "--template", value: chosen, expected: "a template the run holds: \(Set(all.map(\.template)).sorted().joined(separator: ", "))")
        }
        let temp = temperature ?? Self.mostCommon(ofTemplate.map(\.temperature))
        let samples = ofTemplate.filter { $0.temperature == temp }
        guard !samples.isEmpty else {
            throw AnalysesError.invalidArgument(name: "--temperature", value: "\(temp)", expected: "a temperature the run holds for \(chosen): \(Set(ofTemplate.map(\.temperature)).sorted().map { "\($0)" }.joined(separator: ", "))")
        }
        let graded = try SampleGrader(settings: grader).grade(samples, database: database)
        let problems = Dictionary(try database.questions().map { ($0.id, $0.problem) }, uniquingKeysWith: { a, _ in a })
        let byQuestion = Dictionary(grouping: graded, by: \.sample.questionID)
        let counts = byQuestion.keys.sorted().map { id in (n: byQuestion[id]!.count, c: byQuestion[id]!.filter(\.grade.correct).count) }
        let curve = try LargeKPassAtK(temperature: temp, counts: counts, resamples: bootstrapResamples, seed: seed)
        let ks = curve.points.map(\.k)
        let baseline = try answerSpace.map { space in try ks.map { try GuessingBaseline.passAtK(space: space, k: $0) } }
        let flagged = baseline.map { $0.map { $0 > GuessingBaseline.flagThreshold } }

        let extraction = Dictionary(try database.prompts().map { ($0.template, $0.extraction) }, uniquingKeysWith: { a, _ in a })
        guard let chosenFormat = extraction[chosen] else { throw AnalysesError.templateNotStored(template: chosen) }
        let isR1 = chosenFormat == .answerTag
        let headroom = try FormatHeadroom(template: chosen, samples: graded.map { g in
            let r = g.sample.response
            return HeadroomSample(correct: g.grade.correct, strictFormat: isR1 ? R1Format.isStrict(r) : g.formatted,
                                  lenientFormat: isR1 ? R1Format.isLenient(r) : g.formatted, response: r)
        })
        let answers = graded.filter {
            AnswerabilityHeuristic.classify(response: $0.sample.response, question: problems[$0.sample.questionID] ?? "",
                                            truncated: $0.truncated).verdict == .answers
        }.count
        let answerRate = try WilsonInterval.interval(successes: answers, trials: graded.count)

        func meanZeroSignal(_ xs: [(n: Int, c: Int)]) -> Double {
            xs.map { Self.zeroSignalProbability(n: $0.n, correct: $0.c, groupSize: groupSize) }.reduce(0, +) / Double(xs.count)
        }
        let kept = counts.filter { $0.c > 0 && (keepSolved || $0.c < $0.n) }
        let zeroAll = meanZeroSignal(counts)
        let zeroKept = kept.isEmpty ? nil : meanZeroSignal(kept)

        var contamination: ContaminationResult? = nil
        if let probe, let benchmark, let backend {
            contamination = try await probe.run(benchmark: benchmark,
                                                control: control ?? QuestionSet.builtin(count: benchmark.questions.count, seed: probe.seed),
                                                backend: backend, progress: progress)
        }
        let last = curve.points.last
        var inputs = ReadinessInputs(
            template: chosen, answerRate: answerRate.estimate, questionsKept: kept.count, questionsTotal: counts.count,
            zeroSignalShare: zeroKept ?? 1, passAt1: curve.points.first?.passAtK.estimate ?? 0,
            passAtK: last?.passAtK.estimate ?? 0, k: last?.k ?? 1, guessingBaseline: baseline?.last,
            formatGap: headroom.formatGap, contamination: contamination?.level)
        inputs.templateRule = template == nil ? "the run's template with the most samples" : "given with --template"
        let verdict = ReadinessVerdict(inputs)
        let result = ReadinessResult(
            template: chosen, temperature: temp, grader: grader.graderName(extraction: chosenFormat),
            questions: counts.count, samplesPerQuestion: counts.map(\.n).min() ?? 0, passAtK: curve,
            guessingBaseline: baseline, guessingFlagged: flagged, headroom: headroom, answerRate: answerRate,
            groupSize: groupSize, zeroSignalShareAll: zeroAll, zeroSignalShareKept: zeroKept, questionsKept: kept.count,
            contamination: contamination,
            crossover: try tuned.map { try crossover(base: database, tuned: $0.database, template: chosen, temperature: temp) },
            tunedRun: tuned?.name, verdict: verdict)
        try result.store(in: database)
        return result
    }

    /// The most frequent value (ties to the smallest, so the choice is stable).
    static func mostCommon<T: Hashable & Comparable>(_ xs: [T]) -> T {
        let counts = Dictionary(xs.map { ($0, 1) }, uniquingKeysWith: +)
        return counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }!.key
    }
}

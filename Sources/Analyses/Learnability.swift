// The learnability forecast (issue 18): before paying for RL, sample n ≥ G responses per training prompt
// under the exact RL template, temperature and reward and predict how many GRPO groups will carry no
// signal. A group of G rewards that are all equal has advantage r − mean = 0 for every response, so GRPO
// and Dr. GRPO get a zero gradient from it; DAPO's dynamic sampling resamples until a group has signal,
// which costs 1/(1 − zero share) prompts per kept group. With c correct of n samples, the unbiased
// estimate of P(all G equal) is [C(c,G) + C(n−c,G)] / C(n,G) (the pass@k estimator's argument, Chen et
// al. 2021, applied to both all-correct and all-wrong); with n = G it is 1 exactly when the n agree.
import Foundation
import Datasets
import Inference
import Prompts
import RunStore
import Sampling

/// Pure figures of the forecast.
public enum LearnabilityMath {
    /// C(n, k) as a Double (0 when k > n).
    static func choose(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return 0 }
        var r = 1.0
        for i in 0..<min(k, n - k) { r = r * Double(n - i) / Double(i + 1) }
        return r
    }

    /// Unbiased P(a group of `g` responses has all rewards equal) from `c` correct of `n` samples.
    public static func zeroSignalProbability(n: Int, correct c: Int, groupSize g: Int) throws -> Double {
        guard n >= 1, g >= 1, g <= n, c >= 0, c <= n else {
            throw AnalysesError.invalidArgument(name: "--group-size", value: "\(g)",
                                                expected: "1 ≤ G ≤ samples per prompt (\(n)), with 0 ≤ correct (\(c)) ≤ \(n)")
        }
        return (choose(c, g) + choose(n - c, g)) / choose(n, g)
    }

    /// The mean zero-signal probability over prompts (`correct` per prompt, each of `n`); nil for no prompts.
    public static func zeroSignalShare(correct: [Int], n: Int, groupSize g: Int) throws -> Double? {
        guard !correct.isEmpty else { return nil }
        return try correct.map { try zeroSignalProbability(n: n, correct: $0, groupSize: g) }.reduce(0, +) / Double(correct.count)
    }

    /// DAPO's expected prompts sampled per group kept, 1/(1 − share); nil when every group is flat.
    public static func oversamplingFactor(zeroShare z: Double) -> Double? { z < 1 ? 1 / (1 - z) : nil }

    /// Prompts per correct count 0…n.
    public static func histogram(correct: [Int], n: Int) -> [Int] {
        var h = [Int](repeating: 0, count: n + 1)
        for c in correct where h.indices.contains(c) { h[c] += 1 }
        return h
    }
}

/// The forecast, stored as `analysis.learnability`.
public struct LearnabilityResult: StoredAnalysisResult, Hashable {
    public static let analysis = "learnability"
    public var context: FigureContext
    public var template: String
    public var temperature: Double
    /// Samples per prompt (n) and the GRPO group size (G).
    public var samplesPerPrompt: Int
    public var groupSize: Int
    /// The reward's grader name (e.g. `paper:boxed`).
    public var reward: String
    /// histogram[c] = prompts with c correct of n.
    public var histogram: [Int]
    /// Predicted share of zero-signal groups over all prompts, and DAPO's oversampling factor.
    public var zeroSignalShare: Double
    public var oversamplingFactor: Double?
    /// The same over the prompts the audit filter keeps (nil without an audit selection).
    public var filteredPrompts: Int?
    public var zeroSignalShareFiltered: Double?
    public var oversamplingFactorFiltered: Double?
    /// Correct of n per prompt.
    public var correctPerQuestion: [String: Int]
    public var headline: Double { zeroSignalShare }
    /// One row per (template, temperature, reward's grader).
    public var storedParts: [(key: ResultKey, part: LearnabilityResult)] {
        [(ResultKey(analysis: Self.analysis, template: template, temperature: temperature, grader: reward, judge: "none"), self)]
    }
}

/// Samples n per prompt under the RL settings and forecasts the zero-signal share.
public struct Learnability: Sendable {
    public var settings: AnalysisSettings
    public var template: PromptTemplate
    public var temperature: Double
    public var samplesPerPrompt: Int
    public var groupSize: Int
    /// The question ids the audit filter keeps (nil: no filter to forecast).
    public var keptQuestionIDs: Set<String>?

    public init(settings: AnalysisSettings, template: PromptTemplate, temperature: Double, samplesPerPrompt: Int,
                groupSize: Int, keptQuestionIDs: Set<String>? = nil) {
        self.settings = settings; self.template = template; self.temperature = temperature
        self.samplesPerPrompt = samplesPerPrompt; self.groupSize = groupSize; self.keptQuestionIDs = keptQuestionIDs
    }

    /// Samples what is missing, grades with the reward's policy, stores and returns the forecast.
    public func run(backend: any Backend, database: RunDatabase, progress: ProgressHandler? = nil) async throws -> LearnabilityResult {
        try settings.validate()
        let n = samplesPerPrompt
        guard groupSize >= 2, n >= groupSize else {
            throw AnalysesError.invalidArgument(name: "--group-size", value: "\(groupSize)",
                                                expected: "at least 2 and at most --samples (\(n))")
        }
        let plan = SamplingPlan(questions: settings.questions, questionSource: settings.questionSource, templates: [template],
                                temperatures: [temperature], k: n, topP: settings.topP, maxTokens: settings.maxTokens,
                                runSeed: settings.seed, chunkSize: settings.chunkSize)
        _ = try await SamplingJob.run(plan: plan, backend: backend, database: database, progress: Phases.prefix("learnability", progress))
        let ids = settings.questions.map(\.id)
        let samples = try StoredSamples.select(database, template: template.name, temperatures: [temperature],
                                               questionIDs: Set(ids), k: n)
        let graded = try SampleGrader(settings: settings.grader).grade(samples, database: database)
        var correct = [String: Int](), drawn = [String: Int]()
        for g in graded {
            drawn[g.sample.questionID, default: 0] += 1
            if g.grade.correct { correct[g.sample.questionID, default: 0] += 1 }
        }
        let complete = ids.filter { drawn[$0] == n }
        guard !complete.isEmpty else { throw AnalysesError.noQuestions(source: "learnability at T=\(temperature)") }
        let counts = complete.map { correct[$0] ?? 0 }
        let share = try LearnabilityMath.zeroSignalShare(correct: counts, n: n, groupSize: groupSize) ?? 0
        let kept = keptQuestionIDs.map { k in complete.filter { k.contains($0) }.map { correct[$0] ?? 0 } }
        let filtered = try kept.flatMap { try LearnabilityMath.zeroSignalShare(correct: $0, n: n, groupSize: groupSize) }
        let result = LearnabilityResult(
            context: FigureContext(settings: settings, model: backend.modelName, k: n, temperatures: [temperature],
                                   templates: [template.name], judge: "none (graded against gold answers)"),
            template: template.name, temperature: temperature, samplesPerPrompt: n, groupSize: groupSize,
            reward: settings.grader.graderName(extraction: template.extraction),
            histogram: LearnabilityMath.histogram(correct: counts, n: n), zeroSignalShare: share,
            oversamplingFactor: LearnabilityMath.oversamplingFactor(zeroShare: share),
            filteredPrompts: kept?.count, zeroSignalShareFiltered: filtered,
            oversamplingFactorFiltered: filtered.flatMap { LearnabilityMath.oversamplingFactor(zeroShare: $0) },
            correctPerQuestion: Dictionary(uniqueKeysWithValues: complete.map { ($0, correct[$0] ?? 0) }))
        try result.store(in: database)
        return result
    }
}

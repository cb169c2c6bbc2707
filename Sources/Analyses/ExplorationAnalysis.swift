// Exploration: pass@k across temperatures (paper §2.1, Fig. 3 middle). k samples per question per
// temperature, graded; pass@1…k with the unbiased estimator (Chen et al. 2021) and a bootstrap CI over
// questions; the share of questions with zero correct samples (no reward signal for RL); response lengths
// split by correct / incorrect / no answer / truncated.
import Foundation
import Datasets
import Inference
import Prompts
import RunStore
import Sampling

/// One temperature's exploration figures.
public struct TemperatureExploration: Sendable, Codable, Hashable {
    public var temperature: Double
    public var questions: Int
    /// pass@1 … pass@k (index i is pass@(i+1)), each with a bootstrap interval over questions.
    public var passAtK: [ConfidenceInterval]
    /// Share of questions none of whose k samples is correct, with a Wilson interval.
    public var zeroCorrect: ConfidenceInterval
    /// Share of all samples graded correct.
    public var sampleAccuracy: Double
    /// Shares of samples in the template's own format, strict and lenient (`formatRates.rate` is the
    /// rule in force: strict under `--paper-parity`).
    public var formatRates: FormatRates
    public var lengths: LengthsByCategory
    /// Correct samples per question (of k), for paired model-vs-model comparisons.
    public var correctPerQuestion: [String: Int]
}

/// The exploration figure.
public struct ExplorationResult: StoredAnalysisResult, Hashable {
    public static let analysis = "exploration"
    public var context: FigureContext
    public var template: String
    /// The grader name the verdicts are stored under (e.g. `auto+fallback`, `paper:answer-tag`); nil in
    /// results stored before it was recorded.
    public var grader: String?
    public var k: Int
    public var temperatures: [TemperatureExploration]
    /// The best pass@k over temperatures.
    public var headline: Double { temperatures.compactMap { $0.passAtK.last?.estimate }.max() ?? 0 }

    /// One row per temperature, keyed (exploration, template, T, grader, none).
    public var storedParts: [(key: ResultKey, part: ExplorationResult)] {
        temperatures.map { t in
            var part = self
            part.temperatures = [t]
            part.context.temperatures = [t.temperature]
            return (ResultKey(analysis: Self.analysis, template: template, temperature: t.temperature,
                              grader: context.graderKey ?? "unknown", judge: "none"), part)
        }
    }

    /// Joins the temperatures of one model, template, grader and k (never across them).
    public static func joined(_ parts: [ExplorationResult]) -> [ExplorationResult] {
        var groups: [[ExplorationResult]] = []
        for p in parts {
            if let i = groups.firstIndex(where: { g in
                g[0].context.model == p.context.model && g[0].template == p.template && g[0].k == p.k
                    && g[0].context.graderKey == p.context.graderKey && g[0].context.questions == p.context.questions
            }) { groups[i].append(p) } else { groups.append([p]) }
        }
        return groups.map { g in
            // A one-temperature part (schema 2) wins over a whole result migrated from schema 1.
            var seen = Set<Double>(), temps: [TemperatureExploration] = []
            for p in g.sorted(by: { $0.temperatures.count < $1.temperatures.count }) {
                for t in p.temperatures where seen.insert(t.temperature).inserted { temps.append(t) }
            }
            var r = g[0]
            r.temperatures = temps.sorted { $0.temperature < $1.temperature }
            r.context.temperatures = r.temperatures.map(\.temperature)
            return r
        }
    }

    /// Paired bootstrap of pass@`k` of this result minus `other`'s at one temperature, over the questions both hold.
    public func pairedDifference(_ other: ExplorationResult, temperature: Double, k: Int, resamples: Int = 1000,
                                 seed: UInt64 = 0) throws -> PairedDifference {
        guard let a = temperatures.first(where: { $0.temperature == temperature }),
              let b = other.temperatures.first(where: { $0.temperature == temperature }) else {
            throw AnalysesError.invalidArgument(name: "temperature", value: "\(temperature)", expected: "a temperature both results hold")
        }
        let shared = a.correctPerQuestion.keys.filter { b.correctPerQuestion[$0] != nil }.sorted()
        let xs = try shared.map { try PassAtK.estimate(n: self.k, c: a.correctPerQuestion[$0] ?? 0, k: k) }
        let ys = try shared.map { try PassAtK.estimate(n: other.k, c: b.correctPerQuestion[$0] ?? 0, k: k) }
        return try Bootstrap.pairedDifference(xs, ys, resamples: resamples, seed: seed)
    }
}

/// pass@k exploration of one template over several temperatures.
public struct Exploration: Sendable {
    public var settings: AnalysisSettings
    public var template: PromptTemplate
    public var temperatures: [Double]
    public var k: Int

    public init(settings: AnalysisSettings, template: PromptTemplate, temperatures: [Double], k: Int) {
        self.settings = settings; self.template = template; self.temperatures = temperatures; self.k = k
    }

    /// Samples what is missing, grades, computes, stores and returns the figure.
    public func run(backend: any Backend, database: RunDatabase, progress: ProgressHandler? = nil) async throws -> ExplorationResult {
        try settings.validate()
        guard k >= 1 else { throw AnalysesError.invalidArgument(name: "--k", value: "\(k)", expected: "at least 1") }
        guard !temperatures.isEmpty else {
            throw AnalysesError.invalidArgument(name: "--temperatures", value: "", expected: "at least one temperature")
        }
        let plan = SamplingPlan(questions: settings.questions, questionSource: settings.questionSource, templates: [template],
                                temperatures: temperatures, k: k, topP: settings.topP, maxTokens: settings.maxTokens,
                                runSeed: settings.seed, chunkSize: settings.chunkSize)
        _ = try await SamplingJob.run(plan: plan, backend: backend, database: database, progress: Phases.prefix("exploration", progress))
        let result = ExplorationResult(
            context: FigureContext(settings: settings, model: backend.modelName, k: k, temperatures: temperatures,
                                   templates: [template.name], judge: "none (graded against gold answers)"),
            template: template.name, grader: settings.grader.graderName(extraction: template.extraction), k: k,
            temperatures: try temperatures.map { try figures(at: $0, database: database) })
        try result.store(in: database)
        return result
    }

    /// The figures of one temperature from the stored samples.
    func figures(at temperature: Double, database: RunDatabase) throws -> TemperatureExploration {
        try Task.checkCancellation()
        let ids = settings.questions.map(\.id)
        let samples = try StoredSamples.select(database, template: template.name, temperatures: [temperature],
                                               questionIDs: Set(ids), k: k)
        let graded = try SampleGrader(settings: settings.grader).grade(samples, database: database)
        var correct = [String: Int](), drawn = [String: Int]()
        for g in graded {
            drawn[g.sample.questionID, default: 0] += 1
            if g.grade.correct { correct[g.sample.questionID, default: 0] += 1 }
        }
        // Only questions with all k samples stored enter pass@k (a killed run may have left some short).
        let complete = ids.filter { drawn[$0] == k }
        guard !complete.isEmpty else { throw AnalysesError.noQuestions(source: "exploration at T=\(temperature)") }
        var passAtK = [ConfidenceInterval]()
        for kk in 1...k {
            let values = try complete.map { try PassAtK.estimate(n: k, c: correct[$0] ?? 0, k: kk) }
            let seed = settings.seed ^ SeedDerivation.fnv1a("passk/\(template.name)/\(temperature)/\(kk)")
            passAtK.append(try Bootstrap.meanInterval(values, resamples: settings.bootstrapResamples, seed: seed))
        }
        let zero = complete.filter { (correct[$0] ?? 0) == 0 }.count
        let n = Double(max(graded.count, 1))
        return TemperatureExploration(
            temperature: temperature, questions: complete.count, passAtK: passAtK,
            zeroCorrect: try WilsonInterval.interval(successes: zero, trials: complete.count),
            sampleAccuracy: Double(graded.filter(\.grade.correct).count) / n,
            formatRates: FormatRates(graded, rule: settings.grader.formatRule),
            lengths: LengthsByCategory(graded.map { ($0.category, $0.sample.completionTokens, $0.grade.extracted != nil) }),
            correctPerQuestion: Dictionary(uniqueKeysWithValues: complete.map { ($0, correct[$0] ?? 0) }))
    }
}

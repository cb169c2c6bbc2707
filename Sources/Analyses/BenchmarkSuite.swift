// Benchmark scores (paper Table 1 / Table 4): the five evaluation sets (AIME24, AMC23, MATH500, Minerva
// Math, OlympiadBench) from a datasets folder, greedy (temperature 0, one sample) or sampled (k samples
// at a temperature, accuracy = mean share correct), per-set accuracy and the unweighted average over sets
// as the paper reports it. Format and truncation rates are always shown beside the accuracy.
import Foundation
import Datasets
import Inference
import Prompts
import RunStore
import Sampling

/// One set's score.
public struct BenchmarkSetScore: Sendable, Codable, Hashable {
    public var name: String
    public var questions: Int
    public var samples: Int
    /// Mean over questions of the share of correct samples, with a bootstrap interval over questions.
    public var accuracy: ConfidenceInterval
    public var formatRate: Double
    public var truncationRate: Double
    public var meanCompletionTokens: Double
}

/// The benchmark table.
public struct BenchmarkResult: StoredAnalysisResult, Hashable {
    public static let analysis = "benchmarks"
    public var context: FigureContext
    public var template: String
    /// "greedy" or "sampled".
    public var decoding: String
    public var sets: [BenchmarkSetScore]
    /// Unweighted mean of the per-set accuracies (the paper's "Avg." column).
    public var average: Double
    public var headline: Double { average }
    public var storedParts: [(key: ResultKey, part: BenchmarkResult)] {
        [(ResultKey(analysis: Self.analysis, template: template, temperature: context.temperatures.first ?? 0,
                    grader: context.graderKey ?? "unknown", judge: context.judge), self)]
    }
}

/// `evaluate --suite`: accuracy on the paper's evaluation sets.
public struct BenchmarkSuite: Sendable {
    public var registry: DatasetRegistry
    /// Set names (file stems in the registry folder); defaults to the paper's five.
    public var names: [String]
    /// Questions per set (nil = all; a seeded sample when smaller than the set).
    public var limit: Int?
    public var template: PromptTemplate
    /// 0 = greedy.
    public var temperature: Double
    /// Samples per question (1 for greedy).
    public var k: Int
    /// Shared settings; its `questions` are ignored (each set brings its own).
    public var settings: AnalysisSettings

    public init(registry: DatasetRegistry, names: [String] = DatasetRegistry.benchmarkNames, limit: Int? = nil,
                template: PromptTemplate, temperature: Double = 0, k: Int = 1, settings: AnalysisSettings) {
        self.registry = registry; self.names = names; self.limit = limit; self.template = template
        self.temperature = temperature; self.k = k; self.settings = settings
    }

    /// Loads each set, samples what is missing, grades, stores and returns the table.
    public func run(backend: any Backend, database: RunDatabase, progress: ProgressHandler? = nil) async throws -> BenchmarkResult {
        guard !names.isEmpty else { throw AnalysesError.invalidArgument(name: "--sets", value: "", expected: "at least one set") }
        guard k >= 1 else { throw AnalysesError.invalidArgument(name: "--k", value: "\(k)", expected: "at least 1") }
        if let limit, limit < 1 { throw AnalysesError.invalidArgument(name: "--limit", value: "\(limit)", expected: "at least 1") }
        var sets = [(String, [Question])]()
        for name in names {
            guard registry.url(forName: name) != nil else {
                throw AnalysesError.datasetMissing(set: name, path: registry.directory.appendingPathComponent(name + ".jsonl").path)
            }
            let qs = try registry.load(name, sample: limit, seed: settings.seed)
            guard !qs.questions.isEmpty else { throw AnalysesError.noQuestions(source: name) }
            sets.append((name, qs.questions))
        }
        var scores = [BenchmarkSetScore]()
        for (i, (name, questions)) in sets.enumerated() {
            try Task.checkCancellation()
            var s = settings
            s.questions = questions; s.questionSource = name
            let plan = SamplingPlan(questions: questions, questionSource: name, templates: [template], temperatures: [temperature],
                                    k: k, topP: s.topP, maxTokens: s.maxTokens, runSeed: s.seed, chunkSize: s.chunkSize)
            _ = try await SamplingJob.run(plan: plan, backend: backend, database: database,
                                          progress: Phases.prefix("evaluate \(name) (\(i + 1)/\(sets.count))", progress))
            let samples = try StoredSamples.select(database, template: template.name, temperatures: [temperature],
                                                   questionIDs: Set(questions.map(\.id)), k: k)
            let graded = try SampleGrader(settings: s.grader).grade(samples, database: database)
            var correct = [String: Int](), drawn = [String: Int]()
            for g in graded {
                drawn[g.sample.questionID, default: 0] += 1
                if g.grade.correct { correct[g.sample.questionID, default: 0] += 1 }
            }
            let perQuestion = questions.compactMap { q in drawn[q.id].map { Double(correct[q.id] ?? 0) / Double($0) } }
            guard !perQuestion.isEmpty else { throw AnalysesError.noQuestions(source: "stored samples of \(name)") }
            let n = Double(max(graded.count, 1))
            scores.append(BenchmarkSetScore(
                name: name, questions: perQuestion.count, samples: graded.count,
                accuracy: try Bootstrap.meanInterval(perQuestion, resamples: s.bootstrapResamples,
                                                     seed: s.seed ^ SeedDerivation.fnv1a("benchmark/\(name)")),
                formatRate: Double(graded.filter(\.formatted).count) / n,
                truncationRate: Double(graded.filter(\.truncated).count) / n,
                meanCompletionTokens: Double(graded.map(\.sample.completionTokens).reduce(0, +)) / n))
        }
        var captionSettings = settings
        captionSettings.questions = sets.flatMap(\.1); captionSettings.questionSource = names.joined(separator: ",")
        let result = BenchmarkResult(
            context: FigureContext(settings: captionSettings, model: backend.modelName, k: k, temperatures: [temperature],
                                   templates: [template.name], judge: "none (graded against gold answers)"),
            template: template.name, decoding: temperature == 0 ? "greedy" : "sampled", sets: scores,
            average: scores.map(\.accuracy.estimate).reduce(0, +) / Double(scores.count))
        try result.store(in: database)
        return result
    }
}

// Self-reflection (paper §2.3, appendices C–E): the keyword detector, the LLM judge (categories 0–3),
// their cross ("keyword ∧ judge", the paper's Fig. 11), the detectors' confusion matrix and Cohen's κ,
// disagreements for a person to read, per-keyword counts (Fig. 9), reflection vs accuracy (Fig. 13)
// and response length by category (Table 5). Figures are per temperature, since a question counts at
// question level when any of its k responses at that temperature reflects.
import Foundation
import Datasets
import Inference
import Prompts
import RunStore
import Sampling

/// Detections at response and question level.
public struct LevelCounts: Sendable, Codable, Hashable {
    public var responses: Int
    public var responsesDetected: Int
    public var questions: Int
    public var questionsDetected: Int

    public init(responses: Int, responsesDetected: Int, questions: Int, questionsDetected: Int) {
        self.responses = responses; self.responsesDetected = responsesDetected
        self.questions = questions; self.questionsDetected = questionsDetected
    }
}

/// What the reflection judge said.
public struct JudgeTally: Sendable, Codable, Hashable {
    /// Replies per category (keys "0"…"3").
    public var categories: [String: Int]
    /// Replies with no usable category.
    public var unparsed: Int
    /// Category 2 under our parser.
    public var detected: LevelCounts
    /// The paper's rule ("2" in the last three characters), for comparison.
    public var paperRuleDetected: LevelCounts
}

/// A response on which the two detectors disagree.
public struct Disagreement: Sendable, Codable, Hashable {
    public var excerpt: ResponseExcerpt
    public var keywordFired: Bool
    public var judgeFired: Bool
    public var keywords: [String]
    public var judgeReply: String
}

/// One temperature's reflection figures.
public struct TemperatureReflection: Sendable, Codable, Hashable {
    public var temperature: Double
    public var keyword: KeywordTally
    public var judge: JudgeTally?
    /// keyword ∧ judge (only with a judge).
    public var cross: LevelCounts?
    /// First = keyword, second = judge.
    public var confusion: ConfusionMatrix?
    public var kappa: Double?
    public var disagreements: [Disagreement]
    /// Which detector drives the accuracy and length splits ("cross" with a judge, else "keyword").
    public var detector: String
    public var accuracy: ReflectionAccuracy
    public var lengths: LengthsByCategory
    public var lengthsWithReflection: LengthSummary
    public var lengthsWithoutReflection: LengthSummary
}

/// The self-reflection figure.
public struct ReflectionResult: StoredAnalysisResult, Hashable {
    public static let analysis = "reflection"
    public var context: FigureContext
    public var template: String
    /// `substring` (paper) or `wordBoundary`.
    public var keywordMatching: String
    public var keywords: [String]
    public var temperatures: [TemperatureReflection]
    /// Response-level reflection rate of the first temperature (cross with a judge, else keyword).
    public var headline: Double {
        guard let t = temperatures.first else { return 0 }
        let c = t.cross ?? LevelCounts(responses: t.keyword.responses, responsesDetected: t.keyword.responsesDetected,
                                       questions: t.keyword.questions, questionsDetected: t.keyword.questionsDetected)
        return c.responses > 0 ? Double(c.responsesDetected) / Double(c.responses) : 0
    }

    /// One row per temperature, keyed (reflection, template, T, grader, judge).
    public var storedParts: [(key: ResultKey, part: ReflectionResult)] {
        temperatures.map { t in
            var part = self
            part.temperatures = [t]
            part.context.temperatures = [t.temperature]
            return (ResultKey(analysis: Self.analysis, template: template, temperature: t.temperature,
                              grader: context.graderKey ?? "unknown", judge: context.judge), part)
        }
    }

    /// Joins the temperatures of one model, template, grader, judge, k and keyword pool (never across them).
    public static func joined(_ parts: [ReflectionResult]) -> [ReflectionResult] {
        var groups: [[ReflectionResult]] = []
        for p in parts {
            if let i = groups.firstIndex(where: { g in
                let a = g[0].context, b = p.context
                return a.model == b.model && g[0].template == p.template && a.k == b.k && a.graderKey == b.graderKey
                    && a.judge == b.judge && a.questions == b.questions && g[0].keywords == p.keywords
                    && g[0].keywordMatching == p.keywordMatching
            }) { groups[i].append(p) } else { groups.append([p]) }
        }
        return groups.map { g in
            var seen = Set<Double>(), temps: [TemperatureReflection] = []
            for p in g.sorted(by: { $0.temperatures.count < $1.temperatures.count }) {
                for t in p.temperatures where seen.insert(t.temperature).inserted { temps.append(t) }
            }
            var r = g[0]
            r.temperatures = temps.sorted { $0.temperature < $1.temperature }
            r.context.temperatures = r.temperatures.map(\.temperature)
            return r
        }
    }
}

/// Self-reflection analysis of stored (or freshly drawn) samples of one template.
public struct Reflection: Sendable {
    public var settings: AnalysisSettings
    public var template: PromptTemplate
    public var temperatures: [Double]
    public var k: Int
    public var keywords: [String]
    /// Disagreements kept per temperature.
    public var disagreementSamples: Int

    public init(settings: AnalysisSettings, template: PromptTemplate, temperatures: [Double], k: Int,
                keywords: [String] = KeywordDetector.paperPool, disagreementSamples: Int = 5) {
        self.settings = settings; self.template = template; self.temperatures = temperatures; self.k = k
        self.keywords = keywords; self.disagreementSamples = disagreementSamples
    }

    /// The detector: the paper's substring rule under paper parity, word-boundary matching otherwise.
    public var detector: KeywordDetector {
        KeywordDetector(keywords: keywords, matching: settings.paperParity ? .substring : .wordBoundary)
    }

    /// Draws missing samples (when `backend` is given), judges (when `judge` is given), stores and returns the figure.
    public func run(backend: (any Backend)?, database: RunDatabase, judge: JudgeRunner? = nil,
                    progress: ProgressHandler? = nil) async throws -> ReflectionResult {
        try settings.validate()
        guard k >= 1 else { throw AnalysesError.invalidArgument(name: "--k", value: "\(k)", expected: "at least 1") }
        guard !temperatures.isEmpty else {
            throw AnalysesError.invalidArgument(name: "--temperatures", value: "", expected: "at least one temperature")
        }
        if let backend {
            let plan = SamplingPlan(questions: settings.questions, questionSource: settings.questionSource, templates: [template],
                                    temperatures: temperatures, k: k, topP: settings.topP, maxTokens: settings.maxTokens,
                                    runSeed: settings.seed, chunkSize: settings.chunkSize)
            _ = try await SamplingJob.run(plan: plan, backend: backend, database: database, progress: Phases.prefix("reflection", progress))
        }
        let model = try backend?.modelName ?? database.samples(template: template.name).first?.model ?? "unknown"
        var rows = [TemperatureReflection]()
        for t in temperatures {
            rows.append(try await figures(at: t, database: database, judge: judge, progress: progress))
        }
        let result = ReflectionResult(
            context: FigureContext(settings: settings, model: model, k: k, temperatures: temperatures,
                                   templates: [template.name], judge: judge?.name ?? "none (keywords only)"),
            template: template.name, keywordMatching: detector.matching.rawValue, keywords: detector.keywords,
            temperatures: rows)
        try result.store(in: database)
        return result
    }

    func figures(at temperature: Double, database: RunDatabase, judge: JudgeRunner?,
                 progress: ProgressHandler?) async throws -> TemperatureReflection {
        try Task.checkCancellation()
        let problems = Dictionary(settings.questions.map { ($0.id, $0.problem) }, uniquingKeysWith: { a, _ in a })
        let samples = try StoredSamples.select(database, template: template.name, temperatures: [temperature],
                                               questionIDs: Set(problems.keys), k: k)
        guard !samples.isEmpty else { throw AnalysesError.noQuestions(source: "stored samples of \(template.name) at T=\(temperature)") }
        let graded = try SampleGrader(settings: settings.grader).grade(samples, database: database)
        let detector = self.detector
        let keywordCounts = samples.map { detector.counts(in: $0.response) }
        let keywordFired = keywordCounts.map { !$0.isEmpty }
        let order = settings.questions.map(\.id)
        func groups<T>(_ values: [T]) -> [[T]] {
            var byQuestion = [String: [T]]()
            for (s, v) in zip(samples, values) { byQuestion[s.questionID, default: []].append(v) }
            return order.compactMap { byQuestion[$0] }
        }
        func level(_ fired: [Bool]) -> LevelCounts {
            let g = groups(fired)
            return LevelCounts(responses: fired.count, responsesDetected: fired.filter { $0 }.count,
                               questions: g.count, questionsDetected: g.filter { $0.contains(true) }.count)
        }
        let tally = KeywordTally(detector: detector, responsesByQuestion: groups(samples.map(\.response)))

        var judgeTally: JudgeTally?, cross: LevelCounts?, confusion: ConfusionMatrix?
        var judgeFired: [Bool]?, replies: [String] = []
        if let judge {
            let items = samples.map { JudgeItem(question: problems[$0.questionID] ?? "", response: $0.response) }
            replies = try await judge.replies(kind: .reflection, items: items, database: database,
                                              progress: Phases.prefix("reflection T=\(temperature)", progress))
            let parsed = replies.map(JudgeReplyParser.reflection)
            let ours = parsed.map { $0 == .reflection }, paper = replies.map(JudgeReplyParser.reflectionPaperParity)
            var categories = [String: Int]()
            for p in parsed.compactMap({ $0 }) { categories[String(p.rawValue), default: 0] += 1 }
            judgeTally = JudgeTally(categories: categories, unparsed: parsed.filter { $0 == nil }.count,
                                    detected: level(ours), paperRuleDetected: level(paper))
            let fired = settings.paperParity ? paper : ours
            judgeFired = fired
            cross = level(zip(keywordFired, fired).map { $0 && $1 })
            confusion = ConfusionMatrix(pairs: zip(keywordFired, fired).map { (first: $0, second: $1) })
        }
        let reflects = judgeFired.map { zip(keywordFired, $0).map { $0 && $1 } } ?? keywordFired
        try database.put(labels: Self.labels(samples: samples, keywordCounts: keywordCounts, matching: detector.matching.rawValue,
                                             judge: judge?.name, replies: replies, paperParity: settings.paperParity))
        var disagreements = [Disagreement]()
        if let judgeFired {
            var rng = SplitMix64(seed: settings.seed ^ SeedDerivation.fnv1a("disagreements/\(temperature)"))
            var idx = samples.indices.filter { keywordFired[$0] != judgeFired[$0] }
            idx.shuffle(using: &rng)
            disagreements = idx.prefix(disagreementSamples).sorted().map {
                Disagreement(excerpt: ResponseExcerpt(samples[$0], limit: 800), keywordFired: keywordFired[$0],
                             judgeFired: judgeFired[$0], keywords: keywordCounts[$0].keys.sorted(), judgeReply: replies[$0])
            }
        }
        let outcomes = zip(reflects, graded).map { ReflectionOutcome(reflects: $0, correct: $1.grade.correct) }
        let byQuestion = Dictionary(grouping: zip(samples, outcomes), by: { $0.0.questionID })
        let accuracy = ReflectionAccuracy(questions: order.compactMap { id in byQuestion[id].map { (id: id, outcomes: $0.map(\.1)) } })
        return TemperatureReflection(
            temperature: temperature, keyword: tally, judge: judgeTally, cross: cross, confusion: confusion,
            kappa: confusion?.cohensKappa, disagreements: disagreements, detector: judge == nil ? "keyword" : "cross",
            accuracy: accuracy,
            lengths: LengthsByCategory(graded.map { ($0.category, $0.sample.completionTokens, $0.grade.extracted != nil) }),
            lengthsWithReflection: LengthSummary(zip(reflects, samples).filter { $0.0 }.map { $0.1.completionTokens }),
            lengthsWithoutReflection: LengthSummary(zip(reflects, samples).filter { !$0.0 }.map { $0.1.completionTokens }))
    }

    /// The per-sample labels: the keyword detector's (with the keywords found) and, with a judge, its reply,
    /// parsed category and whether the rule in force counts it as reflection.
    static func labels(samples: [StoredSample], keywordCounts: [[String: Int]], matching: String, judge: String?,
                       replies: [String], paperParity: Bool) -> [StoredLabel] {
        var out: [StoredLabel] = []
        for (i, s) in samples.enumerated() {
            guard let id = s.id else { continue }
            let found = keywordCounts[i].keys.sorted()
            out.append(StoredLabel(sampleID: id, kind: "reflection", method: "keywords:\(matching)",
                                   verdict: found.isEmpty ? "none" : "reflects", rule: found.joined(separator: ",")))
            if let judge, i < replies.count {
                let category = JudgeReplyParser.reflection(replies[i])
                let fired = paperParity ? JudgeReplyParser.reflectionPaperParity(replies[i]) : category == .reflection
                out.append(StoredLabel(sampleID: id, kind: "reflection", method: "judge:\(judge)",
                                       verdict: category == nil && !paperParity ? nil : (fired ? "reflects" : "none"),
                                       rule: paperParity ? "paper rule: 2 in the last three characters" : "category 2",
                                       reply: replies[i], value: category.map { Double($0.rawValue) }))
            }
        }
        return out
    }
}

// A run store filled the way `r1audit audit` and the trainer fill one: samples, verdicts, the four
// stored analysis results and per-step training metrics. Analysis results are built with their
// memberwise initialisers (@testable); FigureContext is decoded from JSON, as Reports reads it.
import Foundation
@testable import Analyses
@testable import Reports
import RunStore
import Inference

enum BuilderFixtures {
    /// A fresh store in its own temp folder (remove it with `remove`).
    static func tempStore() throws -> RunDatabase {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-reports-\(UUID().uuidString)")
        return try RunDatabase(runsDirectory: dir, name: "fixture-run")
    }

    /// Deletes the temp folder of a store made by `tempStore`.
    static func remove(_ db: RunDatabase) {
        let runs = URL(fileURLWithPath: db.path).deletingLastPathComponent().deletingLastPathComponent()
        if runs.lastPathComponent.hasPrefix("r1audit-reports-") { try? FileManager.default.removeItem(at: runs) }
    }

    static func context(model: String = "SmolLM2-135M") throws -> FigureContext {
        let json = """
        {"model":"\(model)","questions":3,"questionSource":"builtin","k":4,"temperatures":[0.6,1.0],"topP":1,
         "maxTokens":256,"seedPolicy":"per-sample seeds","templates":["qwen-math","r1"],"grader":"auto","graderKey":"auto+fallback",
         "judge":"heuristic","paperParity":false}
        """
        return try JSONDecoder().decode(FigureContext.self, from: Data(json.utf8))
    }

    static func ci(_ e: Double, _ lo: Double, _ hi: Double, _ method: String = "wilson") -> ConfidenceInterval {
        ConfidenceInterval(estimate: e, lower: lo, upper: hi, level: 0.95, method: method)
    }

    static func sample(_ q: String, _ i: Int, t: Double = 0.6, response: String, finish: FinishReason = .stop, model: String = "SmolLM2-135M") -> StoredSample {
        StoredSample(questionID: q, template: "qwen-math", temperature: t, topP: 1, sampleIndex: i, seed: UInt64(i), prompt: "Q: \(q)?",
                     response: response, promptTokens: 5, completionTokens: 10 + i, finishReason: finish, latency: 0.1, model: model)
    }

    static let lengths = LengthsByCategory([(category: .correct, tokens: 20, hasAnswer: true), (category: .incorrect, tokens: 60, hasAnswer: true),
                                            (category: .truncated, tokens: 256, hasAnswer: false)])

    /// Fills a store; `hostile` goes into a stored response and a disagreement.
    static func fill(_ db: RunDatabase, model: String = "SmolLM2-135M", hostile: String = "<script>alert(1)</script>" + String(repeating: " long", count: 120) + Fixtures.hostile, training: Bool = true) throws {
        let samples = [sample("q1", 0, response: "\\boxed{4}", model: model), sample("q1", 1, response: "Wait, let me recheck. \\boxed{5}", model: model),
                       sample("q2", 0, response: hostile, model: model), sample("q3", 0, response: "and so on", finish: .length, model: model)]
        var ids: [Int64] = []
        for s in samples { ids.append(try db.insert(sample: s)) }
        try db.put(verdicts: [StoredVerdict(sampleID: ids[0], grader: "auto+fallback", extracted: "4", status: .correct),
                              StoredVerdict(sampleID: ids[1], grader: "auto+fallback", extracted: "5", status: .incorrect),
                              StoredVerdict(sampleID: ids[2], grader: "auto+fallback", extracted: nil, status: .noAnswer),
                              StoredVerdict(sampleID: ids[3], grader: "auto+fallback", extracted: nil, status: .noAnswer)])
        let ctx = try context(model: model)
        let excerpt = ResponseExcerpt(samples[2])
        try AnswerabilityResult(context: ctx, method: "heuristic", templates: [
            TemplateAnswerability(template: "qwen-math", samples: 12, answers: 9, continues: 3, unparsed: 0, rate: ci(0.75, 0.47, 0.91),
                                  formatRates: FormatRates(strict: 0.6, lenient: 0.6, rule: .lenient), grader: "auto+fallback", truncationRate: 0.1, accuracy: 0.3, continuingExamples: [excerpt]),
            TemplateAnswerability(template: "r1", samples: 12, answers: 4, continues: 8, unparsed: 0, rate: ci(0.33, 0.14, 0.61),
                                  formatRates: FormatRates(strict: 0.1, lenient: 0.2, rule: .lenient), grader: "auto+fallback", truncationRate: 0.3, accuracy: 0.1, continuingExamples: []),
        ], bestTemplate: "qwen-math").store(in: db)
        let temps = [0.6, 1.0].map { t in
            TemperatureExploration(temperature: t, questions: 3, passAtK: [ci(0.2, 0.1, 0.3, "bootstrap"), ci(0.3, 0.2, 0.4, "bootstrap"),
                                                                           ci(0.35, 0.2, 0.5, "bootstrap"), ci(0.4, 0.2, 0.6, "bootstrap")],
                                   zeroCorrect: ci(0.33, 0.06, 0.79), sampleAccuracy: 0.2, formatRates: FormatRates(strict: 0.7, lenient: 0.7, rule: .lenient), lengths: lengths,
                                   correctPerQuestion: ["q1": 1, "q2": 0, "q3": 0])
        }
        try ExplorationResult(context: ctx, template: "qwen-math", grader: "auto+fallback", k: 4, temperatures: temps).store(in: db)
        let detector = KeywordDetector(keywords: ["wait", "recheck", "verify"])
        let tally = KeywordTally(detector: detector, responsesByQuestion: [["Wait, let me recheck.", "no"], ["verify this", "wait"], ["x"]])
        let level = LevelCounts(responses: 5, responsesDetected: 2, questions: 3, questionsDetected: 2)
        let reflections = [0.6, 1.0].map { t in
            TemperatureReflection(
                temperature: t, keyword: tally,
                judge: JudgeTally(categories: ["0": 2, "2": 3], unparsed: 1, detected: level, paperRuleDetected: level),
                cross: LevelCounts(responses: 5, responsesDetected: 1, questions: 3, questionsDetected: 1),
                confusion: ConfusionMatrix(both: 1, firstOnly: 2, secondOnly: 1, neither: 1), kappa: 0.1,
                disagreements: [Disagreement(excerpt: excerpt, keywordFired: false, judgeFired: true, keywords: [], judgeReply: "2 </textarea>")],
                detector: "cross",
                accuracy: ReflectionAccuracy(questions: [(id: "q1", outcomes: [ReflectionOutcome(reflects: true, correct: false),
                                                                               ReflectionOutcome(reflects: false, correct: true)])]),
                lengths: lengths, lengthsWithReflection: LengthSummary([40, 60]), lengthsWithoutReflection: LengthSummary([20]))
        }
        try ReflectionResult(context: ctx, template: "qwen-math", keywordMatching: "wordBoundary", keywords: ["wait", "recheck", "verify", "hmm"],
                             temperatures: reflections).store(in: db)
        try BenchmarkResult(context: ctx, template: "qwen-math", decoding: "greedy", sets: [
            BenchmarkSetScore(name: "MATH500", questions: 500, samples: 500, accuracy: ci(0.05, 0.03, 0.07, "bootstrap"), formatRate: 0.5, truncationRate: 0.1, meanCompletionTokens: 200),
            BenchmarkSetScore(name: "AIME24", questions: 30, samples: 30, accuracy: ci(0, 0, 0.1, "bootstrap"), formatRate: 0.4, truncationRate: 0.3, meanCompletionTokens: 240),
        ], average: 0.025).store(in: db)
        if training {
            var metrics: [StoredMetric] = []
            for step in 1...5 {   // the names TrainCommand stores ("train/" + TrainingStepMetrics.namedValues)
                let x = Double(step)
                for (name, value) in [("reward", 0.1 * x), ("accuracy", 0.08 * x), ("mean_length_correct", 100 + x),
                                      ("mean_length_incorrect", 150 + 3 * x), ("truncated_share", 0.2 / x), ("loss", 1 / x),
                                      ("rollout_tokens_per_second", 200)] {
                    metrics.append(StoredMetric(name: "train/" + name, step: step, value: value, payload: nil))
                }
            }
            try db.putMetrics(metrics)
            try db.setConfig("train", json: """
                {"learner":{"objective":{"aggregation":"seq-mean-token-sum-norm","baseline":"mean","clipLow":0.2,"klCoefficient":0,"scaleByStd":false}},"steps":5}
                """)
        }
    }
}

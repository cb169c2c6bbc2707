// `r1audit audit`: the paper's §2 on one model in one resumable run. Answerability over the templates
// picks the best template; exploration (pass@k across temperatures) runs with it; self-reflection is
// measured on the exploration samples. Answerability samples at the first exploration temperature, so
// its samples of the best template are reused by exploration (same keys, same seeds).
import Foundation
import Datasets
import Inference
import Prompts
import RunStore

/// The whole audit.
public struct AuditResult: StoredAnalysisResult, Hashable {
    public static let analysis = "audit"
    public var answerability: AnswerabilityResult
    /// The template exploration and reflection used.
    public var template: String
    public var exploration: ExplorationResult
    public var reflection: ReflectionResult
    /// Samples in the store at the end, and their tokens.
    public var samples: Int
    public var completionTokens: Int
    public var headline: Double { exploration.headline }
    /// One row per audit, keyed (audit, the compared templates, the first temperature, grader, judge).
    public var storedParts: [(key: ResultKey, part: AuditResult)] {
        let c = answerability.context
        return [(ResultKey(analysis: Self.analysis, template: answerability.templates.map(\.template).joined(separator: ","),
                           temperature: c.temperatures.first ?? 0, grader: c.graderKey ?? "unknown", judge: c.judge), self)]
    }
}

/// Answerability → exploration with the best template → reflection.
public struct Audit: Sendable {
    /// Defaults sized to finish in a few minutes on 2 CPU cores with SmolLM2-135M.
    public static let defaultQuestions = 20
    public static let defaultK = 4
    public static let defaultTemperatures: [Double] = [0.6, 1.0]
    public static let defaultMaxTokens = 256

    public var settings: AnalysisSettings
    public var templates: [PromptTemplate]
    public var temperatures: [Double]
    public var k: Int
    public var keywords: [String]

    public init(settings: AnalysisSettings, templates: [PromptTemplate], temperatures: [Double] = Audit.defaultTemperatures,
                k: Int = Audit.defaultK, keywords: [String] = KeywordDetector.paperPool) {
        self.settings = settings; self.templates = templates; self.temperatures = temperatures; self.k = k
        self.keywords = keywords
    }

    /// Runs the three stages (each resumes from the store) and stores every result.
    public func run(backend: any Backend, database: RunDatabase, judge: JudgeRunner? = nil,
                    progress: ProgressHandler? = nil) async throws -> AuditResult {
        try settings.validate()
        guard let firstTemperature = temperatures.first else {
            throw AnalysesError.invalidArgument(name: "--temperatures", value: "", expected: "at least one temperature")
        }
        guard !templates.isEmpty else {
            throw AnalysesError.invalidArgument(name: "--templates", value: "", expected: "at least one template")
        }
        let answerability = try await Answerability(settings: settings, templates: templates, temperature: firstTemperature)
            .run(backend: backend, database: database, judge: judge, progress: progress)
        let best = templates.first { $0.name == answerability.bestTemplate } ?? templates[0]
        let exploration = try await Exploration(settings: settings, template: best, temperatures: temperatures, k: k)
            .run(backend: backend, database: database, progress: progress)
        let reflection = try await Reflection(settings: settings, template: best, temperatures: temperatures, k: k, keywords: keywords)
            .run(backend: nil, database: database, judge: judge, progress: progress)
        let usage = try database.tokenUsage()
        let result = AuditResult(answerability: answerability, template: best.name, exploration: exploration,
                                 reflection: reflection, samples: usage.samples, completionTokens: usage.completionTokens)
        try result.store(in: database)
        return result
    }
}

// What every figure is printed with (issue 4, "Parity and honesty"): n, k, temperature, top_p, seed policy,
// template, grader mode and judge, so no number is ever read without the settings that produced it.
import Foundation
import Datasets
import Inference
import RunStore

/// The settings shared by the analyses of one run (the run store fixes top-p, max tokens and seed per run).
public struct AnalysisSettings: Sendable, Hashable {
    public var questions: [Question]
    /// Where the questions came from (a path, `builtin`, a suite name).
    public var questionSource: String
    public var maxTokens: Int
    public var topP: Double
    /// The run seed every sample's seed derives from (and the bootstrap seed).
    public var seed: UInt64
    public var grader: GraderSettings
    /// `--paper-parity`: the paper's extraction, substring keywords and judge parsing.
    public var paperParity: Bool { grader.paperParity }
    public var bootstrapResamples: Int
    /// Requests handed to the backend at once.
    public var chunkSize: Int

    public init(questions: [Question], questionSource: String, maxTokens: Int = 256, topP: Double = 1, seed: UInt64 = 0,
                grader: GraderSettings = GraderSettings(), bootstrapResamples: Int = 1000, chunkSize: Int = 64) {
        self.questions = questions; self.questionSource = questionSource; self.maxTokens = maxTokens; self.topP = topP
        self.seed = seed; self.grader = grader; self.bootstrapResamples = bootstrapResamples; self.chunkSize = chunkSize
    }

    /// Checks the numbers shared by every analysis.
    public func validate() throws {
        guard !questions.isEmpty else { throw AnalysesError.noQuestions(source: questionSource) }
        guard maxTokens >= 1 else {
            throw AnalysesError.invalidArgument(name: "--max-tokens", value: "\(maxTokens)", expected: "at least 1")
        }
        guard topP > 0, topP <= 1 else {
            throw AnalysesError.invalidArgument(name: "--top-p", value: "\(topP)", expected: "a value in (0, 1]")
        }
        guard bootstrapResamples >= 1 else {
            throw AnalysesError.invalidArgument(name: "--bootstrap", value: "\(bootstrapResamples)", expected: "at least 1")
        }
    }

    /// The seed policy, in words.
    var seedPolicy: String {
        "per-sample seeds from SeedDerivation(run seed \(seed), question, template, temperature, index); bootstrap seed \(seed)"
    }
}

/// The caption data of one figure.
public struct FigureContext: Sendable, Codable, Hashable {
    public var model: String
    /// n: questions.
    public var questions: Int
    public var questionSource: String
    /// Samples per question per (template, temperature).
    public var k: Int
    public var temperatures: [Double]
    public var topP: Double
    public var maxTokens: Int
    public var seedPolicy: String
    public var templates: [String]
    public var grader: String
    /// The judge model, or how the judgement was made without one ("heuristic", "keywords only").
    public var judge: String
    public var paperParity: Bool

    init(settings: AnalysisSettings, model: String, k: Int, temperatures: [Double], templates: [String], judge: String) {
        self.model = model; questions = settings.questions.count; questionSource = settings.questionSource
        self.k = k; self.temperatures = temperatures; topP = settings.topP; maxTokens = settings.maxTokens
        seedPolicy = settings.seedPolicy; self.templates = templates; grader = settings.grader.summary
        self.judge = judge; paperParity = settings.paperParity
    }

    /// One caption line: "n=20 k=4 T=0.6,1.0 top_p=1.0 max=256 template=qwen-math grader=… judge=… seed=…".
    public var caption: String {
        let temps = temperatures.map { String(format: "%g", $0) }.joined(separator: ",")
        return "model=\(model) n=\(questions) (\(questionSource)) k=\(k) T=\(temps) top_p=\(String(format: "%g", topP)) "
            + "max_tokens=\(maxTokens) template=\(templates.joined(separator: ",")) grader=\(grader) judge=\(judge)"
            + (paperParity ? " [paper parity]" : "") + " seeds: \(seedPolicy)"
    }
}

/// A result stored as a metric's JSON payload, so Reports reads it back without recomputing.
public protocol StoredAnalysisResult: Sendable, Codable {
    /// The metric name the payload is stored under (step 0).
    static var metricName: String { get }
    /// The metric's scalar value (the headline number).
    var headline: Double { get }
}

extension StoredAnalysisResult {
    /// Writes the result to the run store (replacing an earlier one), plus any extra flat metrics.
    public func store(in database: RunDatabase, extra: [StoredMetric] = []) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(self)
        let payload = String(decoding: data, as: UTF8.self)
        try database.putMetrics([StoredMetric(name: Self.metricName, step: 0, value: headline.isFinite ? headline : 0,
                                              payload: payload)] + extra)
    }

    /// Reads the stored result, nil when the analysis has not been run on this store.
    public static func load(from database: RunDatabase) throws -> Self? {
        guard let m = try database.metric(name: metricName), let payload = m.payload else { return nil }
        do { return try JSONDecoder().decode(Self.self, from: Data(payload.utf8)) } catch {
            throw AnalysesError.storedResult(key: metricName, reason: error.localizedDescription)
        }
    }
}

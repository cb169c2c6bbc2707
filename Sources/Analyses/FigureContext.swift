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
    /// The grader settings' short name (`GraderSettings.key`: `auto+fallback`, `auto`, `paper`), nil in
    /// results stored before it was recorded.
    public var graderKey: String?
    /// The judge model, or how the judgement was made without one ("heuristic", "keywords only").
    public var judge: String
    public var paperParity: Bool

    init(settings: AnalysisSettings, model: String, k: Int, temperatures: [Double], templates: [String], judge: String) {
        self.model = model; questions = settings.questions.count; questionSource = settings.questionSource
        self.k = k; self.temperatures = temperatures; topP = settings.topP; maxTokens = settings.maxTokens
        seedPolicy = settings.seedPolicy; self.templates = templates; grader = settings.grader.summary
        graderKey = settings.grader.key
        self.judge = judge; paperParity = settings.paperParity
    }

    /// One caption line: "n=20 k=4 T=0.6,1.0 top_p=1.0 max=256 template=qwen-math grader=… judge=… seed=…".
    public var caption: String {
        let temps = temperatures.map { String(format: "%g", $0) }.joined(separator: ",")
        return "model=\(model) n=\(questions) (\(questionSource)) k=\(k) T=\(temps) top_p=\(String(format: "%g", topP)) "
            + "max_tokens=\(maxTokens) template=\(templates.joined(separator: ",")) grader=\(graderKey.map { "\($0): " } ?? "")\(grader) judge=\(judge)"
            + (paperParity ? " [paper parity]" : "") + " seeds: \(seedPolicy)"
    }
}

/// A result stored in the run store's `results` table under its `ResultKey` (analysis, template,
/// temperature, grader, judge), so a call with other settings is stored beside it instead of replacing it;
/// Reports reads every stored result back typed, without recomputing.
public protocol StoredAnalysisResult: Sendable, Codable {
    /// The analysis name results are keyed under (`exploration`, `reflection`, …).
    static var analysis: String { get }
    /// The result's scalar value (the headline number).
    var headline: Double { get }
    /// The rows the result is stored as: one per key (exploration and reflection: one per temperature).
    var storedParts: [(key: ResultKey, part: Self)] { get }
    /// Joins parts read back (default: as stored). Exploration and reflection join the temperatures of one
    /// template, grader, judge and k into one result.
    static func joined(_ parts: [Self]) -> [Self]
}

extension StoredAnalysisResult {
    public static func joined(_ parts: [Self]) -> [Self] { parts }

    /// Writes the result to the run store, replacing only results stored under the same keys.
    public func store(in database: RunDatabase) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for (key, part) in storedParts {
            let payload = String(decoding: try encoder.encode(part), as: UTF8.self)
            try database.put(result: StoredResult(key: key, headline: part.headline.isFinite ? part.headline : 0, payload: payload))
        }
    }

    /// Every stored result of this analysis, joined (see `joined`), in key order.
    /// - Throws: `AnalysesError.storedResult` naming the key of a payload that does not decode.
    public static func loadAll(from database: RunDatabase) throws -> [Self] {
        joined(try database.results(analysis: analysis).map(decode))
    }

    /// The result stored under exactly `key` (one part), nil when there is none.
    public static func load(from database: RunDatabase, key: ResultKey) throws -> Self? {
        try database.result(key: key).map(decode)
    }

    static func decode(_ r: StoredResult) throws -> Self {
        do { return try JSONDecoder().decode(Self.self, from: Data(r.payload.utf8)) } catch {
            let k = r.key
            throw AnalysesError.storedResult(key: "\(k.analysis) [template \(k.template), T=\(k.temperature), grader \(k.grader), judge \(k.judge)]",
                                             reason: error.localizedDescription)
        }
    }
}

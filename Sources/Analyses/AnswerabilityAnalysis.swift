// Template answerability (paper §2.1, Fig. 3 left): for each template, sample responses and classify each
// as answering the question or merely continuing the text, with the paper's LLM judge when one is given and
// with `AnswerabilityHeuristic` otherwise (the result says which). Judge replies that cannot be parsed are
// counted as unparsed and left out of the rate, never guessed.
import Foundation
import Datasets
import Inference
import Prompts
import RunStore
import Sampling

/// One template's answer rate.
public struct TemplateAnswerability: Sendable, Codable, Hashable {
    public var template: String
    public var samples: Int
    public var answers: Int
    public var continues: Int
    /// Judge replies with no usable 0/1 (always 0 with the heuristic).
    public var unparsed: Int
    /// answers / (answers + continues), with its Wilson interval.
    public var rate: ConfidenceInterval
    /// Shares of responses in the template's own answer format (no fallback), strict and lenient side by side.
    public var formatRates: FormatRates
    /// The grader name the verdicts are stored under (nil in results stored before it was recorded).
    public var grader: String?
    public var truncationRate: Double
    /// Share of responses graded correct.
    public var accuracy: Double
    /// Up to three responses classified as continuing (question id, start of the response), for a person to read.
    public var continuingExamples: [ResponseExcerpt]
}

/// A short excerpt of a stored response.
public struct ResponseExcerpt: Sendable, Codable, Hashable {
    public var questionID: String
    public var template: String
    public var temperature: Double
    public var sampleIndex: Int
    public var text: String

    init(_ s: StoredSample, limit: Int = 400) {
        questionID = s.questionID; template = s.template; temperature = s.temperature; sampleIndex = s.sampleIndex
        text = s.response.count > limit ? String(s.response.prefix(limit)) + "…" : s.response
    }
}

/// The answerability figure.
public struct AnswerabilityResult: StoredAnalysisResult, Hashable {
    public static let analysis = "answerability"
    public var context: FigureContext
    /// "judge <model>" (with its parsing rule) or "heuristic".
    public var method: String
    public var templates: [TemplateAnswerability]
    /// The template with the highest answer rate (ties: the first listed).
    public var bestTemplate: String?
    public var headline: Double { templates.first { $0.template == bestTemplate }?.rate.estimate ?? 0 }
    /// The templates more accurate than the pick when the pick's accuracy is the lowest of all compared
    /// templates (issue 17: a pick whose accuracy is lowest is flagged); empty otherwise.
    public var moreAccurateThanPick: [TemplateAnswerability] {
        guard let pick = templates.first(where: { $0.template == bestTemplate }),
              templates.allSatisfy({ $0.accuracy >= pick.accuracy }) else { return [] }
        return templates.filter { $0.accuracy > pick.accuracy }
    }
    /// One row per call, keyed (answerability, the compared templates, T, grader, judge).
    public var storedParts: [(key: ResultKey, part: AnswerabilityResult)] {
        [(ResultKey(analysis: Self.analysis, template: templates.map(\.template).joined(separator: ","),
                    temperature: context.temperatures.first ?? 0, grader: context.graderKey ?? "unknown", judge: context.judge), self)]
    }
}

/// Answerability of several templates on one model.
public struct Answerability: Sendable {
    public var settings: AnalysisSettings
    public var templates: [PromptTemplate]
    /// Sampling temperature (the audit uses its first exploration temperature, so samples are shared).
    public var temperature: Double
    public var samplesPerQuestion: Int

    public init(settings: AnalysisSettings, templates: [PromptTemplate], temperature: Double = 0.6, samplesPerQuestion: Int = 1) {
        self.settings = settings; self.templates = templates; self.temperature = temperature
        self.samplesPerQuestion = samplesPerQuestion
    }

    /// Samples what is missing, classifies every response, stores and returns the figure.
    public func run(backend: any Backend, database: RunDatabase, judge: JudgeRunner? = nil,
                    progress: ProgressHandler? = nil) async throws -> AnswerabilityResult {
        try settings.validate()
        guard !templates.isEmpty else {
            throw AnalysesError.invalidArgument(name: "--templates", value: "", expected: "at least one template")
        }
        guard samplesPerQuestion >= 1 else {
            throw AnalysesError.invalidArgument(name: "--samples", value: "\(samplesPerQuestion)", expected: "at least 1")
        }
        let plan = SamplingPlan(questions: settings.questions, questionSource: settings.questionSource, templates: templates,
                                temperatures: [temperature], k: samplesPerQuestion, topP: settings.topP,
                                maxTokens: settings.maxTokens, runSeed: settings.seed, chunkSize: settings.chunkSize)
        _ = try await SamplingJob.run(plan: plan, backend: backend, database: database, progress: Phases.prefix("answerability", progress))
        let problems = Dictionary(settings.questions.map { ($0.id, $0.problem) }, uniquingKeysWith: { a, _ in a })
        let grader = SampleGrader(settings: settings.grader)
        var rows = [TemplateAnswerability]()
        for t in templates {
            try Task.checkCancellation()
            let samples = try StoredSamples.select(database, template: t.name, temperatures: [temperature],
                                                   questionIDs: Set(problems.keys), k: samplesPerQuestion)
            let graded = try grader.grade(samples, database: database)
            let verdicts: [AnswerabilityVerdict]
            var labels: [StoredLabel] = []
            if let judge {
                let items = samples.map { JudgeItem(question: problems[$0.questionID] ?? "", response: $0.response) }
                let replies = try await judge.replies(kind: .answerability, items: items, database: database,
                                                      progress: Phases.prefix("answerability \(t.name)", progress))
                verdicts = replies.map(settings.paperParity ? JudgeReplyParser.answerabilityPaperParity : JudgeReplyParser.answerability)
                for (s, (reply, v)) in zip(samples, zip(replies, verdicts)) {
                    guard let id = s.id else { continue }
                    labels.append(StoredLabel(sampleID: id, kind: "answerability", method: "judge:\(judge.name)",
                                              verdict: v == .unparsed ? nil : v.rawValue, rule: settings.paperParity ? "paper parsing" : "first standalone 0/1",
                                              reply: reply, value: v == .unparsed ? nil : (v == .answers ? 1 : 0)))
                }
            } else {
                let judgements = graded.map {
                    AnswerabilityHeuristic.classify(response: $0.sample.response, question: problems[$0.sample.questionID] ?? "",
                                                    truncated: $0.truncated)
                }
                verdicts = judgements.map(\.verdict)
                for (s, j) in zip(samples, judgements) {
                    guard let id = s.id else { continue }
                    labels.append(StoredLabel(sampleID: id, kind: "answerability", method: "heuristic",
                                              verdict: j.verdict.rawValue, rule: j.rule.rawValue))
                }
            }
            try database.put(labels: labels)
            rows.append(try Self.summarise(template: t.name, graded: graded, verdicts: verdicts,
                                           formatRule: settings.grader.formatRule))
        }
        let (best, bestRule) = Self.bestTemplate(rows)
        let method = judge.map { "judge \($0.name) (\(settings.paperParity ? "paper parsing: reply starts with 0/1" : "first standalone 0/1"))" }
            ?? "heuristic (grader-independent: empty, new turn or question, repeated prompt, truncated or off-topic without an answer attempt → continues)"
        let methodWithPick = bestRule.map { "\(method); best template \($0)" } ?? method
        let result = AnswerabilityResult(
            context: FigureContext(settings: settings, model: backend.modelName, k: samplesPerQuestion, temperatures: [temperature],
                                   templates: templates.map(\.name), judge: judge?.name ?? "heuristic"),
            method: methodWithPick, templates: rows, bestTemplate: best)
        try result.store(in: database)
        return result
    }

    /// The paper's pick (highest answer rate) when its Wilson interval separates from every other template's;
    /// otherwise, among the templates whose intervals overlap the leader's, the highest accuracy (pass@1).
    /// Returns the template and how it was chosen.
    static func bestTemplate(_ rows: [TemplateAnswerability]) -> (String?, String?) {
        guard let leader = rows.enumerated().max(by: { a, b in
            a.element.rate.estimate < b.element.rate.estimate || (a.element.rate.estimate == b.element.rate.estimate && a.offset > b.offset)
        })?.element else { return (nil, nil) }
        let rivals = rows.filter { $0.template != leader.template && $0.rate.upper >= leader.rate.lower }
        guard !rivals.isEmpty else { return (leader.template, "by answer rate (intervals separate)") }
        let pool = [leader] + rivals
        let pick = pool.enumerated().max { a, b in
            a.element.accuracy < b.element.accuracy || (a.element.accuracy == b.element.accuracy && a.offset > b.offset)
        }?.element ?? leader
        return (pick.template, "by pass@1: answer-rate intervals overlap (\(pool.map(\.template).joined(separator: ", ")))")
    }

    /// Counts one template's verdicts.
    static func summarise(template: String, graded: [GradedSample], verdicts: [AnswerabilityVerdict],
                          formatRule: FormatRule = .lenient) throws -> TemplateAnswerability {
        let answers = verdicts.filter { $0 == .answers }.count, continues = verdicts.filter { $0 == .continues }.count
        let n = Double(max(graded.count, 1))
        let examples = zip(graded, verdicts).filter { $0.1 == .continues }.prefix(3).map { ResponseExcerpt($0.0.sample) }
        return TemplateAnswerability(
            template: template, samples: graded.count, answers: answers, continues: continues,
            unparsed: verdicts.count - answers - continues,
            rate: try WilsonInterval.interval(successes: answers, trials: answers + continues),
            formatRates: FormatRates(graded, rule: formatRule), grader: graded.first?.grader,
            truncationRate: Double(graded.filter(\.truncated).count) / n,
            accuracy: Double(graded.filter(\.grade.correct).count) / n,
            continuingExamples: Array(examples))
    }
}

/// Reading the samples an analysis planned back from the store.
enum StoredSamples {
    /// Samples of one template at the given temperatures, for the given questions, with index < k.
    static func select(_ database: RunDatabase, template: String, temperatures: [Double], questionIDs: Set<String>,
                       k: Int) throws -> [StoredSample] {
        var out = [StoredSample]()
        for t in temperatures {
            out += try database.samples(template: template, temperature: t)
                .filter { questionIDs.contains($0.questionID) && $0.sampleIndex < k }
        }
        return out
    }
}

/// Progress phase naming.
enum Phases {
    /// Wraps a handler so its updates read "<stage>: <phase>".
    static func prefix(_ stage: String, _ progress: ProgressHandler?) -> ProgressHandler? {
        guard let progress else { return nil }
        return { u in progress(ProgressUpdate(phase: "\(stage): \(u.phase)", completed: u.completed, total: u.total, detail: u.detail)) }
    }
}

// The hand-labelled set of issue 17 (fixtures/labels/answerability-reflection.jsonl: 306 real responses,
// 34 per model × template, each read and labelled answers/continues and reflection category 0–3) joined to
// the corpus (fixtures/corpus/responses.jsonl) and the question text (../shared/datasets, never in the
// repository). The answerability heuristic and the reflection keyword detector are scored against the
// labels: accuracy, Cohen's κ and the confusion matrix, overall, per model and per template; the figures
// are in docs/ANALYSES.md "Agreement with the hand-labelled set". R1AUDIT_AGREEMENT_TABLE=1 prints them.
import Foundation
import Testing
@testable import Analyses

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let labelsURL = repository.appendingPathComponent("fixtures/labels/answerability-reflection.jsonl")
private let corpusURL = repository.appendingPathComponent("fixtures/corpus/responses.jsonl")
/// `../shared/datasets` beside the repository (where CI and the developers' machines keep it).
private let datasetsURL = repository.deletingLastPathComponent().appendingPathComponent("shared/datasets")
private let datasetsAvailable = ["asdiv", "math500"].allSatisfy {
    FileManager.default.fileExists(atPath: datasetsURL.appendingPathComponent("\($0).jsonl").path)
}

/// One label line (the key fields, the two labels, the reason).
struct ResponseLabel: Codable, Hashable, Sendable {
    var model: String, template: String, dataset: String
    var dataset_id: String, sample_index: Int
    var answerability: String, kind: String, reflection: Int, reason: String
    var key: String { "\(model)|\(template)|\(dataset_id)|\(sample_index)" }
    var answers: Bool { answerability == "answers" }
    /// The judge's binary, as `ReflectionAnalysis` reads it: category 2 is reflection.
    var reflects: Bool { reflection == ReflectionCategory.reflection.rawValue }
}

/// One corpus line.
struct CorpusResponse: Codable, Sendable {
    var model: String, template: String, dataset: String
    var dataset_id: String, sample_index: Int
    var finish_reason: String, completion_tokens: Int, response: String
    var key: String { "\(model)|\(template)|\(dataset_id)|\(sample_index)" }
}

private struct Question: Codable { var id: String; var problem: String }

/// A labelled response with its text and question.
struct LabelledResponse: Sendable {
    var label: ResponseLabel
    var response: CorpusResponse
    var question: String
}

enum LabelledSet {
    static func lines<T: Decodable>(_ url: URL, as: T.Type) throws -> [T] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { n, line in
            do { return try JSONDecoder().decode(T.self, from: Data(line.utf8)) } catch {
                throw AnalysesError.invalidArgument(name: "\(url.lastPathComponent):\(n + 1)", value: String(line.prefix(60)),
                                                    expected: "a JSON object with the fields of \(T.self) (\(error))")
            }
        }
    }

    static func labels() throws -> [ResponseLabel] { try lines(labelsURL, as: ResponseLabel.self) }

    static func corpus() throws -> [String: CorpusResponse] {
        Dictionary(try lines(corpusURL, as: CorpusResponse.self).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Labels joined to the corpus and to the question text in ../shared/datasets.
    static func joined() throws -> [LabelledResponse] {
        let corpus = try corpus()
        var questions = [String: String]()
        for name in ["asdiv", "math500"] {
            for q in try lines(datasetsURL.appendingPathComponent("\(name).jsonl"), as: Question.self) { questions[q.id] = q.problem }
        }
        return try labels().map { label in
            guard let response = corpus[label.key] else {
                throw AnalysesError.invalidArgument(name: "label", value: label.key, expected: "a response in fixtures/corpus/responses.jsonl")
            }
            guard let question = questions[label.dataset_id] else {
                throw AnalysesError.invalidArgument(name: "dataset_id", value: label.dataset_id, expected: "an id in ../shared/datasets/\(label.dataset).jsonl")
            }
            return LabelledResponse(label: label, response: response, question: question)
        }
    }

    static func heuristicAnswers(_ r: LabelledResponse) -> Bool {
        AnswerabilityHeuristic.classify(response: r.response.response, question: r.question,
                                        truncated: r.response.finish_reason == "length").verdict == .answers
    }

    static func keywordReflects(_ r: LabelledResponse) -> Bool { KeywordDetector().detects(r.response.response) }

    /// Confusion matrix (first = detector, second = label) per group.
    static func matrices(_ set: [LabelledResponse], group: (LabelledResponse) -> String,
                         detector: (LabelledResponse) -> Bool, label: (ResponseLabel) -> Bool) -> [String: ConfusionMatrix] {
        var out = [String: ConfusionMatrix]()
        for r in set { out[group(r), default: ConfusionMatrix()].add(first: detector(r), second: label(r.label)) }
        return out
    }

    /// Rows of the docs table: group, n, accuracy, κ, both/first only/second only/neither.
    static func table(_ title: String, _ m: [String: ConfusionMatrix]) -> String {
        let f = { (x: Double?) in x.map { String(format: "%.3f", $0) } ?? "—" }
        return ([title] + m.keys.sorted().map { k in
            let c = m[k]!
            return "| \(k) | \(c.total) | \(f(c.accuracy)) | \(f(c.cohensKappa)) | \(c.both) | \(c.firstOnly) | \(c.secondOnly) | \(c.neither) |"
        }).joined(separator: "\n")
    }
}

@Suite struct LabelledSetShapeTests {
    @Test func labelsCoverEveryCellAndJoinTheCorpus() throws {
        let labels = try LabelledSet.labels(), corpus = try LabelledSet.corpus()
        #expect(labels.count >= 300)
        #expect(Set(labels.map(\.key)).count == labels.count, "a response is labelled twice")
        let cells = Dictionary(grouping: labels) { "\($0.model) \($0.template)" }
        #expect(cells.count == 9)
        for (cell, rows) in cells { #expect(rows.count >= 33, "cell \(cell) has \(rows.count) labels") }
        for l in labels {
            #expect(corpus[l.key] != nil, "label \(l.key) has no corpus response")
            #expect(["answers", "continues"].contains(l.answerability), "\(l.key): answerability \(l.answerability)")
            #expect((0...3).contains(l.reflection), "\(l.key): reflection \(l.reflection)")
            #expect(!l.reason.trimmingCharacters(in: .whitespaces).isEmpty, "\(l.key): no reason")
        }
    }
}

@Suite(.enabled(if: datasetsAvailable, "needs ../shared/datasets/asdiv.jsonl and math500.jsonl (the question text is never committed)"))
struct LabelledSetAgreementTests {
    static let set: [LabelledResponse] = (try? LabelledSet.joined()) ?? []
    static func model(_ r: LabelledResponse) -> String { r.label.model }
    static func template(_ r: LabelledResponse) -> String { r.label.template }

    @Test func joinsEveryLabel() throws {
        #expect(try LabelledSet.joined().count == (try LabelledSet.labels()).count)
    }

    static func heuristic(_ group: @escaping (LabelledResponse) -> String) -> [String: ConfusionMatrix] {
        LabelledSet.matrices(set, group: group, detector: LabelledSet.heuristicAnswers, label: \.answers)
    }

    static func keyword(_ group: @escaping (LabelledResponse) -> String) -> [String: ConfusionMatrix] {
        LabelledSet.matrices(set, group: group, detector: LabelledSet.keywordReflects, label: \.reflects)
    }

    /// The docs tables and the disagreement list, printed with R1AUDIT_AGREEMENT_TABLE=1; always checks that
    /// every label's heuristic rule is one that exists for its verdict.
    @Test func printsTheTablesWhenAsked() {
        #expect(Self.set.count >= 300)
        for r in Self.set {
            let j = AnswerabilityHeuristic.classify(response: r.response.response, question: r.question, truncated: r.response.finish_reason == "length")
            #expect(j.verdict == j.rule.verdict)
        }
        guard ProcessInfo.processInfo.environment["R1AUDIT_AGREEMENT_TABLE"] != nil else { return }
        for (name, build) in [("heuristic answers vs label answers", Self.heuristic), ("keyword vs label category 2", Self.keyword)] {
            print(LabelledSet.table("## \(name): overall", build { _ in "all" }))
            print(LabelledSet.table("## per model", build(Self.model)))
            print(LabelledSet.table("## per template", build(Self.template)))
            print(LabelledSet.table("## per model × template", build { "\($0.label.model) \($0.label.template)" }))
        }
        for r in Self.set where LabelledSet.heuristicAnswers(r) != r.label.answers {
            let j = AnswerabilityHeuristic.classify(response: r.response.response, question: r.question, truncated: r.response.finish_reason == "length")
            print("DISAGREE \(r.label.key) label=\(r.label.answerability)/\(r.label.kind) rule=\(j.rule.rawValue): \(r.label.reason)")
        }
    }

    /// Issue 17's target: κ ≥ 0.6 between the heuristic and the labels over the whole set.
    @Test func heuristicKappaMeetsTheTarget() throws {
        let overall = try #require(Self.heuristic { _ in "all" }["all"])
        let kappa = try #require(overall.cohensKappa)
        #expect(kappa >= 0.6, "heuristic κ \(kappa), accuracy \(overall.accuracy ?? 0)")
        // Measured 0.856 and 0.928 (docs/ANALYSES.md); the floors leave room for one more rule change's noise.
        #expect(kappa >= 0.8)
        #expect(try #require(overall.accuracy) >= 0.9)
    }

    /// Issue 17's target: per model, the templates ranked by the heuristic's answer rate in the labels' order
    /// (every pair the labels order strictly, the heuristic orders the same way). Known issue for
    /// Qwen2.5-Coder: the labels give qwen-math 34/34, r1 and none 33/34; the heuristic gives 33/34 to all three
    /// (one truncated qwen-math attempt is read as a repeated prompt), so the one-response lead ties. The floor
    /// every model must hold: each template's heuristic answer rate within 0.15 of the labels'.
    @Test(arguments: ["SmolLM2-135M-Instruct.Q4_1", "Qwen2.5-Coder-0.5B-Instruct.Q4_K_M", "gemma-3-270m.Q4_K_M"])
    func answerRateRankingMatchesTheLabels(model: String) throws {
        let rows = Self.set.filter { $0.label.model == model }
        try #require(!rows.isEmpty)
        let m = LabelledSet.matrices(rows, group: Self.template, detector: LabelledSet.heuristicAnswers, label: \.answers)
        let detector = m.compactMapValues(\.firstRate), reference = m.compactMapValues(\.secondRate)
        for (template, rate) in reference {
            #expect(abs((detector[template] ?? -1) - rate) <= 0.15, "\(model) \(template): heuristic \(detector[template] ?? -1), labels \(rate)")
        }
        withKnownIssue("issue 17: the heuristic ties Qwen2.5-Coder's qwen-math lead of one response") {
            let d = RankingAgreement.discordances(detector: detector, reference: reference)
            #expect(d.isEmpty, "\(model): labels rank \(RankingAgreement.order(reference)) \(reference), heuristic \(RankingAgreement.order(detector)) \(detector)")
        } when: { model.hasPrefix("Qwen2.5-Coder") }
    }

    /// The keyword detector against the labels' category 2. Reflection is rare in this corpus (7 of 306
    /// labels) and mostly implicit ("Let's verify with Python"), which the paper's keywords do not name, so κ
    /// is low; the floor records the measured figure so a change to the detector that loses more shows.
    @Test func keywordDetectorAgreementFloor() throws {
        let overall = try #require(Self.keyword { _ in "all" }["all"])
        #expect(try #require(overall.accuracy) >= 0.97)
        #expect(overall.firstOnly <= 1, "keyword fires where the label says no reflection: \(overall)")
    }
}

@Suite struct AgreementHelperTests {
    /// 20/5/10/15: accuracy (20+15)/50 = 0.7; first rate 25/50, second rate 30/50.
    @Test func accuracyAndRates() {
        let m = ConfusionMatrix(both: 20, firstOnly: 5, secondOnly: 10, neither: 15)
        #expect(m.accuracy == 0.7)
        #expect(m.firstRate == 0.5)
        #expect(m.secondRate == 0.6)
        #expect(ConfusionMatrix().accuracy == nil && ConfusionMatrix().firstRate == nil)
    }

    /// κ by hand: both 40, first only 2, second only 8, neither 50 (n 100): p_o 0.90, p_1 0.42, p_2 0.48,
    /// p_e 0.42·0.48 + 0.58·0.52 = 0.5032, κ = 0.3968/0.4968 = 0.79871…
    @Test func kappaByHand() throws {
        let m = ConfusionMatrix(both: 40, firstOnly: 2, secondOnly: 8, neither: 50)
        #expect(abs(try #require(m.cohensKappa) - 0.3968 / 0.4968) < 1e-12)
    }

    @Test(arguments: [
        (["a": 0.9, "b": 0.5, "c": 0.1], ["a": 0.8, "b": 0.6, "c": 0.0], 0),
        (["a": 0.9, "b": 0.5, "c": 0.1], ["a": 0.1, "b": 0.6, "c": 0.8], 3),
        (["a": 0.9, "b": 0.9, "c": 0.1], ["a": 1.0, "b": 0.9, "c": 0.2], 0),  // a reference tie leaves a/b free
        (["a": 0.9, "b": 0.5, "c": 0.1], ["a": 0.9, "b": 0.9, "c": 0.2], 1),  // the detector ties a/b: discordant
    ])
    func rankingDiscordances(reference: [String: Double], detector: [String: Double], expected: Int) {
        #expect(RankingAgreement.discordances(detector: detector, reference: reference).count == expected)
    }

    @Test func orderIsByRateThenName() {
        #expect(RankingAgreement.order(["r1": 0.5, "none": 0.9, "qwen-math": 0.5]) == ["none", "qwen-math", "r1"])
    }
}

// Issue 17 / 16 on the Analyses side: results keyed per template, temperature and grader (two templates
// explored are both read back; a paper-parity rerun is stored beside, not over, the default grader's);
// strict and lenient R1 format rates on responses checked by hand; per-sample answerability verdicts
// with their rule; each sample graded once per grader.
import Foundation
import Testing
import Datasets
import Inference
import Prompts
import RunStore
@testable import Analyses

@Suite struct KeyedAnalysisResultsTests {
    @Test func twoTemplatesAndTwoGradersAreAllKept() async throws {
        let (db, dir) = try OrchestrationTests.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let backend = FakeBackend(modelName: "fake")
        let settings = AnalysisSettings(questions: OrchestrationTests.questions(4), questionSource: "test", maxTokens: 32, bootstrapResamples: 20)
        var paper = settings
        paper.grader = GraderSettings(paperParity: true)
        let qwen = try PromptTemplate.named("qwen-math", directory: nil), r1 = try PromptTemplate.named("r1", directory: nil)
        let a = try await Exploration(settings: settings, template: qwen, temperatures: [0.6], k: 2).run(backend: backend, database: db)
        let b = try await Exploration(settings: settings, template: r1, temperatures: [0.6, 1.0], k: 2).run(backend: backend, database: db)
        let c = try await Exploration(settings: paper, template: r1, temperatures: [0.6], k: 2).run(backend: backend, database: db)
        let all = try ExplorationResult.loadAll(from: db)
        #expect(all.count == 3)
        #expect(Set(all) == Set([a, b, c]))
        #expect(all.map(\.template).sorted() == ["qwen-math", "r1", "r1"])
        #expect(all.first { $0.template == "r1" && $0.context.graderKey == "auto+fallback" }?.temperatures.map(\.temperature) == [0.6, 1.0])
        #expect(c.grader == "paper:answer-tag" && b.grader == "auto+fallback")
        // Exploring T=1.0 of qwen-math later joins the stored T=0.6 (same template, grader and k).
        _ = try await Exploration(settings: settings, template: qwen, temperatures: [1.0], k: 2).run(backend: backend, database: db)
        let joined = try ExplorationResult.loadAll(from: db).first { $0.template == "qwen-math" }
        #expect(joined?.temperatures.map(\.temperature) == [0.6, 1.0])
        #expect(joined?.temperatures.first == a.temperatures.first)
    }

    /// (response, strict, lenient) for the R1 template, each checked by hand against the paper's rule
    /// `</think> <answer>…</answer>` and the lenient "a closed <answer> anywhere".
    static let r1Cases: [(String, Bool, Bool)] = [
        ("<think>2+2</think> <answer>4</answer>", true, true),
        ("I think. </think> <answer> 4 </answer> done", true, true),
        ("<answer>4</answer>", false, true),                       // no </think>
        ("</think><answer>4</answer>", false, true),               // no space between the tags
        ("</think>\n<answer>4</answer>", false, true),             // a newline is not the paper's single space
        ("</think> <answer>4", false, false),                      // never closed
        ("The answer is 4.", false, false),
    ]

    @Test(arguments: r1Cases)
    func r1FormatRules(response: String, strict: Bool, lenient: Bool) {
        let f = FormatCheck.of(response, extraction: .answerTag)
        #expect(f.hasFormat && f.strict == strict && f.lenient == lenient)
    }

    @Test func boxedAndPlainTemplatesHaveOneFormatOrNone() {
        #expect(FormatCheck.of("so \\boxed{4}", extraction: .boxed) == FormatCheck(hasFormat: true, strict: true, lenient: true))
        #expect(FormatCheck.of("so 4", extraction: .boxed) == FormatCheck(hasFormat: true, strict: false, lenient: false))
        #expect(FormatCheck.of("\\boxed{4}", extraction: .none).hasFormat == false)
    }

    @Test(arguments: [false, true])
    func formatRatesSideBySideAndTheRuleInForce(paperParity: Bool) throws {
        // 7 hand-checked R1 responses: 2 strict, 5 lenient.
        let rule = GraderSettings(paperParity: paperParity).formatRule
        let graded = Self.r1Cases.enumerated().map { i, c in
            GradedSample(sample: StoredSample(questionID: "q\(i)", template: "r1", temperature: 0.6, topP: 1, sampleIndex: 0, seed: 0,
                                              prompt: "", response: c.0, promptTokens: 1, completionTokens: 1, finishReason: .stop,
                                              latency: 0, model: "m"),
                         grade: .init(extracted: nil, status: .noAnswer), grader: "g", format: .of(c.0, extraction: .answerTag),
                         formatRule: rule, category: .noAnswer)
        }
        let rates = FormatRates(graded, rule: rule)
        #expect(rates.strict == 2.0 / 7 && rates.lenient == 5.0 / 7)
        #expect(rates.rate == (paperParity ? 2.0 / 7 : 5.0 / 7))
        #expect(graded.filter(\.formatted).count == (paperParity ? 2 : 5))
        let row = try Answerability.summarise(template: "r1", graded: graded, verdicts: graded.map { _ in .answers }, formatRule: rule)
        #expect(row.formatRates == rates)
        // One figure, one value: the stored JSON holds each format rate once.
        let json = String(decoding: try JSONEncoder().encode(row), as: UTF8.self)
        #expect(json.components(separatedBy: "formatRate").count == 2)
    }

    @Test func answerabilityStoresEachVerdictWithItsRuleAndExportShowsIt() async throws {
        let (db, dir) = try OrchestrationTests.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let settings = AnalysisSettings(questions: OrchestrationTests.questions(5), questionSource: "test", maxTokens: 16)
        let template = try PromptTemplate.named("qwen-math", directory: nil)
        let r = try await Answerability(settings: settings, templates: [template], samplesPerQuestion: 2)
            .run(backend: FakeBackend(modelName: "fake"), database: db)
        let labels = try db.labels(kind: "answerability")
        #expect(labels.count == 10 && labels.allSatisfy { $0.method == "heuristic" && AnswerabilityRule(rawValue: $0.rule ?? "") != nil })
        #expect(labels.filter { $0.verdict == "answers" }.count == r.templates[0].answers)
        var rows: [ExportedSample] = []
        try db.exportJSONL { rows.append(try JSONDecoder().decode(ExportedSample.self, from: Data($0.utf8))) }
        #expect(rows.count == 10)
        for row in rows {
            let label = try #require(row.labels["answerability"]?["heuristic"])
            let expected = AnswerabilityHeuristic.classify(response: row.response, question: row.problem ?? "",
                                                           truncated: row.finishReason == .length)
            #expect(label.verdict == expected.verdict.rawValue && label.rule == expected.rule.rawValue)
            #expect(row.verdicts["auto+fallback"] != nil)
        }
    }

    @Test func eachSampleIsGradedOncePerGrader() throws {
        let (db, dir) = try OrchestrationTests.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        try db.upsert(questions: [StoredQuestion(id: "q1", problem: "Compute 4", golds: ["4"], source: "t")])
        try db.upsert(prompt: StoredPrompt(template: "qwen-math", body: "{question}", stop: [], extraction: .boxed))
        let id = try db.insert(sample: StoredSample(questionID: "q1", template: "qwen-math", temperature: 0.6, topP: 1, sampleIndex: 0,
                                                    seed: 1, prompt: "p", response: "\\boxed{4}", promptTokens: 1, completionTokens: 1,
                                                    finishReason: .stop, latency: 0, model: "m"))
        let grader = SampleGrader(settings: GraderSettings())
        let first = try grader.grade(try db.samples(), database: db)
        #expect(first.map(\.grade.status) == [.correct])
        // A stored verdict is what later analyses read (here a hand-edited one, to show it is not re-graded).
        try db.put(verdict: StoredVerdict(sampleID: id, grader: first[0].grader, extracted: "5", status: .incorrect))
        #expect(try grader.grade(try db.samples(), database: db).map(\.grade) == [.init(extracted: "5", status: .incorrect)])
        // Another grader grades it afresh and stores its own verdict beside.
        let paper = try SampleGrader(settings: GraderSettings(paperParity: true)).grade(try db.samples(), database: db)
        #expect(paper.map(\.grade.status) == [.correct] && paper[0].grader == "paper:boxed")
        #expect(try db.verdicts().count == 2)
    }

    /// A sample whose template has no stored prompt has no known answer format: the grader refuses it,
    /// naming the template, instead of grading it as `boxed` (what a missing or mistyped format used to
    /// become); the r1 sample below would have read its `<answer>` tag as no answer.
    @Test func aTemplateWithoutAStoredPromptIsRefusedNotGuessed() throws {
        let (db, dir) = try OrchestrationTests.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        try db.upsert(questions: [StoredQuestion(id: "q1", problem: "Compute 4", golds: ["4"], source: "t")])
        _ = try db.insert(sample: StoredSample(questionID: "q1", template: "r1", temperature: 0.6, topP: 1, sampleIndex: 0,
                                               seed: 1, prompt: "p", response: "<answer>4</answer>", promptTokens: 1,
                                               completionTokens: 1, finishReason: .stop, latency: 0, model: "m"))
        let grader = SampleGrader(settings: GraderSettings(paperParity: true))
        #expect(throws: AnalysesError.templateNotStored(template: "r1")) { try grader.grade(try db.samples(), database: db) }
        try db.upsert(prompt: StoredPrompt(template: "r1", body: "{question}", stop: ["</answer>"], extraction: .answerTag))
        let graded = try grader.grade(try db.samples(), database: db)
        #expect(graded.map(\.grade.status) == [.correct] && graded[0].grader == "paper:answer-tag")
    }
}

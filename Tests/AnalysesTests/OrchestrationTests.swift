// End-to-end orchestration over an in-test fake Backend and a temporary RunDatabase: stored counts add
// up, results round-trip through the store, and a resumed run neither resamples nor re-judges.
import Foundation
import Testing
import Datasets
import Inference
import Prompts
import RunStore
@testable import Analyses

/// Counts requests, so tests can check that a resume sends none.
actor CallCounter {
    var text = 0, chat = 0
    func add(text t: Int, chat c: Int) { text += t; chat += c }
}

/// Answers "Compute N" prompts: correct when the seed's low bits say so, with "recheck" in some responses;
/// some responses ramble into a new question, some hit the token budget. Judges answer from the judged text.
struct FakeBackend: Backend {
    let modelName: String
    let counter = CallCounter()

    func complete(_ requests: [CompletionRequest]) -> AsyncThrowingStream<IndexedCompletion, Error> {
        let counter = self.counter
        return AsyncThrowingStream { continuation in
            let task = Task {
                var texts = 0, chats = 0
                for (i, r) in requests.enumerated().reversed() {
                    let completion: Completion
                    switch r.prompt {
                    case .text(let prompt):
                        texts += 1
                        completion = Self.answer(prompt, seed: r.parameters.seed ?? 0, maxTokens: r.parameters.maxTokens)
                    case .chat(let messages):
                        chats += 1
                        completion = Self.judge(messages.last?.content ?? "")
                    case .tokens(let ids):
                        texts += 1
                        completion = Self.answer("\(ids)", seed: r.parameters.seed ?? 0, maxTokens: r.parameters.maxTokens)
                    }
                    continuation.yield(IndexedCompletion(index: i, completion: completion))
                }
                await counter.add(text: texts, chat: chats)
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    static func answer(_ prompt: String, seed: UInt64, maxTokens: Int) -> Completion {
        let n = prompt.components(separatedBy: "Compute ").dropFirst().first?.prefix { $0.isNumber } ?? "0"
        let gold = Int(n) ?? 0
        // Every response ends with its seed, so no two judge prompts coincide and judge calls can be counted exactly.
        let c = completionFor(gold: gold, seed: seed, maxTokens: maxTokens)
        return Completion(text: c.text + " #\(seed)", promptTokens: c.promptTokens, completionTokens: c.completionTokens,
                          finishReason: c.finishReason)
    }

    static func completionFor(gold: Int, seed: UInt64, maxTokens: Int) -> Completion {
        switch seed % 5 {
        case 0: return Completion(text: "Let me recheck: the sum is \\boxed{\(gold)}.", promptTokens: 10, completionTokens: 12, finishReason: .stop)
        case 1: return Completion(text: "The result is \\boxed{\(gold)}.", promptTokens: 10, completionTokens: 8, finishReason: .stop)
        case 2: return Completion(text: "I think \\boxed{\(gold + 1)}. Let me double-check.", promptTokens: 10, completionTokens: 10, finishReason: .stop)
        case 3: return Completion(text: "Question: what else is there to compute today", promptTokens: 10, completionTokens: 9, finishReason: .stop)
        default: return Completion(text: String(repeating: "and so on ", count: 5), promptTokens: 10, completionTokens: maxTokens, finishReason: .length)
        }
    }

    static func judge(_ prompt: String) -> Completion {
        let judged = prompt.components(separatedBy: "{response}").last ?? prompt
        let text: String
        if prompt.contains("self-reflection") {
            let body = judged.components(separatedBy: "**Response:**").last ?? ""
            text = body.contains("double-check") ? "It revisits the answer. 2." : (body.contains("Question:") ? "Off-topic. 0" : "Direct solution. 1.")
        } else {
            let body = judged.components(separatedBy: "**Model Output:**").last ?? ""
            text = body.contains("and so on") ? "no idea" : (body.contains("Question:") ? "0: continues" : "1: answers")
        }
        return Completion(text: text, promptTokens: 50, completionTokens: 5, finishReason: .stop)
    }
}

@Suite struct OrchestrationTests {
    static func questions(_ n: Int) -> [Question] {
        (0..<n).map { Question(id: "q\($0)", problem: "Compute \(10 + $0)", golds: ["\(10 + $0)"]) }
    }

    static func tempStore() throws -> (RunDatabase, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("analyses-\(UUID().uuidString)")
        return (try RunDatabase(url: dir.appendingPathComponent("run.sqlite")), dir)
    }

    @Test func explorationCountsAddUpAndResumeDoesNotResample() async throws {
        let (db, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let backend = FakeBackend(modelName: "fake")
        let settings = AnalysisSettings(questions: Self.questions(6), questionSource: "test", maxTokens: 32, bootstrapResamples: 50)
        let template = try PromptTemplate.named("qwen-math", directory: nil)
        let exploration = Exploration(settings: settings, template: template, temperatures: [0.6, 1.0], k: 4)
        let first = try await exploration.run(backend: backend, database: db)
        #expect(try db.sampleCount() == 6 * 2 * 4)
        #expect(await backend.counter.text == 48)
        for t in first.temperatures {
            #expect(t.questions == 6 && t.passAtK.count == 4)
            #expect(t.lengths.total == 24)
            #expect(t.lengths.byCategory.values.map(\.count).reduce(0, +) == 24)
            let correct = t.correctPerQuestion.values.reduce(0, +)
            #expect(t.lengths.byCategory[.correct]?.count == correct)
            #expect(abs(t.sampleAccuracy - Double(correct) / 24) < 1e-12)
            #expect(abs(t.passAtK[0].estimate - t.sampleAccuracy) < 1e-12)
            #expect(zip(t.passAtK, t.passAtK.dropFirst()).allSatisfy { $0.estimate <= $1.estimate })
            let zero = t.correctPerQuestion.values.filter { $0 == 0 }.count
            #expect(t.zeroCorrect.estimate == Double(zero) / 6)
        }
        #expect(try db.verdicts().count == 48)
        let again = try await exploration.run(backend: backend, database: db)
        #expect(await backend.counter.text == 48)
        #expect(again == first)
        #expect(try ExplorationResult.loadAll(from: db) == [first])
        #expect(try db.results(analysis: "exploration").map(\.key.temperature) == [0.6, 1.0])
        // Graded once: the second run read every verdict back (same count, none rewritten).
        #expect(try db.verdicts().count == 48)
        let self_ = try first.pairedDifference(first, temperature: 0.6, k: 2, resamples: 20)
        #expect(self_.difference.estimate == 0)
    }

    @Test func auditStoresEveryStageAndResumesWithoutCalls() async throws {
        let (db, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let backend = FakeBackend(modelName: "fake")
        let judgeBackend = FakeBackend(modelName: "fake-judge")
        let judge = JudgeRunner(backend: judgeBackend)
        let settings = AnalysisSettings(questions: Self.questions(5), questionSource: "test", maxTokens: 32, bootstrapResamples: 50)
        let templates = try PromptTemplate.paperTemplateNames.map { try PromptTemplate.named($0, directory: nil) }
        let audit = Audit(settings: settings, templates: templates, temperatures: [0.6, 1.0], k: 3)
        let result = try await audit.run(backend: backend, database: db, judge: judge)

        // Answerability: one sample per question and template; verdicts add up.
        #expect(result.answerability.templates.count == 3)
        for t in result.answerability.templates {
            #expect(t.samples == 5 && t.answers + t.continues + t.unparsed == 5)
        }
        #expect(result.answerability.bestTemplate == result.template)
        // Samples: 3 templates × 5 questions at T=0.6 index 0, plus the best template's exploration grid,
        // whose T=0.6 index-0 samples are shared with answerability.
        #expect(result.samples == 3 * 5 + 5 * 2 * 3 - 5)
        #expect(await backend.counter.text == result.samples)
        // Reflection: every exploration response judged once; confusion covers them all.
        for t in result.reflection.temperatures {
            #expect(t.keyword.responses == 15 && t.keyword.questions == 5)
            #expect(t.confusion?.total == 15)
            let j = try #require(t.judge)
            #expect(j.categories.values.reduce(0, +) + j.unparsed == 15)
            #expect(t.cross!.responsesDetected == t.confusion!.both)
            #expect(t.disagreements.count == min(5, t.confusion!.firstOnly + t.confusion!.secondOnly))
        }
        let judgeCalls = await judgeBackend.counter.chat
        #expect(judgeCalls == 15 + 2 * 15)
        #expect(try db.judgments().count == judgeCalls)

        let again = try await audit.run(backend: backend, database: db, judge: judge)
        #expect(await backend.counter.text == result.samples)
        #expect(await judgeBackend.counter.chat == judgeCalls)
        #expect(again == result)
        #expect(try AuditResult.loadAll(from: db) == [result])
        #expect(try AnswerabilityResult.loadAll(from: db) == [result.answerability])
        #expect(try ReflectionResult.loadAll(from: db) == [result.reflection])
    }

    @Test func heuristicAnswerabilityWithoutJudge() async throws {
        let (db, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let settings = AnalysisSettings(questions: Self.questions(8), questionSource: "test", maxTokens: 16)
        let template = try PromptTemplate.named("qwen-math", directory: nil)
        let r = try await Answerability(settings: settings, templates: [template], samplesPerQuestion: 2)
            .run(backend: FakeBackend(modelName: "fake"), database: db)
        let t = try #require(r.templates.first)
        #expect(t.samples == 16 && t.unparsed == 0 && t.answers + t.continues == 16)
        #expect(r.method.hasPrefix("heuristic"))
        #expect(r.context.judge == "heuristic" && r.context.k == 2 && r.context.questions == 8)
    }

    @Test func benchmarkSuiteOverAFolder() async throws {
        let (db, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("datasets")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for name in ["setA", "setB"] {
            let lines = (0..<4).map { #"{"id": "\#(name)-\#($0)", "problem": "Compute \#(20 + $0)", "answer": "\#(20 + $0)"}"# }
            try lines.joined(separator: "\n").write(to: data.appendingPathComponent(name + ".jsonl"), atomically: true, encoding: .utf8)
        }
        let template = try PromptTemplate.named("qwen-math", directory: nil)
        let settings = AnalysisSettings(questions: [], questionSource: "suite", maxTokens: 16, bootstrapResamples: 20)
        let suite = BenchmarkSuite(registry: DatasetRegistry(directory: data), names: ["setA", "setB"], template: template,
                                   settings: settings)
        let r = try await suite.run(backend: FakeBackend(modelName: "fake"), database: db)
        #expect(r.sets.map(\.name) == ["setA", "setB"] && r.sets.allSatisfy { $0.questions == 4 && $0.samples == 4 })
        #expect(abs(r.average - (r.sets[0].accuracy.estimate + r.sets[1].accuracy.estimate) / 2) < 1e-12)
        #expect(r.decoding == "greedy")
        #expect(try db.sampleCount() == 8)
        let missing = BenchmarkSuite(registry: DatasetRegistry(directory: data), names: ["nope"], template: template, settings: settings)
        await #expect(throws: AnalysesError.self) { try await missing.run(backend: FakeBackend(modelName: "fake"), database: db) }
    }
}

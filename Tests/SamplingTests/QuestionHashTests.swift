// A rerun whose dataset kept an id but changed the question (issue 19): refused naming the id and the
// file, unless allowed; a real run store in a temp dir, reopened as a new process would.
import Foundation
import Testing
import Datasets
import Inference
import Prompts
@testable import RunStore
@testable import Sampling

@Suite struct QuestionHashTests {
    static func plan(_ questions: [Question], allow: Bool = false) throws -> SamplingPlan {
        SamplingPlan(questions: questions, questionSource: "/data/questions.jsonl",
                     templates: [try PromptTemplate.named("none", directory: nil)], temperatures: [0.6], k: 2,
                     maxTokens: 16, runSeed: 1, chunkSize: 8, allowChangedQuestions: allow)
    }

    static let original = [Question(id: "a", problem: "1+1?", golds: ["2"]),
                           Question(id: "b", problem: "2+2?", golds: ["4"]),
                           Question(id: "c", problem: "3+3?", golds: ["6"])]

    /// Each change of one question; `b` is the first changed id in dataset order.
    static let changes: [(String, [Question])] = [
        ("problem text", [original[0], Question(id: "b", problem: "2+3?", golds: ["4"]), Question(id: "c", problem: "3+4?", golds: ["6"])]),
        ("golds", [original[0], Question(id: "b", problem: "2+2?", golds: ["5"]), original[2]]),
        ("an added gold", [original[0], Question(id: "b", problem: "2+2?", golds: ["4", "four"]), original[2]]),
    ]

    @Test(arguments: changes.indices)
    func changedQuestionIsRefusedNamingTheFirstChangedIDAndFile(_ i: Int) async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-qhash-\(UUID().uuidString)/run.sqlite")
        let first = try RunDatabase(url: url)
        _ = try await SamplingJob.run(plan: try Self.plan(Self.original), backend: EchoBackend(), database: first)
        #expect(try first.questionHashes().count == 3)

        let reopened = try RunDatabase(url: url, create: false)
        let backend = EchoBackend()
        let error = await #expect(throws: SamplingError.self) {
            _ = try await SamplingJob.run(plan: try Self.plan(Self.changes[i].1), backend: backend, database: reopened)
        }
        #expect(error == .questionChanged(id: "b", source: "/data/questions.jsonl", store: url.path))
        #expect(error?.errorDescription?.contains("/data/questions.jsonl") == true)
        #expect(error?.errorDescription?.contains("--allow-changed-questions") == true)
        #expect(backend.requested.isEmpty)
        let storedB = try reopened.questions().first(where: { $0.id == "b" })
        #expect(storedB?.golds == ["4"], "a refused run must not overwrite the stored question")
    }

    @Test func allowingChangedQuestionsKeepsSamplesAndRecordsTheNewText() async throws {
        let db = try tempDatabase()
        _ = try await SamplingJob.run(plan: try Self.plan(Self.original), backend: EchoBackend(), database: db)
        let changed = Self.changes[0].1
        let summary = try await SamplingJob.run(plan: try Self.plan(changed, allow: true), backend: EchoBackend(), database: db)
        #expect(summary.alreadyStored == 6 && summary.requested == 0)
        #expect(try db.questionHashes()["b"] == QuestionHash.of(changed[1]))
        // Now recorded: the same changed dataset reruns without the flag.
        _ = try await SamplingJob.run(plan: try Self.plan(changed), backend: EchoBackend(), database: db)
    }

    @Test func acceptChangedQuestionsLetsTheNextJobRun() async throws {
        let db = try tempDatabase()
        _ = try await SamplingJob.run(plan: try Self.plan(Self.original), backend: EchoBackend(), database: db)
        let changed = Self.changes[1].1
        try SamplingJob.acceptChangedQuestions(changed, source: "x", database: db)
        let summary = try await SamplingJob.run(plan: try Self.plan(changed), backend: EchoBackend(), database: db)
        #expect(summary.alreadyStored == 6)
    }

    @Test func unchangedAndNewAndUnsampledQuestionsResume() async throws {
        let db = try tempDatabase()
        _ = try await SamplingJob.run(plan: try Self.plan(Array(Self.original.prefix(2))), backend: EchoBackend(), database: db)
        // c is new; its text differs from nothing sampled, so it is accepted.
        let summary = try await SamplingJob.run(plan: try Self.plan(Self.original), backend: EchoBackend(), database: db)
        #expect(summary.alreadyStored == 4 && summary.stored == 2)
    }

    @Test func storeWithoutHashesIsComparedWithItsQuestionRows() async throws {
        let db = try tempDatabase()
        _ = try await SamplingJob.run(plan: try Self.plan(Self.original), backend: EchoBackend(), database: db)
        try db.removeQuestionHashes()
        await #expect(throws: SamplingError.questionChanged(id: "b", source: "/data/questions.jsonl", store: db.path)) {
            _ = try await SamplingJob.run(plan: try Self.plan(Self.changes[1].1), backend: EchoBackend(), database: db)
        }
    }

    @Test(arguments: [("1+1?", ["2"], "1+1?2", [String]()), ("ab", ["c"], "a", ["bc"]), ("x", ["1", "2"], "x", ["12"])])
    func hashSeparatesFields(_ p1: String, _ g1: [String], _ p2: String, _ g2: [String]) {
        #expect(QuestionHash.of(problem: p1, golds: g1) != QuestionHash.of(problem: p2, golds: g2))
        #expect(QuestionHash.of(problem: p1, golds: g1) == QuestionHash.of(problem: p1, golds: g1))
        #expect(QuestionHash.of(problem: p1, golds: g1).count == 16)
    }
}

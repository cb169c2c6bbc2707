// Tests of the built-in question set and of `--dataset FILE|builtin|NAME` resolution.
import Foundation
import Testing
@testable import Datasets

@Suite struct BuiltinAndRegistryTests {
    @Test func builtinIsSeededAndExact() {
        let a = QuestionSet.builtin(count: 50, seed: 0)
        #expect(a.questions.count == 50)
        #expect(a == QuestionSet.builtin(count: 50, seed: 0))
        #expect(a.questions.map(\.problem) != QuestionSet.builtin(count: 50, seed: 1).questions.map(\.problem))
        #expect(Set(a.questions.map(\.id)).count == 50)
        #expect(a.questions[7].id == "builtin-0007")
        #expect(Array(a.questions.prefix(10)) == QuestionSet.builtin(count: 10, seed: 0).questions)
        for q in a.questions {
            #expect(q.golds.count == 1)
            #expect(Int(q.golds[0]).map { $0 >= 0 } == true, "\(q.id): \(q.golds[0])")
        }
    }

    /// The answers are recomputed from the numbers in the text for the division kind (exactness).
    @Test func divisionProblemsDivideExactly() {
        for q in QuestionSet.builtin(count: 50).questions where q.problem.contains("equally among") {
            let numbers = q.problem.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            #expect(numbers.count == 2)
            #expect(numbers[0] % numbers[1] == 0 && numbers[0] / numbers[1] == Int(q.golds[0]))
        }
    }

    @Test func registryResolvesBuiltinFilesAndNames() throws {
        let dir = try tempFile("{\"problem\": \"a\", \"answer\": \"1\"}\n", name: "mini.jsonl").deletingLastPathComponent()
        let registry = DatasetRegistry(directory: dir)
        #expect(registry.availableNames() == ["mini"])
        #expect(try registry.load("mini").questions.count == 1)
        #expect(try registry.load(dir.appendingPathComponent("mini.jsonl").path).questions.count == 1)
        #expect(try registry.load("builtin", limit: 12).questions.count == 12)
        #expect(try registry.load("builtin", sample: 5, seed: 3).questions.count == 5)
        #expect(throws: DatasetError.unknownDataset(name: "nope", searched: dir.path, known: ["builtin", "mini"])) {
            try registry.load("nope")
        }
        let env = DatasetRegistry.default(environment: ["R1AUDIT_DATASETS": "/data/x"])
        #expect(env.directory.path == "/data/x")
        let rel = DatasetRegistry.default(environment: [:], workingDirectory: URL(fileURLWithPath: "/work/main"))
        #expect(rel.directory.path == "/work/shared/datasets")
    }
}

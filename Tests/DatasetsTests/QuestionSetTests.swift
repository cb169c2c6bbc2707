// Tests of JSONL loading (issue 2, Datasets): keys, answers lists, GSM8K answers, stable ids,
// subsets, and errors naming file and line.
import Foundation
import Testing
@testable import Datasets

/// Writes `text` to a fresh temporary file and returns its URL.
func tempFile(_ text: String, name: String = "questions.jsonl") throws -> URL {
    try tempFile(Data(text.utf8), name: name)
}

func tempFile(_ data: Data, name: String = "questions.jsonl") throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-datasets-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try data.write(to: url)
    return url
}

@Suite struct QuestionSetTests {
    @Test func readsDefaultKeysAnswersListsAndGSM8K() throws {
        let url = try tempFile("""
            {"id": "a", "problem": "1+1?", "answer": "2"}
            {"id": "b", "problem": "x?", "answer": "0.01", "answers": ["0.01", "0.02"]}

            {"problem": "How many?", "answer": "She has 3 + 15 = 18 #### 18"}
            {"id": 7, "problem": "Big?", "answer": "#### 1,000"}
            {"id": "n", "problem": "Number?", "answer": 42}
            """)
        let set = try QuestionSet.load(url: url)
        #expect(set.questions.count == 5)
        #expect(set.questions[0] == Question(id: "a", problem: "1+1?", golds: ["2"]))
        #expect(set.questions[1].golds == ["0.01", "0.02"])
        #expect(set.questions[2].golds == ["18"])
        #expect(set.questions[2].id == Question.stableID(forText: "How many?"))
        #expect(set.questions[2].id.hasPrefix("q-") && set.questions[2].id.count == 18)
        #expect(set.questions[3].id == "7" && set.questions[3].golds == ["1000"])
        #expect(set.questions[4].golds == ["42"])
    }

    @Test func customKeys() throws {
        let url = try tempFile(#"{"question": "Q?", "solution": "5"}"# + "\n")
        let set = try QuestionSet.load(url: url, inputKey: "question", answerKey: "solution")
        #expect(set.questions.map(\.golds) == [["5"]])
        #expect(throws: DatasetError.missingKey(path: url.path, line: 1, key: "problem", available: ["question", "solution"])) {
            try QuestionSet.load(url: url)
        }
    }

    @Test func malformedLineNamesFileAndLine() throws {
        let url = try tempFile("{\"problem\": \"a\", \"answer\": \"1\"}\n{not json\n{\"problem\": \"b\", \"answer\": \"2\"}\n")
        do {
            _ = try QuestionSet.load(url: url)
            Issue.record("a malformed line must fail")
        } catch let error as DatasetError {
            guard case .malformedLine(let path, let line, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(path == url.path && line == 2)
            #expect(error.localizedDescription.contains("\(url.path):2"))
            #expect(error.localizedDescription.contains("--skip-bad-lines"))
        }
        let skipped = try QuestionSet.load(url: url, skipBadLines: true)
        #expect(skipped.questions.count == 2 && skipped.skippedLines == 1)
    }

    @Test func emptyNonUTF8AndMissingFiles() throws {
        let empty = try tempFile("\n  \n")
        #expect(throws: DatasetError.emptyFile(path: empty.path)) { try QuestionSet.load(url: empty) }
        var bytes = Data("{\"problem\": \"a\", \"answer\": \"1\"}\n".utf8)
        bytes.append(contentsOf: [0x7B, 0xFF, 0xFE, 0x7D, 0x0A])
        let latin = try tempFile(bytes)
        #expect(throws: DatasetError.notUTF8(path: latin.path, line: 2)) { try QuestionSet.load(url: latin) }
        let missing = URL(fileURLWithPath: "/nonexistent/r1audit/q.jsonl")
        #expect(throws: DatasetError.fileNotFound(path: missing.path)) { try QuestionSet.load(url: missing) }
    }

    @Test func allLinesBadIsAnError() throws {
        let url = try tempFile("{\"q\": 1}\n{\"q\": 2}\n")
        #expect(throws: DatasetError.noQuestions(path: url.path, skipped: 2)) {
            try QuestionSet.load(url: url, skipBadLines: true)
        }
    }

    @Test func duplicateIDsAreRefused() throws {
        let url = try tempFile("{\"id\": \"x\", \"problem\": \"a\", \"answer\": \"1\"}\n{\"id\": \"x\", \"problem\": \"b\", \"answer\": \"2\"}\n")
        #expect(throws: DatasetError.duplicateID(path: url.path, line: 2, id: "x", firstLine: 1)) {
            try QuestionSet.load(url: url)
        }
    }

    @Test(arguments: [1, 3, 7]) func seededSubsetIsReproducibleAndOrdered(count: Int) throws {
        let lines = (0..<20).map { "{\"id\": \"q\($0)\", \"problem\": \"p\($0)\", \"answer\": \"\($0)\"}" }
        let url = try tempFile(lines.joined(separator: "\n"))
        let a = try QuestionSet.load(url: url, sample: count, seed: 5)
        let b = try QuestionSet.load(url: url, sample: count, seed: 5)
        let c = try QuestionSet.load(url: url, sample: count, seed: 6)
        #expect(a == b)
        #expect(a.questions.count == count)
        let order = a.questions.compactMap { Int($0.id.dropFirst()) }
        #expect(order == order.sorted())
        if count >= 3 { #expect(a.questions != c.questions) }
        let limited = try QuestionSet.load(url: url, limit: 4)
        #expect(limited.questions.map(\.id) == ["q0", "q1", "q2", "q3"])
    }

    @Test func sharedDatasetsLoadWhenPresent() throws {
        let registry = DatasetRegistry.default()
        guard registry.url(forName: "minerva") != nil else { return }
        let minerva = try registry.load("minerva")
        #expect(minerva.questions.count == 272)
        #expect(minerva.questions.contains { $0.golds.count > 1 })
        for name in DatasetRegistry.benchmarkNames {
            #expect(try registry.load(name, limit: 3).questions.count == 3)
        }
    }
}

// `explore`, `answerability`, `reflection` (and `audit`) on a --dataset file use the whole file unless
// --limit or --sample says otherwise (issue 17: they used to take its first 20 silently); the built-in set
// still gives 20. The default is said in each command's --help.
import Foundation
import Testing
@testable import R1AuditCLI

@Suite struct AnalysisQuestionsDefaultTests {
    static func datasetFile(lines: Int) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-q-\(UUID().uuidString).jsonl")
        let text = (0..<lines).map { #"{"id": "q\#($0)", "problem": "Compute \#($0)", "answer": "\#($0)"}"# }.joined(separator: "\n")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test(arguments: [(["explore"], 25), (["answerability"], 25), (["reflection"], 25), (["explore", "--limit", "7"], 7),
                      (["answerability", "--sample", "5"], 5)])
    func aDatasetFileIsUsedWhole(args: [String], expected: Int) throws {
        let file = try Self.datasetFile(lines: 25)
        defer { try? FileManager.default.removeItem(at: file) }
        let parsed = try R1Audit.parseAsRoot(args + ["--dataset", file.path])
        let (analysis, dataset): (AnalysisOptions, DatasetOptions)
        switch parsed {
        case let c as ExploreCommand: (analysis, dataset) = (c.analysis, c.dataset)
        case let c as AnswerabilityCommand: (analysis, dataset) = (c.analysis, c.dataset)
        case let c as ReflectionCommand: (analysis, dataset) = (c.analysis, c.dataset)
        default: Issue.record("unexpected command \(parsed)"); return
        }
        #expect(try analysis.settings(dataset).questions.count == expected)
    }

    @Test func theBuiltinSetStillGivesTwenty() throws {
        let c = try #require(try R1Audit.parseAsRoot(["explore"]) as? ExploreCommand)
        #expect(try c.analysis.settings(c.dataset).questions.count == 20)
    }

    @Test(arguments: ["explore", "answerability", "reflection"])
    func helpSaysTheDefault(command: String) {
        let help: String
        switch command {
        case "explore": help = ExploreCommand.helpMessage(columns: 400)
        case "answerability": help = AnswerabilityCommand.helpMessage(columns: 400)
        default: help = ReflectionCommand.helpMessage(columns: 400)
        }
        #expect(help.contains("a --dataset file or suite is used whole"))
    }
}

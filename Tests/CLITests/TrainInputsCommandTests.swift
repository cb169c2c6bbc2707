// `train`, `learnability` and `export trl|oat|verl` options (issue 18): the dataset forms and keys of the
// sampling commands, --from-audit's companions, and `export trl --template` reaching the export (the
// parent `export` command used to swallow it).
import ArgumentParser
import Foundation
import Testing
import Training
@testable import R1AuditCLI

@Suite struct TrainInputsCommandTests {
    @Test func trainAcceptsTheSamplingCommandsDatasetOptions() throws {
        let c = try #require(try R1Audit.parseAsRoot(["train", "--dataset", "math500", "--input-key", "q", "--answer-key", "a",
                                                      "--skip-bad-lines", "--reward", "auto"]) as? TrainCommand)
        #expect(c.dataset == "math500" && c.datasetKeys.inputKey == "q" && c.datasetKeys.answerKey == "a" && c.datasetKeys.skipBadLines)
        #expect(c.reward == .auto && c.template == nil && c.temperature == nil && c.fromAudit == nil)
    }

    @Test func trainDefaultsToTheBuiltinQuestionsAndThePaperReward() throws {
        let c = try #require(try R1Audit.parseAsRoot(["train"]) as? TrainCommand)
        let r = try c.resolve(warn: { _ in })
        #expect(r.template == "qwen-math" && r.temperature == 1.0 && r.reward == .paper && r.choices == nil)
        #expect(r.datasetLabel.hasPrefix("builtin") && !r.questions.isEmpty)
    }

    @Test(arguments: [["train", "--keep-solved"], ["train", "--plain-text-fallback", "--reward", "paper"],
                      ["learnability", "--keep-solved"], ["learnability", "--group-size", "8", "--samples", "4"],
                      ["learnability", "--from-audit", "x", "--run", "x"]])
    func contradictoryOptionsAreRejected(args: [String]) {
        #expect(throws: (any Error).self) { _ = try R1Audit.parseAsRoot(args) }
    }

    @Test func fromAuditWithoutTheAuditRunSaysWhatToRun() throws {
        let c = try #require(try R1Audit.parseAsRoot(["train", "--from-audit", "nope", "--runs-dir", tempRunsDir()]) as? TrainCommand)
        do {
            _ = try c.resolve(warn: { _ in })
            Issue.record("a missing audit run was accepted")
        } catch {
            #expect("\(error)".contains("r1audit audit --run nope"), "\(error)")
        }
    }

    @Test(arguments: ["trl", "oat", "verl"])
    func exportHonoursTemplateTemperatureAndJSON(framework: String) async throws {
        let out = tempRunsDir()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let parsed = try R1Audit.parseAsRoot(["export", framework, "--dataset", "builtin", "--limit", "3", "--template", "r1",
                                              "--temperature", "0.7", "--out", out, "--json"])
        let options: ExportTrainingOptions
        switch parsed {
        case let c as ExportTRLCommand: options = c.options.merging(c.parent)
        case let c as ExportOatCommand: options = c.options.merging(c.parent)
        case let c as ExportVerlCommand: options = c.options.merging(c.parent)
        default: Issue.record("parsed \(type(of: parsed))"); return
        }
        #expect(options.template == "r1" && options.temperature == 0.7 && options.output.json)
        try options.write(try #require(TrainingFramework(rawValue: framework)))
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        let data = try #require(files.first { $0.hasSuffix(".jsonl") && !$0.contains("val") })
        let text = try String(contentsOfFile: out + "/" + data, encoding: .utf8)
        #expect(text.contains("<answer>"), "the r1 template's answer tag is in the rendered prompts")
        #expect(text.split(separator: "\n").count == 3)
    }
}

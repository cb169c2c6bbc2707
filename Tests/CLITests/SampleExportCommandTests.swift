// `r1audit sample` and `r1audit export`: option parsing with R1Audit.parseAsRoot, and the sample
// command end to end with a deterministic in-test backend, including resume after cancellation.
import ArgumentParser
import Foundation
import Inference
import RunStore
import Sampling
import Testing
@testable import R1AuditCLI

/// A deterministic fake backend (tests only): each reply is derived from its request's seed.
final class SeedEchoBackend: Backend, @unchecked Sendable {
    let modelName = "seed-echo"
    private let lock = NSLock()
    private var count = 0
    var requestCount: Int { lock.lock(); defer { lock.unlock() }; return count }

    func complete(_ requests: [CompletionRequest]) -> AsyncThrowingStream<IndexedCompletion, Error> {
        lock.lock(); count += requests.count; lock.unlock()
        return AsyncThrowingStream { continuation in
            let task = Task {
                for (i, r) in requests.enumerated() {
                    if Task.isCancelled { break }
                    await Task.yield()
                    continuation.yield(IndexedCompletion(index: i, completion: Completion(
                        text: "The answer is \\boxed{\((r.parameters.seed ?? 0) % 97)}", promptTokens: 12,
                        completionTokens: 9, finishReason: .stop, latency: 0.001)))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

func tempRunsDir() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-cli-\(UUID().uuidString)").path
}

func parseSample(_ args: [String]) throws -> SampleCommand {
    let parsed = try R1Audit.parseAsRoot(["sample"] + args)
    guard let command = parsed as? SampleCommand else { throw CLIError.runtime("parsed \(type(of: parsed))") }
    return command
}

@Suite struct SampleExportCommandTests {
    @Test func sampleDefaultsAreThePaperGrid() throws {
        let c = try parseSample([])
        #expect(c.template == ["r1", "qwen-math", "none"])
        #expect(c.k == 4 && c.temperatures == [0.6] && c.maxTokens == 512 && c.topP == 1)
        #expect(c.datasetOptions.dataset == "builtin" && c.runOptions.run == "default" && c.runOptions.runsDir == "runs")
        #expect(!c.output.json)
    }

    @Test func sampleParsesEveryOption() throws {
        let c = try parseSample(["--dataset", "math500", "--input-key", "q", "--answer-key", "a", "--limit", "10",
                                 "--sample", "5", "--seed", "9", "--skip-bad-lines", "--template", "r1",
                                 "--template", "my.txt", "--k", "8", "--temperature", "0,0.6", "--temperature", "1.0",
                                 "--top-p", "0.95", "--max-tokens", "64", "--run", "x", "--runs-dir", "/tmp/r", "--json",
                                 "--endpoint", "http://127.0.0.1:8080/v1", "--model-name", "smol"])
        #expect(c.datasetOptions.dataset == "math500" && c.datasetOptions.inputKey == "q" && c.datasetOptions.answerKey == "a")
        #expect(c.datasetOptions.limit == 10 && c.datasetOptions.sample == 5 && c.datasetOptions.seed == 9)
        #expect(c.datasetOptions.skipBadLines)
        #expect(c.template == ["r1", "my.txt"] && c.k == 8 && c.temperatures == [0, 0.6, 1.0])
        #expect(c.topP == 0.95 && c.maxTokens == 64 && c.runOptions.run == "x" && c.output.json)
        #expect(c.backend.endpoint == ["http://127.0.0.1:8080/v1"] && c.backend.modelName == "smol")
    }

    @Test(arguments: [["--k", "0"], ["--temperature", "hot"], ["--temperature", "-1"], ["--top-p", "0"],
                      ["--max-tokens", "0"], ["--limit", "0"], ["--run", "a/b"], ["--bogus"]])
    func sampleRejectsBadInput(args: [String]) {
        #expect(throws: (any Error).self) { try parseSample(args) }
    }

    @Test func exportParses() async throws {
        let parsed = try R1Audit.parseAsRoot(["export", "--jsonl", "--run", "r", "--template", "r1", "--temperature", "0.6",
                                              "--output-file", "out.jsonl", "--no-prompts"])
        let e = try #require(parsed as? ExportCommand)
        #expect(e.jsonl && e.runOptions.run == "r" && e.template == "r1" && e.temperature == 0.6)
        #expect(e.outputFile == "out.jsonl" && e.noPrompts)
        let jsonWithoutFile = try #require(try R1Audit.parseAsRoot(["export", "--json"]) as? ExportCommand)
        await #expect(throws: ValidationError.self) { try await jsonWithoutFile.run() }
    }

    /// `export trl|oat|verl` is the training export under the issue's name: it parses to the framework's
    /// subcommand (not the JSONL export) and writes the same files as `export-training FRAMEWORK`.
    @Test(arguments: ["trl", "oat", "verl"])
    func exportFrameworkWritesTheTrainingExport(framework: String) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("q.jsonl")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data((#"{"id": "a", "problem": "What is 1+1?", "answer": "2"}"# + "\n" + #"{"id": "b", "problem": "2+2?", "answer": "4"}"# + "\n").utf8)
            .write(to: data)
        let viaExport = dir.appendingPathComponent("via-export").path, viaTraining = dir.appendingPathComponent("via-training").path
        let a = try R1Audit.parseAsRoot(["export", framework, "--dataset", data.path, "--out", viaExport, "--json"])
        #expect(!(a is ExportCommand))
        let b = try R1Audit.parseAsRoot(["export-training", framework, "--dataset", data.path, "--out", viaTraining, "--json"])
        var ra = try #require(a as? any AsyncParsableCommand), rb = try #require(b as? any AsyncParsableCommand)
        try await ra.run()
        try await rb.run()
        let files = try FileManager.default.contentsOfDirectory(atPath: viaExport).sorted()
        #expect(!files.isEmpty)
        #expect(files == (try FileManager.default.contentsOfDirectory(atPath: viaTraining).sorted()))
        for f in files {
            let x = try String(contentsOfFile: viaExport + "/" + f, encoding: .utf8)
            let y = try String(contentsOfFile: viaTraining + "/" + f, encoding: .utf8)
            #expect(x.replacingOccurrences(of: viaExport, with: "OUT") == y.replacingOccurrences(of: viaTraining, with: "OUT"), "\(f)")
        }
        // The dataset (train.jsonl for all three) holds both questions, plus the reward function.
        #expect(files.contains("train.jsonl") && files.contains("reward.py"))
        let text = try String(contentsOfFile: viaExport + "/train.jsonl", encoding: .utf8)
        #expect(text.contains("What is 1+1?") && text.contains("2+2?"))
    }

    @Test func sampleEndToEndResumesToTheExactCount() async throws {
        let runs = tempRunsDir()
        let command = try parseSample(["--runs-dir", runs, "--run", "e2e", "--limit", "10", "--k", "2", "--chunk-size", "4"])
        let plan = try command.makePlan()
        #expect(plan.totalSamples == 60)
        // First run: cancelled once at least half is stored.
        let database = try command.runOptions.open()
        let half = HalfwaySignal(threshold: 30)
        let task = Task {
            try await command.execute(plan: plan, backend: SeedEchoBackend(), database: database, progress: half.report)
        }
        await half.wait()
        task.cancel()
        _ = await task.result
        let stored = try database.sampleCount()
        #expect(stored >= 30 && stored <= 60)
        // Rerun: only the missing samples are requested, and the store ends with exactly 60.
        let backend = SeedEchoBackend()
        let summary = try await command.execute(plan: plan, backend: backend, database: try command.runOptions.open(),
                                                progress: nil)
        #expect(backend.requestCount == 60 - stored)
        #expect(summary.alreadyStored == stored && summary.alreadyStored + summary.stored == 60)
        #expect(try database.sampleCount() == 60)

        // Export: one parseable line per sample, with golds.
        var lines: [String] = []
        let n = try database.exportJSONL { lines.append($0) }
        #expect(n == 60 && lines.count == 60)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["question_id"] as? String == "builtin-0000")
        #expect((first["golds"] as? [String])?.count == 1)
        #expect((first["response"] as? String)?.hasPrefix("The answer is \\boxed{") == true)
        #expect(first["seed"] is String)
    }
}

/// Signals once progress reports at least `threshold` completed samples.
final class HalfwaySignal: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    private var fired = false
    let threshold: Int
    init(threshold: Int) { self.threshold = threshold }
    func wait() async {
        await withCheckedContinuation { c in
            lock.lock()
            if fired { lock.unlock(); c.resume() } else { continuation = c; lock.unlock() }
        }
    }
    func report(_ u: ProgressUpdate) {
        lock.lock(); defer { lock.unlock() }
        guard !fired, u.completed >= threshold else { return }
        fired = true
        continuation?.resume(); continuation = nil
    }
}

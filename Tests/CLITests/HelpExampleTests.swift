// Every example a user is shown — in every command's --help and in the README — parses, and runs through
// the built binary on a tiny random model and tiny inputs (issue 19): no "Unknown option", no "Missing
// expected argument", no usage error. Paths are substituted (models by the tiny GGUF, endpoints by a
// tiny `r1audit serve`) and sizes shrunk (--limit 2, 4 new tokens, …) so the whole set runs in seconds.
// Also: a model path that fails to load exits non-zero, says why, and leaves no empty run store behind.
import ArgumentParser
import Foundation
import Testing
import TestSupport
@testable import R1AuditCLI

/// A folder holding the tiny model and every input file the examples name, laid out so the examples'
/// relative paths (`prompts.jsonl`, `../shared/datasets/gsm8k.jsonl`) resolve from `cwd`.
struct ExampleWorkspace {
    let root: URL, cwd: URL, model: String, datasets: URL

    init() throws {
        root = try TinyModelFactory.temporaryDirectory("examples")
        cwd = root.appendingPathComponent("work")
        datasets = root.appendingPathComponent("shared/datasets")
        let fm = FileManager.default
        try fm.createDirectory(at: cwd, withIntermediateDirectories: true)
        try fm.createDirectory(at: datasets, withIntermediateDirectories: true)
        var config = TinyModelFactory.configuration()
        config.maxPositionEmbeddings = 2048  // the r1 template alone is ~390 byte-level tokens
        model = try TinyModelFactory.writeGGUF(to: root.appendingPathComponent("tiny.gguf"), configuration: config,
                                               weights: TinyModelFactory.weights(config, seed: 7)).path
        let questions = (1...3).map { #"{"id": "q\#($0)", "problem": "What is \#($0) + \#($0)?", "answer": "\#($0 * 2)"}"# }
        for name in ["gsm8k", "aime24", "amc23", "math500", "minerva", "olympiadbench"] {
            try write(questions.joined(separator: "\n") + "\n", to: datasets.appendingPathComponent("\(name).jsonl"))
        }
        let graded = #"{"response": "so the answer is \\boxed{4}", "answer": "4"}"# + "\n"
            + #"{"response": "<answer>0.5</answer>", "answer": "\\frac{1}{2}"}"# + "\n"
        for name in ["responses.jsonl", "pairs.jsonl"] { try write(graded, to: cwd.appendingPathComponent(name)) }
        try write(#"{"prompt": "2+2="}"# + "\n" + #"{"prompt": "The answer is"}"# + "\n", to: cwd.appendingPathComponent("prompts.jsonl"))
        try write(#"{"text": "hello world"}"# + "\n", to: cwd.appendingPathComponent("texts.jsonl"))
        let prose = String(repeating: "The quick brown fox jumps over the lazy dog, and then it rests. ", count: 40)
        for name in ["text.txt", "wiki.txt"] { try write(prose, to: cwd.appendingPathComponent(name)) }
    }

    private func write(_ text: String, to url: URL) throws { try Data(text.utf8).write(to: url) }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// The built binary run in a folder, its output in files (no pipe can fill up), killed if it hangs.
struct BinaryRun {
    let status: Int32, crashed: Bool, hung: Bool, out: String, err: String

    /// Runs the binary off the cooperative pool (see `offPool`).
    static func run(_ args: [String], in dir: URL, environment: [String: String] = [:], limit: TimeInterval = 600) async throws -> BinaryRun {
        try await offPool { try runBlocking(args, in: dir, environment: environment, limit: limit) }
    }

    static func runBlocking(_ args: [String], in dir: URL, environment: [String: String], limit: TimeInterval) throws -> BinaryRun {
        let process = Process()
        process.executableURL = r1auditBinary
        process.arguments = args
        process.currentDirectoryURL = dir
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let id = UUID().uuidString
        let outURL = dir.appendingPathComponent(".out-\(id)"), errURL = dir.appendingPathComponent(".err-\(id)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        // A watchdog, not a timing assertion: a hung example is reported instead of hanging the suite.
        let deadline = Date().addingTimeInterval(limit)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let hung = process.isRunning
        if hung { process.terminate() }
        process.waitUntilExit()
        let read = { (u: URL) in String(decoding: (try? Data(contentsOf: u)) ?? Data(), as: UTF8.self) }
        return BinaryRun(status: process.terminationStatus, crashed: process.terminationReason == .uncaughtSignal && !hung,
                         hung: hung, out: read(outURL), err: read(errURL))
    }

    /// What ArgumentParser prints for any usage error (unknown option, missing argument, failed validation).
    var usageError: Bool {
        ["Unknown option", "Missing expected argument", "Unexpected argument", "See 'r1audit", "Usage: r1audit"]
            .contains { err.contains($0) }
    }
}

/// A long-running `r1audit serve` child: started, waited for until it prints its URL, stopped with SIGTERM.
final class ServeProcess: @unchecked Sendable {
    // Unchecked: one test owns it; `start` and `stop` only move it to a compute thread and back.
    let process = Process(), outURL: URL
    private(set) var url: String?

    /// Starts the child off the cooperative pool and waits (up to 120 s) until it prints its URL.
    static func start(_ args: [String], in dir: URL) async throws -> ServeProcess {
        try await offPool { try ServeProcess(args, in: dir) }
    }

    private init(_ args: [String], in dir: URL) throws {
        outURL = dir.appendingPathComponent(".serve-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        process.executableURL = r1auditBinary
        process.arguments = args
        process.currentDirectoryURL = dir
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline, url == nil {
            let text = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
            if let r = text.range(of: #"http://[0-9.]+:[0-9]+/v1"#, options: .regularExpression) { url = String(text[r]) }
            else { Thread.sleep(forTimeInterval: 0.05) }
        }
    }

    /// SIGTERM, then the exit status.
    func stop() async -> Int32 {
        (try? await offPool { self.stopBlocking() }) ?? -1
    }

    func stopBlocking() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: outURL)
        return process.terminationStatus
    }
}

/// Turns a shown example into one that runs here, fast.
struct ExampleSubstitution {
    let workspace: ExampleWorkspace
    let serverURL: String

    /// Scalar options set (last one wins) to shrink a run, when the command has them.
    static let shrink: [(option: String, value: String)] = [
        ("--limit", "2"), ("--max-tokens", "4"), ("--max-new-tokens", "4"), ("--new-tokens", "4"), ("--prompt-tokens", "8"),
        ("--batch", "2"), ("--seq", "16"), ("--steps", "1"), ("--warmup", "0"), ("--peak-gflops", "1"), ("--seconds", "0.05"),
        ("--repeats", "1"), ("--probe-limit", "2"), ("--chunks", "1"), ("--group-size", "2"), ("--prompts-per-step", "2"),
        ("--bootstrap", "20"),
    ]

    /// The leading words that name subcommands (`bench generate`).
    static func commandPath(of args: [String]) -> [String] {
        var type: any ParsableCommand.Type = R1Audit.self, path: [String] = []
        for word in args {
            guard let sub = type.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
            type = sub; path.append(word)
        }
        return path
    }

    /// The command the words name (`bench generate`), with its help text.
    static func command(of args: [String]) -> (type: any ParsableCommand.Type, help: String) {
        var type: any ParsableCommand.Type = R1Audit.self
        for word in args {
            guard let sub = type.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
            type = sub
        }
        return (type, R1Audit.helpMessage(for: type, columns: 10_000))
    }

    static func hasOption(_ option: String, help: String) -> Bool {
        help.range(of: "(^|[ \\[])\(option)[ <\\]/=]", options: .regularExpression) != nil
    }

    func apply(_ example: [String]) -> [String] {
        var args: [String] = []
        for (i, word) in example.enumerated() {
            let option = i > 0 ? example[i - 1] : ""
            switch word {
            case _ where option == "--model" && (word.hasSuffix(".gguf") || word == "PATH" || word == "…"): args.append(workspace.model)
            case _ where option == "--model-name" || option == "--judge-model": args.append("tiny")
            case _ where option == "--port": args.append("0")
            case _ where word.range(of: #"^https?://127\.0\.0\.1:[0-9]+/v1$"#, options: .regularExpression) != nil: args.append(serverURL)
            case "FILE": args.append(workspace.datasets.appendingPathComponent("gsm8k.jsonl").path)
            case "DIR": args.append("out-dir")
            case _ where word.hasPrefix("/tmp/"): args.append(String(word.dropFirst(5)))
            default: args.append(word)
            }
        }
        let help = Self.command(of: args).help
        if help.contains("Local model:"), !args.contains("--model"), !args.contains("--endpoint") { args += ["--model", workspace.model] }
        for (option, value) in Self.shrink where Self.hasOption(option, help: help) { args += [option, value] }
        return args
    }

    /// The same words with every existing relative file made absolute (for parsing inside the test process).
    func absolute(_ args: [String]) -> [String] {
        args.map { w in
            guard !w.hasPrefix("/"), !w.hasPrefix("-"), w.contains(".") else { return w }
            let url = workspace.cwd.appendingPathComponent(w)
            return FileManager.default.fileExists(atPath: url.path) ? url.standardizedFileURL.path : w
        }
    }
}

@Suite struct HelpExampleTests {
    static let shown: [ShownExample] = HelpExamples.fromHelp() + ((try? HelpExamples.fromREADME()) ?? [])
    static let examples = shown.filter { !$0.isReference }

    /// The extraction finds the examples (a regression that found none would pass every check below).
    @Test func examplesAreFound() throws {
        let help = HelpExamples.fromHelp().filter { !$0.isReference }, readme = try HelpExamples.fromREADME().filter { !$0.isReference }
        #expect(help.count >= 30, "only \(help.count) examples found in the help texts")
        #expect(readme.count >= 25, "only \(readme.count) examples found in README.md")
        let shown = Set((help + readme).map { $0.arguments.first ?? "" })
        for command in ["sample", "audit", "train", "export", "verify", "serve", "bench", "report", "compare"] {
            #expect(shown.contains(command), "no example of `r1audit \(command)` found")
        }
        #expect(HelpExamples.invocations(of: #"r1audit export trl|oat|verl --out DIR > x.txt"#)
                == ["trl", "oat", "verl"].map { ["export", $0, "--out", "DIR"] })
        #expect(HelpExamples.invocations(of: #"r1audit audit --run s && r1audit verify --gold '\frac{1}{2}' --answer "0.5""#)
                == [["audit", "--run", "s"], ["verify", "--gold", #"\frac{1}{2}"#, "--answer", "0.5"]])
    }

    /// The checker flags what it must: an unknown option, a missing argument, a failed validation.
    @Test(arguments: [["export", "--output", "x.jsonl"], ["bench", "verify"], ["sample", "--k", "0"]])
    func checkerFlagsUsageErrors(args: [String]) {
        #expect(throws: (any Error).self) { _ = try R1Audit.parseAsRoot(args) }
    }

    /// Every `r1audit …` code span in prose names a command that exists and only options that command has.
    @Test func everyReferenceNamesRealOptions() {
        let references = Self.shown.filter(\.isReference)
        #expect(references.count >= 5, "only \(references.count) references found")
        for reference in references {
            let help = ExampleSubstitution.command(of: reference.arguments).help
            let depth = ExampleSubstitution.commandPath(of: reference.arguments).count
            #expect(depth > 0, "\(reference): no such command")
            for word in reference.arguments.dropFirst(depth) where word.hasPrefix("--") {
                let option = String(word.prefix { $0 != "=" })
                #expect(ExampleSubstitution.hasOption(option, help: help), "\(reference): `\(option)` is not an option of that command")
            }
        }
    }

    /// Every shown example parses (with its input files present).
    @Test func everyExampleParses() throws {
        let workspace = try ExampleWorkspace()
        defer { workspace.remove() }
        let substitution = ExampleSubstitution(workspace: workspace, serverURL: "http://127.0.0.1:1/v1")
        for example in Self.examples {
            let args = substitution.absolute(substitution.apply(example.arguments))
            do { _ = try R1Audit.parseAsRoot(args) } catch {
                Issue.record("\(example)\n  as: \(args.joined(separator: " "))\n  → \(R1Audit.fullMessage(for: error))")
            }
        }
    }

    /// Every shown example runs through the binary, in order (so `audit --run qwen` precedes `report qwen`),
    /// against the tiny model and a tiny `r1audit serve`, without a usage error or a crash.
    @Test(.enabled(if: r1auditBinary != nil, "the r1audit binary is built next to the tests"))
    func everyExampleRuns() async throws {
        let workspace = try ExampleWorkspace()
        defer { workspace.remove() }
        let server = try await ServeProcess.start(["serve", "--model", workspace.model, "--port", "0", "--model-id", "tiny"], in: workspace.cwd)
        defer { _ = server.stopBlocking() }
        let url = try #require(server.url, "the tiny `r1audit serve` did not start")
        let substitution = ExampleSubstitution(workspace: workspace, serverURL: url)
        let environment = ["R1AUDIT_DATASETS": workspace.datasets.path]
        for example in Self.examples {
            let args = substitution.apply(example.arguments)
            let shown = "\(example)\n  as: r1audit \(args.joined(separator: " "))"
            if args.first == "serve" {
                let serve = try await ServeProcess.start(args, in: workspace.cwd)
                #expect(serve.url != nil, "\(shown)\n  never printed its URL")
                #expect(await serve.stop() == 0, "\(shown)\n  did not exit 0 on SIGTERM")
                continue
            }
            let r = try await BinaryRun.run(args, in: workspace.cwd, environment: environment)
            #expect(!r.usageError, "\(shown)\n  usage error: \(r.err.suffix(600))")
            #expect(!r.crashed && !r.hung && r.status <= 2, "\(shown)\n  status \(r.status)\(r.hung ? " (hung)" : ""): \(r.err.suffix(600))")
        }
    }

    /// A model path that fails to load (missing, not a GGUF, truncated) exits non-zero naming the file and
    /// leaves no run store behind, for every command that creates one.
    @Test(.enabled(if: r1auditBinary != nil, "the r1audit binary is built next to the tests"),
          arguments: ["sample", "audit", "explore", "train"], ["missing.gguf", "garbage.gguf", "truncated.gguf"])
    func failingModelLeavesNoStore(command: String, model: String) async throws {
        let dir = try TinyModelFactory.temporaryDirectory("badmodel")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("GGUF\u{3}\0\0\0 not really a model".utf8).write(to: dir.appendingPathComponent("garbage.gguf"))
        let config = TinyModelFactory.configuration()
        let tiny = try TinyModelFactory.writeGGUF(to: dir.appendingPathComponent("tiny.gguf"), configuration: config,
                                                  weights: TinyModelFactory.weights(config))
        try Data(try Data(contentsOf: tiny).prefix(4096)).write(to: dir.appendingPathComponent("truncated.gguf"))
        let r = try await BinaryRun.run([command, "--model", model, "--run", "bad", "--dataset", "builtin", "--limit", "1"], in: dir)
        #expect(r.status != 0, "\(command) --model \(model) exited 0")
        #expect(!r.usageError && !r.crashed, "\(command) --model \(model): \(r.err)")
        #expect(r.err.contains(model), "\(command) --model \(model): the message does not name the file: \(r.err)")
        let store = dir.appendingPathComponent("runs/bad/run.sqlite")
        #expect(!FileManager.default.fileExists(atPath: store.path), "\(command) --model \(model) left \(store.path) behind")
    }
}

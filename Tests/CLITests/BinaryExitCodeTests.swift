// Runs the built `r1audit` binary (when the build produced it next to the tests) to check the
// documented exit codes (0 ok, 1 runtime failure, 2 bad input) and `--json` output end to end.
import Foundation
import Testing

/// The r1audit executable in the build folder the tests run from, if built.
let r1auditBinary: URL? = {
    var candidates: [URL] = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
    if let arg0 = CommandLine.arguments.first { candidates.append(URL(fileURLWithPath: arg0).deletingLastPathComponent()) }
    for dir in candidates {
        let url = dir.appendingPathComponent("r1audit")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return nil
}()

/// Runs the binary; returns exit status, stdout and stderr.
func runR1Audit(_ args: [String], in directory: URL) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = r1auditBinary
    process.arguments = args
    process.currentDirectoryURL = directory
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

@Suite(.enabled(if: r1auditBinary != nil, "the r1audit binary is built next to the tests"))
struct BinaryExitCodeTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-bin-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    @Test func helpExitsZero() throws {
        let r = try runR1Audit(["--help"], in: dir)
        #expect(r.status == 0 && r.out.contains("USAGE: r1audit"))
        #expect(try runR1Audit(["sample", "--help"], in: dir).status == 0)
    }

    @Test func usageErrorsExitTwo() throws {
        let r = try runR1Audit(["sample", "--k", "0"], in: dir)
        #expect(r.status == 2 && r.err.contains("--k must be at least 1"))
        #expect(try runR1Audit(["export", "--no-such-flag"], in: dir).status == 2)
    }

    @Test func badInputExitsTwo() throws {
        let missing = try runR1Audit(["export", "--jsonl", "--run", "absent"], in: dir)
        #expect(missing.status == 2 && missing.err.contains("no such run store"))
        try Data("not a database, just text".utf8).write(to: dir.appendingPathComponent("bad.jsonl"))
        let bad = try runR1Audit(["sample", "--dataset", "bad.jsonl", "--endpoint", "http://127.0.0.1:9/v1",
                                  "--model-name", "x"], in: dir)
        #expect(bad.status == 2 && bad.err.contains("bad.jsonl:1"))
        let corruptRun = dir.appendingPathComponent("runs/corrupt")
        try FileManager.default.createDirectory(at: corruptRun, withIntermediateDirectories: true)
        try Data(repeating: 7, count: 2048).write(to: corruptRun.appendingPathComponent("run.sqlite"))
        let corrupt = try runR1Audit(["export", "--jsonl", "--run", "corrupt"], in: dir)
        #expect(corrupt.status == 2 && corrupt.err.contains("left untouched"))
    }
}

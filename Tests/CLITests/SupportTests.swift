// The shared CLI pieces: exit-code mapping, progress rendering (bar and plain lines), --json output.
import ArgumentParser
import Datasets
import Foundation
import Inference
import Prompts
import RunStore
import Testing
@testable import R1AuditCLI

/// Collects rendered progress text.
final class TextSink: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [String] = []
    func write(_ s: String) { lock.lock(); parts.append(s); lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return parts.joined() }
}

@Suite struct SupportTests {
    @Test func exitCodes() {
        #expect(CLIError.exitCode(for: CLIError.badInput("x")) == 2)
        #expect(CLIError.exitCode(for: CLIError.runtime("x")) == 1)
        #expect(CLIError.exitCode(for: DatasetError.emptyFile(path: "f")) == 2)
        #expect(CLIError.exitCode(for: PromptError.missingQuestionSlot(origin: "t")) == 2)
        #expect(CLIError.exitCode(for: RunStoreError.versionMismatch(path: "p", found: 2, expected: 1)) == 2)
        #expect(CLIError.exitCode(for: RunStoreError.database(path: "p", operation: "o", message: "disk full")) == 1)
        #expect(CLIError.exitCode(for: CancellationError()) == 130)
        #expect(CLIError.exitCode(for: URLError(.timedOut)) == 1)
    }

    @Test func plainLinesAreThrottledAndShowRateAndETA() {
        let sink = TextSink()
        let r = ProgressRenderer(mode: .lines(interval: 5), write: sink.write)
        let t0 = Date(timeIntervalSince1970: 1000)
        r.render(ProgressUpdate(phase: "sampling", completed: 0, total: 100), now: t0)
        r.render(ProgressUpdate(phase: "sampling", completed: 10, total: 100), now: t0.addingTimeInterval(1))
        r.render(ProgressUpdate(phase: "sampling", completed: 50, total: 100, detail: "210 tok/s"), now: t0.addingTimeInterval(10))
        r.render(ProgressUpdate(phase: "sampling", completed: 100, total: 100), now: t0.addingTimeInterval(11))
        let lines = sink.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == "sampling 0/100  0%")
        #expect(lines[1] == "sampling 50/100  50%  5.00/s  ETA 10s  210 tok/s")
        #expect(lines[2].hasPrefix("sampling 100/100  100%"))
    }

    @Test func barRedrawsInPlaceAndEndsWithNewline() {
        let sink = TextSink()
        let r = ProgressRenderer(mode: .bar, write: sink.write)
        let t0 = Date(timeIntervalSince1970: 1000)
        r.render(ProgressUpdate(phase: "judging", completed: 1, total: 4), now: t0)
        r.render(ProgressUpdate(phase: "judging", completed: 4, total: 4), now: t0.addingTimeInterval(2))
        let text = sink.text
        #expect(text.hasPrefix("\rjudging [######------------------] 1/4  25%"))
        #expect(text.contains("\rjudging [########################] 4/4  100%"))
        #expect(text.hasSuffix("\n"))
        let silent = TextSink()
        ProgressRenderer(mode: .silent, write: silent.write).render(ProgressUpdate(phase: "x", completed: 1, total: 2))
        #expect(silent.text.isEmpty)
    }

    @Test func durations() {
        #expect(ProgressRenderer.duration(45) == "45s")
        #expect(ProgressRenderer.duration(150) == "2m30s")
        #expect(ProgressRenderer.duration(3900) == "1h05m")
    }

    @Test func jsonOutputIsSortedAndStable() throws {
        struct Row: Codable { var b = 1; var a = "x/y" }
        #expect(try OutputOptions.jsonString(Row()) == "{\n  \"a\" : \"x/y\",\n  \"b\" : 1\n}")
    }

    @Test func runOptionsPointIntoTheRunsFolder() throws {
        var o = RunOptions()
        o.run = "smol"; o.runsDir = "/tmp/runs"
        #expect(o.storeURL.path == "/tmp/runs/smol/run.sqlite")
        o.run = "../x"
        #expect(throws: ValidationError.self) { try o.validate() }
    }
}

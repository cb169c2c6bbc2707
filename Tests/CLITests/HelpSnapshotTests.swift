// Snapshots of every command's --help (style guide: CLITests). A newcomer reads these; a change to
// any command's help shows up in review. Re-record with `RECORD_SNAPSHOTS=1 swift test --filter HelpSnapshot`.
import ArgumentParser
import Foundation
import Testing
@testable import R1AuditCLI

/// The folder holding the snapshots (found from this file's path, so any build folder works).
let snapshotFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

/// Every command reachable from the root, with its path of names (`r1audit bench generate`).
func allCommands() -> [(path: [String], type: any ParsableCommand.Type)] {
    var out: [(path: [String], type: any ParsableCommand.Type)] = []
    func walk(_ type: any ParsableCommand.Type, _ path: [String]) {
        out.append((path, type))
        for sub in type.configuration.subcommands {
            walk(sub, path + [sub._commandName])
        }
    }
    walk(R1Audit.self, ["r1audit"])
    return out
}

@Suite struct HelpSnapshotTests {
    static let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"

    @Test(arguments: allCommands().map { $0.path.joined(separator: " ") })
    func helpMatchesSnapshot(command: String) throws {
        guard let entry = allCommands().first(where: { $0.path.joined(separator: " ") == command }) else {
            Issue.record("command \(command) vanished"); return
        }
        let help = R1Audit.helpMessage(for: entry.type, columns: 100) + "\n"
        let file = snapshotFolder.appendingPathComponent(entry.path.joined(separator: "-") + ".txt")
        if Self.record {
            try FileManager.default.createDirectory(at: snapshotFolder, withIntermediateDirectories: true)
            try help.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let stored = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("no snapshot \(file.lastPathComponent); record with RECORD_SNAPSHOTS=1 swift test --filter HelpSnapshot")
            return
        }
        #expect(stored == help, "help of `\(command)` changed; review it, then re-record with RECORD_SNAPSHOTS=1")
    }

    @Test func everyCommandExplainsItself() {
        for (path, type) in allCommands() {
            let abstract = type.configuration.abstract
            #expect(!abstract.isEmpty, "`\(path.joined(separator: " "))` has no abstract")
        }
    }

    @Test func noStaleSnapshots() throws {
        guard !Self.record else { return }
        let expected = Set(allCommands().map { $0.path.joined(separator: "-") + ".txt" })
        let present = Set((try? FileManager.default.contentsOfDirectory(atPath: snapshotFolder.path)) ?? [])
            .filter { $0.hasSuffix(".txt") }
        #expect(present.subtracting(expected).isEmpty, "snapshots of removed commands: \(present.subtracting(expected).sorted())")
    }
}

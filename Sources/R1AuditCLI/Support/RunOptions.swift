// `--run NAME` and `--runs-dir`: which run store (runs/NAME/run.sqlite) a command reads or fills.
// Rerunning a command with the same name resumes it (docs/RUNSTORE.md).
import ArgumentParser
import Foundation
import RunStore

/// The run a command works on.
public struct RunOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("The run's name; its store is RUNS-DIR/NAME/run.sqlite. The same name again resumes the run.",
                                            valueName: "NAME"))
    public var run = "default"

    @Option(name: .long, help: ArgumentHelp("The folder holding every run.", valueName: "DIR"))
    public var runsDir = "runs"

    public init() {}

    public func validate() throws {
        if run.isEmpty || run.contains("/") || run == "." || run == ".." {
            throw ValidationError("--run must be a plain name such as `smollm2-audit` (got \"\(run)\").")
        }
    }

    /// The run's folder.
    public var runDirectory: URL { URL(fileURLWithPath: runsDir).appendingPathComponent(run) }

    /// The run's SQLite file.
    public var storeURL: URL { runDirectory.appendingPathComponent(RunDatabase.fileName) }

    /// Opens the run's store; with `create` false a missing store is an error (exit 2).
    public func open(create: Bool = true) throws -> RunDatabase {
        try RunDatabase(url: storeURL, create: create)
    }

    /// Opens the run's store for reading only (export, report): the file is never modified.
    public func openReadOnly() throws -> RunDatabase {
        try RunDatabase(url: storeURL, readOnly: true)
    }
}

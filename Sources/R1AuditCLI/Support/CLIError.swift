// Errors to exit codes, documented in docs/RUNSTORE.md ("Exit codes"): 0 ok, 1 runtime failure,
// 2 bad input or usage, 130 interrupted. swift-argument-parser's own usage errors (64 by default)
// are mapped to 2 here, in R1Audit's `main`, so every command follows one table.
import ArgumentParser
import Datasets
import Foundation
import Prompts
import RunStore
import Sampling

/// The exit codes of `r1audit`.
public enum ExitCodes {
    public static let ok: Int32 = 0
    /// The work failed (server unreachable after retries, disk error, a model that does not load…).
    public static let runtimeFailure: Int32 = 1
    /// The user's input is wrong (a flag, a dataset line, a template, a run store of another version…).
    public static let badInput: Int32 = 2
    /// Interrupted (SIGINT / cancellation); whatever was stored stays stored.
    public static let interrupted: Int32 = 130
}

/// Marks an error type as bad user input (exit 2). Library error types are tagged below; a command
/// file may tag its own module's error the same way: `extension GradingError: BadInputError {}`.
public protocol BadInputError: Error {
    /// Whether this particular error is the user's input (default: always).
    var isBadInput: Bool { get }
}

extension BadInputError {
    public var isBadInput: Bool { true }
}

/// Errors the CLI raises itself.
public enum CLIError: Error, Sendable, Equatable, LocalizedError, BadInputError {
    /// The user's input is wrong (exit 2).
    case badInput(String)
    /// The work failed (exit 1).
    case runtime(String)

    public var errorDescription: String? {
        switch self {
        case .badInput(let m), .runtime(let m): return m
        }
    }

    public var isBadInput: Bool {
        if case .badInput = self { return true }
        return false
    }

    /// The exit code of any error a command throws.
    public static func exitCode(for error: any Error) -> Int32 {
        if let e = error as? ExitCode { return e.rawValue }
        if error is CancellationError { return ExitCodes.interrupted }
        if let e = error as? any BadInputError { return e.isBadInput ? ExitCodes.badInput : ExitCodes.runtimeFailure }
        return ExitCodes.runtimeFailure
    }

    /// The one-line message printed for an error that is not swift-argument-parser's own.
    public static func message(for error: any Error) -> String {
        if error is CancellationError { return "interrupted; everything received so far is stored (rerun the same command to resume)" }
        return (error as? LocalizedError)?.errorDescription ?? String(describing: error)
    }
}

extension DatasetError: BadInputError {}
extension PromptError: BadInputError {}
extension SamplingError: BadInputError {}
extension RunStoreError: BadInputError {
    /// A refused store (corrupt, foreign, other version, missing) is input; an SQLite I/O error is not.
    public var isBadInput: Bool {
        switch self {
        case .corrupt, .foreignDatabase, .versionMismatch, .missing: return true
        case .database, .badStoredValue: return false
        }
    }
}

extension R1Audit {
    /// The entry point `main.swift` reaches (`await R1Audit.main()`). Top-level code there resolves
    /// to the synchronous `ParsableCommand.main()`, which refuses async root commands on Linux
    /// ("needs availability annotation"); this concrete overload shadows it, runs the command on a
    /// task and parks the main thread in `dispatchMain()` (so main-actor work still runs).
    public static func main() {
        Task { await runWithExitCodes(nil) }
        dispatchMain()
    }

    /// The same when the async overload is chosen (e.g. `@main`).
    public static func main() async {
        await runWithExitCodes(nil)
    }

    /// Parses and runs a command with r1audit's exit codes (see `ExitCodes`); never returns.
    /// - Parameter arguments: nil for the process arguments.
    public static func runWithExitCodes(_ arguments: [String]?) async -> Never {
        let command: any ParsableCommand
        do { command = try parseAsRoot(arguments) } catch { exitForParserError(error) }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
        } catch {
            // `--help` parses to ArgumentParser's HelpCommand, whose run() throws its own error type.
            if error is ExitCode || error is CleanExit || error is ValidationError
                || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
                exitForParserError(error)
            }
            let message = "error: " + CLIError.message(for: error) + "\n"
            FileHandle.standardError.write(Data(message.utf8))
            Foundation.exit(CLIError.exitCode(for: error))
        }
        Foundation.exit(ExitCodes.ok)
    }

    /// swift-argument-parser's own errors: help and version exit 0, usage errors exit 2 (not 64).
    private static func exitForParserError(_ error: any Error) -> Never {
        let code = exitCode(for: error)
        if code == .validationFailure {
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(ExitCodes.badInput)
        }
        if let e = error as? any BadInputError, !(error is ValidationError) {
            FileHandle.standardError.write(Data(("error: " + CLIError.message(for: error) + "\n").utf8))
            Foundation.exit(e.isBadInput ? ExitCodes.badInput : ExitCodes.runtimeFailure)
        }
        exit(withError: error)
    }
}

// `r1audit compare RUN1 RUN2 …`: several runs or models side by side in one report (the paper's
// figures compare models; GRPO vs Dr. GRPO training runs overlay their curves). Thin command.
import ArgumentParser
import Foundation
import Analyses
import Reports
import RunStore

/// Writes one report comparing several runs.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Put several runs (models, templates, GRPO vs Dr. GRPO) side by side in one report.",
        discussion: """
        Each RUN is a run name under --runs-dir (or a path to a run folder or run.sqlite). Matching \
        sections are merged: bar and line charts get one series per run, tables a leading "run" \
        column, confusion matrices stay one per run. Writes report.md and report.html into --output.

        Refuses runs measured with different k, n, template, max tokens or grader (read from their \
        stored results) unless --allow-mismatch is given; then the report opens with a warning listing \
        the differences. Each overlaid chart is titled with every run's settings; model-vs-model deltas \
        are paired bootstrap differences over the questions both runs hold.

        Examples:
          r1audit compare smollm2 qwen-coder --output runs/compare-models
          r1audit compare grpo drgrpo --output runs/grpo-vs-drgrpo --json
        """)

    @Argument(help: ArgumentHelp("Two or more run names (or run folders / run.sqlite paths).", valueName: "RUN"))
    var runs: [String] = []

    @Option(name: .long, help: ArgumentHelp("The folder holding every run.", valueName: "DIR"))
    var runsDir = "runs"

    @Option(name: .long, help: ArgumentHelp("Folder to write report.md and report.html into (default: RUNS-DIR/compare-RUN1-vs-RUN2…).", valueName: "DIR"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Folder holding report.md.mustache / report.html.mustache (default: ./reports, else built-in).", valueName: "DIR"))
    var templates: String?

    @Option(name: .long, help: ArgumentHelp("Example responses shown per category per run.", valueName: "N"))
    var samples = 2

    @Flag(name: .long, help: "Compare runs whose k, n, template, max tokens or grader differ, with a warning in the report and on stderr.")
    var allowMismatch = false

    @OptionGroup var format: OutputOptions

    func validate() throws {
        if runs.count < 2 { throw ValidationError("give at least two runs to compare (got \(runs.count)).") }
        if Set(runs).count != runs.count { throw ValidationError("each run may be given once (got \(runs.joined(separator: " "))).") }
        var isDirectory: ObjCBool = false
        if let templates, !(FileManager.default.fileExists(atPath: templates, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw ValidationError("--templates \(templates) is not a folder; it should hold report.md.mustache and/or report.html.mustache.")
        }
        if samples < 0 || samples > 100 { throw ValidationError("--samples must be between 0 and 100 (got \(samples)).") }
    }

    /// The store of a run given by name or path, and the name shown for it.
    func store(_ run: String) -> (name: String, url: URL) {
        if run.hasSuffix(".sqlite") {
            let url = URL(fileURLWithPath: run)
            return (url.deletingLastPathComponent().lastPathComponent, url)
        }
        if run.contains("/") {
            let url = URL(fileURLWithPath: run)
            return (url.lastPathComponent, url.appendingPathComponent(RunDatabase.fileName))
        }
        return (run, URL(fileURLWithPath: runsDir).appendingPathComponent(run).appendingPathComponent(RunDatabase.fileName))
    }

    func run() async throws {
        var reports: [(run: String, document: ReportDocument)] = [], settings: [RunSettings] = []
        var explorations: [(run: String, exploration: ExplorationResult)] = []
        for arg in runs {
            let (name, url) = store(arg)
            let database = try RunDatabase(url: url, readOnly: true)
            settings.append(ComparisonChecks.settings(run: name, database: database))
            if let e = try? ExplorationResult.loadAll(from: database).first { explorations.append((name, e)) }
            reports.append((name, try ReportBuilder.build(database: database, runName: name, samplesPerCategory: samples)))
        }
        let mismatches = ComparisonChecks.mismatches(settings)
        if !mismatches.isEmpty && !allowMismatch {
            throw CLIError.badInput("these runs were measured differently, so their charts would not compare like with like:\n  "
                                  + mismatches.joined(separator: "\n  ")
                                  + "\nRe-run them with the same settings, or pass --allow-mismatch to compare anyway with a warning.")
        }
        var document = ReportComparison.merge(reports, settings: Dictionary(settings.map { ($0.run, $0.summary) }, uniquingKeysWith: { a, _ in a }))
        if explorations.count == runs.count, let paired = ComparisonChecks.pairedDifferences(explorations) {
            document.sections.insert(paired, at: 0)
        }
        if !mismatches.isEmpty {
            document.sections.insert(ComparisonChecks.warningSection(mismatches, settings: settings), at: 0)
            FileHandle.standardError.write(Data(("WARNING: compared runs differ: " + mismatches.joined(separator: "; ") + "\n").utf8))
        }
        let directory = URL(fileURLWithPath: output ?? (runsDir + "/compare-" + reports.map(\.run).joined(separator: "-vs-")))
        let files = try ReportFiles.write(document, to: directory, templates: ReportTemplates.load(directory: templates))
        try format.emit(files) {
            "compared \(reports.map(\.run).joined(separator: ", "))\nwrote \(files.markdown)\nwrote \(files.html)\n\(files.charts) charts"
        }
    }
}

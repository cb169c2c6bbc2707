// `r1audit report RUN`: reads a run's stored analyses and training metrics and writes report.md and a
// self-contained report.html next to its store (docs/REPORTS.md). Thin command (style rule 4).
import ArgumentParser
import Foundation
import Reports
import RunStore

extension ReportError: BadInputError {
    /// Template and stored-metric problems are input; failing to write a file is not.
    public var isBadInput: Bool {
        switch self {
        case .templateParse, .templateUnreadable, .metricDecoding, .storeUnreadable, .invalidChart: return true
        case .writeFailed: return false
        }
    }
}

/// Writes the Markdown and HTML report of one run.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write report.md and report.html (charts, captions, sample responses) for a run.",
        discussion: """
        Reads what `r1audit audit` (and the other analysis and training commands) stored in \
        RUNS-DIR/RUN/run.sqlite and writes RUNS-DIR/RUN/report.md and RUNS-DIR/RUN/report.html. \
        The HTML is one self-contained file (inline CSS and SVG charts, no network fetches) that \
        opens offline and prints. Sections whose analysis has not run say "no data".

        Templates: report.md.mustache and report.html.mustache from --templates, else ./reports, \
        else the built-in copies. Edit a copy to restyle the report.

        Examples:
          r1audit report default
          r1audit report smollm2-audit --runs-dir runs --json
        """)

    @Argument(help: ArgumentHelp("The run's name (as given to `r1audit audit --run`). Default: --run, i.e. `default`.", valueName: "RUN"))
    var runName: String?

    @OptionGroup var runOptions: RunOptions

    @Option(name: .long, help: ArgumentHelp("Folder holding report.md.mustache / report.html.mustache (default: ./reports, else built-in).", valueName: "DIR"))
    var templates: String?

    @Option(name: .long, help: ArgumentHelp("Write the report here instead of the run's folder.", valueName: "DIR"))
    var outputDir: String?

    @Option(name: .long, help: ArgumentHelp("Example responses shown per category in the sample browser.", valueName: "N"))
    var samples = 3

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let runName, runName.isEmpty || runName.contains("/") || runName == "." || runName == ".." {
            throw ValidationError("RUN must be a plain run name such as `default` (got \"\(runName)\"); use --runs-dir for the folder.")
        }
        var isDirectory: ObjCBool = false
        if let templates, !(FileManager.default.fileExists(atPath: templates, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw ValidationError("--templates \(templates) is not a folder; it should hold report.md.mustache and/or report.html.mustache.")
        }
        if samples < 0 || samples > 100 { throw ValidationError("--samples must be between 0 and 100 (got \(samples)).") }
    }

    func run() async throws {
        var options = runOptions
        if let runName { options.run = runName }
        let database = try options.openReadOnly()
        let document = try ReportBuilder.build(database: database, runName: options.run, samplesPerCategory: samples)
        let directory = outputDir.map { URL(fileURLWithPath: $0) } ?? options.runDirectory
        let files = try ReportFiles.write(document, to: directory, templates: ReportTemplates.load(directory: templates))
        try output.emit(files) {
            "wrote \(files.markdown)\nwrote \(files.html)\n\(files.sectionsWithData) of \(files.sections) sections have data, \(files.charts) charts"
        }
    }
}

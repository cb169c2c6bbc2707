// `r1audit bench sgemm`: the OpenBLAS sgemm ceiling on this machine's threads, the denominator of every
// "fraction of the sgemm peak" in docs/BENCHMARKS.md.
import ArgumentParser
import Tensors

/// `r1audit bench sgemm [--threads 2] [--repeats 3] [--json]`
struct BenchSgemmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sgemm",
        abstract: "Measure OpenBLAS sgemm GFLOP/s: the fp32 ceiling the engine and learner figures are compared to.",
        discussion: """
        Times C = A · Bᵀ (fp32, row-major, the Linear-layer product) at square 512/1024/2048 and at \
        SmolLM2-135M's Linear shapes with 512 rows, keeping the best of --repeats runs after one warm-up. \
        The peak is the largest of them.
        Example: r1audit bench sgemm --threads 2
        """)

    @Option(help: "Worker threads (each product split over them; OpenBLAS itself runs single-threaded).")
    var threads = 2
    @Option(help: "Timed repeats per shape (the fastest is kept).")
    var repeats = 3
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard threads >= 1, repeats >= 1 else { throw ValidationError("--threads and --repeats must be ≥ 1.") }
    }

    struct Report: Encodable {
        var threads: Int
        var peakGFLOPS: Double
        var shapes: [SgemmMeasurement]
    }

    func run() async throws {
        let shapes = try SgemmBenchmark.run(repeats: repeats, threads: threads)
        let report = Report(threads: threads, peakGFLOPS: SgemmBenchmark.peak(shapes), shapes: shapes)
        try output.emit(report) {
            let lines = shapes.map { s in
                "  \(s.m) × \(s.n) × \(s.k)".padding(toLength: 24, withPad: " ", startingAt: 0)
                    + String(format: "%8.1f GFLOP/s  (%.2f ms)", s.gflops, s.seconds * 1000)
            }
            return (["sgemm (OpenBLAS fp32, C = A·Bᵀ), \(threads) threads, best of \(repeats):"] + lines
                    + [String(format: "peak %.1f GFLOP/s", report.peakGFLOPS)]).joined(separator: "\n")
        }
    }
}

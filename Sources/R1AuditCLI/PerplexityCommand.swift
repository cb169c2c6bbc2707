// `r1audit perplexity`: llama-perplexity's protocol (second half of each ctx-token chunk scored) on the
// local engine, so its figure compares directly with llama.cpp's on the same text.
import ArgumentParser
import Engine
import Foundation

/// Perplexity of a text file under a local model.
struct PerplexityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplexity",
        abstract: "Perplexity of a text file, by llama.cpp's llama-perplexity protocol.",
        discussion: """
        The text is tokenized whole (with BOS when the model's vocabulary adds one), cut into ⌊tokens / ctx⌋ \
        chunks, and the second half of each chunk is scored. Prints {"ppl": …} (with --json, also chunk and \
        token counts). Compare with: llama-perplexity -m MODEL -f FILE -c 512 -t 2.
        Example: r1audit perplexity --model ~/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf --file wiki.txt --ctx 512
        """)

    @OptionGroup var backend: BackendOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Plain-text file to score.", valueName: "file"))
    var file: String

    @Option(help: "Tokens per chunk (llama-perplexity's -c).")
    var ctx = 512

    @Option(help: "Score at most this many chunks (0: all).")
    var chunks = 0

    func validate() throws {
        guard ctx >= 4 else { throw ValidationError("--ctx must be at least 4 (got \(ctx)).") }
        guard chunks >= 0 else { throw ValidationError("--chunks must be ≥ 0 (got \(chunks)).") }
        guard backend.endpoint.isEmpty else { throw ValidationError("perplexity needs the local engine: use --model, not --endpoint.") }
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("--file \(file): no such file.") }
    }

    func run() async throws {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw CLIError.badInput("\(file): cannot read as UTF-8 (\(error.localizedDescription))")
        }
        let renderer = ProgressRenderer()
        let engine = try backend.loadLocal(progress: renderer.handler)
        var tokens = try engine.encode(text, addSpecialTokens: true)
        if chunks > 0 { tokens = Array(tokens.prefix(chunks * ctx)) }
        let result = try PerplexityEvaluator.evaluate(backend: engine, tokens: tokens, context: ctx,
                                                      bos: engine.addsBOS ? engine.bosTokenID : nil,
                                                      progress: renderer.handler)
        renderer.finish()
        if output.json {
            print(try OutputOptions.jsonString(result))
        } else {
            print("{\"ppl\": \(result.ppl)}")
        }
    }
}

// Parity with llama.cpp on the real SmolLM2-135M (gated on the cached model and the committed golden,
// fixtures/goldens/engine/smollm2-llamacpp.json from scripts/goldens/engine-llamacpp.py): greedy
// continuations of the same prompt token ids, and perplexity by llama-perplexity's protocol within 2%.
import Testing
import Foundation
import Inference
@testable import Engine

private let modelPath = FileManager.default.homeDirectoryForCurrentUser.path
    + "/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf"
private let goldenURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures/goldens/engine/smollm2-llamacpp.json")
/// `../shared/datasets` beside the repository (where CI and the developers' machines keep it).
private let datasetPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/datasets/math500.jsonl").path
/// Debug builds take over 10 minutes for this suite (the integration tier runs with -c release);
/// R1AUDIT_SLOW_TESTS=1 runs it in debug anyway.
private let optimized: Bool = {
    #if DEBUG
    return ProcessInfo.processInfo.environment["R1AUDIT_SLOW_TESTS"] != nil
    #else
    return true
    #endif
}()
private let available = optimized && FileManager.default.fileExists(atPath: modelPath)
    && FileManager.default.fileExists(atPath: goldenURL.path)

struct LlamaCppGolden: Decodable {
    struct Case: Decodable { var id: String; var prompt_tokens: [Int]; var completion_tokens: [Int] }
    struct Greedy: Decodable { var new_tokens: Int; var cases: [Case] }
    struct PPL: Decodable { var ctx: Int; var chunks: Int; var ppl: Double }
    var greedy: Greedy
    var perplexity: PPL
}

@Suite(.enabled(if: available, "needs a release build (or R1AUDIT_SLOW_TESTS=1), ~/.cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf and the llama.cpp golden"),
       .serialized)
struct SmolLM2ParityTests {
    static let backend: LocalBackend? = try? LocalBackend.load(path: modelPath)
    static let golden: LlamaCppGolden? = (try? Data(contentsOf: goldenURL)).flatMap { try? JSONDecoder().decode(LlamaCppGolden.self, from: $0) }

    /// Greedy continuations of llama.cpp's prompt ids match llama.cpp's token for token in most prompts.
    /// llama.cpp multiplies Q4_1 weights with Q8-quantised activations while we run Q8_0 weights (the
    /// default) with Q8_0 activations for decode and fp32 sgemm for prefill, so near-ties (often EOS
    /// against a newline) flip; measured 2026-11-25: 14/24 identical over 32 tokens and 14/24 on the first
    /// 8 with q8 weights, 14/24 and 15/24 with fp32; 2026-12-06 with the AVX-512 VNNI q8 kernel 13/24 and
    /// 14/24 (docs/BENCHMARKS.md, "Local engine"). The thresholds
    /// leave room for BLAS rounding.
    @Test func greedyContinuationsMatchLlamaCpp() throws {
        let backend = try #require(Self.backend), golden = try #require(Self.golden)
        let cases = golden.greedy.cases
        let ours = try backend.greedyContinuations(cases.map(\.prompt_tokens), maxTokens: golden.greedy.new_tokens)
        var exact = 0, firstEight = 0
        for (c, o) in zip(cases, ours) {
            if o == c.completion_tokens { exact += 1 }
            if Array(o.prefix(8)) == Array(c.completion_tokens.prefix(8)) { firstEight += 1 }
        }
        let rate = Double(exact) / Double(cases.count), early = Double(firstEight) / Double(cases.count)
        // The figure docs/BENCHMARKS.md reports, printed so a test run shows it.
        print("SmolLM2 greedy parity with llama.cpp (\(backend.model.weightFormat)): \(exact)/\(cases.count) identical over \(golden.greedy.new_tokens) tokens, \(firstEight)/\(cases.count) on the first 8")
        #expect(early >= 0.5, "first-8-token match \(firstEight)/\(cases.count), full match \(exact)/\(cases.count)")
        #expect(rate >= 0.4, "full 32-token match \(exact)/\(cases.count)")
    }

    @Test func perplexityWithinTwoPercentOfLlamaCpp() throws {
        let backend = try #require(Self.backend), golden = try #require(Self.golden)
        let text = try String(contentsOfFile: datasetPath, encoding: .utf8).split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .compactMap { $0["problem"] as? String }.joined(separator: "\n\n")
        let tokens = try backend.encode(text, addSpecialTokens: true)
        let p = golden.perplexity
        let result = try PerplexityEvaluator.evaluate(backend: backend, tokens: Array(tokens.prefix(p.chunks * p.ctx)),
                                                      context: p.ctx, bos: backend.addsBOS ? backend.bosTokenID : nil)
        #expect(abs(result.ppl / p.ppl - 1) < 0.02, "ours \(result.ppl) vs llama.cpp \(p.ppl)")
    }
}

// Mixed precision in the learner: bf16 log-probs and gradients stay close to fp32 on the tiny decoders
// (the RL ratio exp(logp_bf16 − logp_fp32) within a stated tolerance), the bf16 weight copy follows every
// change of the fp32 master weights, the default follows the CPU flags, and the settings encode fp32 as
// before the option existed. The SmolLM2 figures (gated on the GGUF) are the ones docs/BENCHMARKS.md gives.

import Engine
import Foundation
import Inference
import Models
import Testing
@testable import Training

/// Largest per-token |logp_a − logp_b| and |exp(logp_a − logp_b) − 1| (the PPO ratio's distance from 1).
func logProbDrift(_ a: [[Double]], _ b: [[Double]]) -> (maxAbs: Double, meanAbs: Double, maxRatio: Double) {
    let d = zip(a.joined(), b.joined()).map { $0 - $1 }
    let absd = d.map(abs)
    return (absd.max() ?? 0, absd.reduce(0, +) / Double(max(d.count, 1)), d.map { abs(Foundation.exp($0) - 1) }.max() ?? 0)
}

@Suite struct PrecisionTests {
    static func model(_ cfg: DecoderConfiguration) throws -> PolicyModel {
        try PolicyModel.random(configuration: cfg, seed: 7, scale: 0.35)
    }

    @Test(arguments: [TinyDecoders.llama, TinyDecoders.qwen2])
    func bf16LogProbsAndGradientsStayCloseToFP32(_ cfg: DecoderConfiguration) throws {
        let m = try Self.model(cfg), batch = TinyDecoders.batch(vocab: cfg.vocabSize)
        var results: [LearnerPrecision: (ScoredOutput, ParameterSet)] = [:]
        for p in LearnerPrecision.allCases {
            let ws = DecoderWorkspace(precision: p)
            let out = try m.forward(batch, workspace: ws)
            var g = ParameterSet(zerosLike: m.parameters)
            try m.backward(dLogProbs: out.logProbs.map { $0.map { _ in -1 } }, workspace: ws, gradients: &g)
            results[p] = (out, g)
        }
        let (f, gf) = try #require(results[.fp32]), (b, gb) = try #require(results[.bf16])
        let drift = logProbDrift(b.logProbs, f.logProbs)
        #expect(drift.maxAbs > 0, "bf16 gave fp32's log-probs exactly: the rounding is not applied")
        #expect(drift.maxAbs < 0.03 && drift.maxRatio < 0.03, "\(drift)")
        let dot = zip(gf.values, gb.values).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let nf = gf.values.reduce(0.0) { $0 + Double($1 * $1) }.squareRoot(), nb = gb.values.reduce(0.0) { $0 + Double($1 * $1) }.squareRoot()
        #expect(dot / (nf * nb) > 0.999, "gradient cosine \(dot / (nf * nb))")
    }

    @Test func theBF16CopyFollowsTheMasterWeights() throws {
        var m = try Self.model(TinyDecoders.llama)
        let batch = TinyDecoders.batch(vocab: TinyDecoders.llama.vocabSize)
        let reused = DecoderWorkspace(precision: .bf16)
        let before = try m.forward(batch, workspace: reused).logProbs
        for i in m.parameters.values.indices { m.parameters.values[i] *= 1.5 }
        let after = try m.forward(batch, workspace: reused).logProbs
        let fresh = try m.forward(batch, workspace: DecoderWorkspace(precision: .bf16)).logProbs
        #expect(after == fresh)
        #expect(after != before)
    }

    @Test(arguments: [(["avx2", "fma"], LearnerPrecision.fp32), (["avx512f", "avx512_vnni"], .fp32),
                      (["avx512f", "avx512_bf16"], .bf16), ([], .fp32)])
    func theDefaultFollowsTheCPU(_ c: ([String], LearnerPrecision)) {
        #expect(LearnerPrecision.automatic(cpuFlags: Set(c.0)) == c.1)
    }

    @Test func fp32SettingsEncodeAsBeforeAndBF16RoundTrips() throws {
        let fp32 = LearnerConfiguration(objective: PolicyObjective(preset: .drGRPO, maxNewTokens: 4))
        let text = String(decoding: try JSONEncoder().encode(fp32), as: UTF8.self)
        #expect(!text.contains("precision"))
        #expect(try JSONDecoder().decode(LearnerConfiguration.self, from: Data(text.utf8)) == fp32)
        var bf16 = fp32
        bf16.precision = .bf16
        let again = try JSONDecoder().decode(LearnerConfiguration.self, from: JSONEncoder().encode(bf16))
        #expect(again == bf16 && again.precision == .bf16)
    }
}

/// SmolLM2-135M's real weights on engine-sampled completions (temperature 1, as RL rollouts): the bf16
/// learner's log-probs against the fp32 learner's. Prints the figures (docs/BENCHMARKS.md) and bounds them.
@Suite(.enabled(if: RealModels.hasSmolLM2, "needs scripts/fetch-models"))
struct RealPrecisionTests {
    @Test func smolLM2LogProbDrift() async throws {
        let policy = try PolicyModel.load(path: RealModels.smolLM2)
        let backend = try LocalBackend.load(path: RealModels.smolLM2, threads: 2, weightFormat: .fp32)
        let prompts = ["Question: Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did she sell altogether? Answer:",
                       "Solve step by step: what is 17 times 23?",
                       "The capital of France is"]
        let requests = prompts.enumerated().flatMap { i, p in (0..<2).map { g in
            CompletionRequest(prompt: .text(p), parameters: SamplingParameters(temperature: 1, maxTokens: 48, seed: UInt64(10 * i + g)))
        } }
        let completions = try await backend.completeAll(requests)
        let batch = try completions.map { c in
            let prompt = try #require(c.promptTokenIDs), completion = try #require(c.completionTokenIDs)
            return ScoredSequence(tokens: prompt + completion, scoredFrom: prompt.count)
        }.filter { $0.scoredFrom < $0.tokens.count }
        let fp32 = try policy.forward(batch, workspace: DecoderWorkspace(precision: .fp32)).logProbs
        let bf16 = try policy.forward(batch, workspace: DecoderWorkspace(precision: .bf16)).logProbs
        let d = logProbDrift(bf16, fp32)
        let tokens = fp32.joined().count
        FileHandle.standardError.write(Data(String(format: "smolLM2 bf16 vs fp32 over %d tokens: max |Δlogp| %.4f, mean %.4f, max |exp(Δ)−1| %.4f\n",
                                                   tokens, d.maxAbs, d.meanAbs, d.maxRatio).utf8))
        #expect(tokens > 100)
        #expect(d.maxAbs > 0 && d.maxAbs < 0.5 && d.meanAbs < 0.05, "\(d)")
    }
}

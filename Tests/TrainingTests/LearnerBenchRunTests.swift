// `r1audit bench train` through the test bundle, for machines where only the Training module is built:
// prints the LearnerBenchmark result as JSON (same code, same random batch) for the given shape, with
// and without gradient checkpointing. Gated on R1AUDIT_BENCH_TRAIN=BATCHxSEQ (never part of CI).

import Foundation
import Models
import Testing
@testable import Training

@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["R1AUDIT_BENCH_TRAIN"] != nil && RealModels.hasSmolLM2,
                "set R1AUDIT_BENCH_TRAIN=8x256 (needs the SmolLM2 GGUF)"))
struct LearnerBenchRunTests {
    @Test(arguments: [false, true])
    func smolLM2(gradientCheckpointing: Bool) throws {
        let shape = (ProcessInfo.processInfo.environment["R1AUDIT_BENCH_TRAIN"] ?? "8x256").split(separator: "x").compactMap { Int($0) }
        let steps = Int(ProcessInfo.processInfo.environment["R1AUDIT_BENCH_STEPS"] ?? "1") ?? 1
        let policy = try PolicyModel.load(path: RealModels.smolLM2)
        let r = try LearnerBenchmark.run(model: policy, batch: shape.first ?? 8, sequenceLength: shape.last ?? 256, steps: steps,
                                         warmup: 1, gradientCheckpointing: gradientCheckpointing, threads: 2)
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        FileHandle.standardError.write(Data("bench-train \(String(decoding: try enc.encode(r), as: UTF8.self))\n".utf8))
        #expect(r.tokensPerSecond > 0)
    }
}

// The real-model length-bias run (scripts/experiment-length-bias --from-tests) without the CLI binary:
// the same `TrainingSession` path and settings as `r1audit train`, both objectives at once in one
// process so they share the machine's load, stopped together after R1AUDIT_REAL_RUN_SECONDS. Each
// finished step is in RUNS/length-bias-OBJ/run.sqlite, which `r1audit compare` and the script's
// --report read. Gated on R1AUDIT_REAL_RUN (never part of CI).

import Foundation
import Inference
import Testing
import Training
import TrainingRuns

enum RealModels {
    static let smolLM2 = FileManager.default.homeDirectoryForCurrentUser
        .appendingPathComponent(".cache/r1audit/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
}

@Suite(.enabled(if: ProcessInfo.processInfo.environment["R1AUDIT_REAL_RUN"] != nil, "set R1AUDIT_REAL_RUN"))
struct RealLengthBiasRunTests {
    static let env = ProcessInfo.processInfo.environment
    static func value(_ key: String, _ fallback: String) -> String { env[key].flatMap { $0.isEmpty ? nil : $0 } ?? fallback }

    /// What `r1audit train --objective OBJ --steps S --prompts-per-step P --group-size G --max-new-tokens B
    /// --learning-rate LR --seed SEED --checkpoint-every 5` builds (TrainCommand.trainerConfiguration defaults).
    static func configuration(_ preset: ObjectivePreset, stop: [String]) -> TrainerConfiguration {
        let budget = Int(value("BUDGET", "128")) ?? 128
        var obj = PolicyObjective(preset: preset, maxNewTokens: budget, epsilon: 1e-6)
        obj.clipLow = 0.2; obj.clipHigh = 0.2; obj.klCoefficient = 0
        return TrainerConfiguration(
            steps: Int(value("STEPS", "40")) ?? 40, promptsPerStep: Int(value("PROMPTS", "2")) ?? 2,
            groupSize: Int(value("GROUP", "8")) ?? 8,
            sampling: SamplingParameters(temperature: 1.0, topP: 1.0, maxTokens: budget, stop: stop),
            learner: LearnerConfiguration(objective: obj, ppoEpochs: 1, miniBatches: 1, microBatchSize: 8),
            optimizer: AdamWConfiguration(learningRate: Double(value("LR", "2e-5")) ?? 2e-5, weightDecay: 0, maxGradNorm: 1),
            seed: UInt64(value("SEED", "7")) ?? 7, evalEvery: 0, checkpointEvery: Int(value("CKPT", "5")) ?? 5)
    }

    @Test func grpoAndDrGRPOSideBySide() async throws {
        let model = Self.value("MODEL", RealModels.smolLM2)
        let dataset = Self.value("DATASET", "../shared/datasets/asdiv.jsonl")
        let runs = URL(fileURLWithPath: Self.value("RUNS", "runs"))
        let template = Self.value("TEMPLATE", "qwen-math")
        let limit = Double(Self.value("R1AUDIT_REAL_RUN_SECONDS", "2400")) ?? 2400
        let stop = try TrainingSession.stopStrings(template: template)
        let log = FileHandle.standardError
        let outcomes = await withTaskGroup(of: String.self) { group -> [String] in
            for (name, preset) in [("grpo", ObjectivePreset.grpo), ("dr-grpo", .drGRPO)] {
                group.addTask {
                    let setup = TrainingSetup(model: model, dataset: dataset, template: template, threads: 1,
                                              runDirectory: runs.appendingPathComponent("length-bias-\(name)"), keepCheckpoints: 1)
                    do {
                        let s = try await TrainingSession.run(setup, configuration: Self.configuration(preset, stop: stop), resume: true,
                                                              onStep: { m in log.write(Data("[\(name)] step \(m.step) \(m.summary)\n".utf8)) })
                        return "\(name): steps \(s.startStep + 1)–\(s.finalStep)"
                    } catch is CancellationError {
                        return "\(name): stopped at the time limit"
                    } catch {
                        return "\(name): \(error.localizedDescription)"
                    }
                }
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(limit * 1e9))
                return "timer"
            }
            var out: [String] = []
            for await r in group {
                if r == "timer" { group.cancelAll(); continue }
                out.append(r)
                log.write(Data("\(r)\n".utf8))
                if out.count == 2 { group.cancelAll() }
            }
            return out
        }
        #expect(outcomes.count == 2)
        #expect(!outcomes.contains { !$0.contains("steps") && !$0.contains("stopped") }, "\(outcomes)")
    }
}

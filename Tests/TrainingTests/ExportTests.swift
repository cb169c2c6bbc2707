// The GPU-framework exports carry the objective's two switches to each framework's knob names.

import Foundation
import Testing
@testable import Training
import Grading

@Suite struct ExportTests {
    static let prompts = [TrainingPrompt(id: "q1", text: "What is 1+1? Put the answer in \\boxed{}.", golds: ["2"])]
    static func settings(_ preset: ObjectivePreset) -> ExportSettings {
        ExportSettings(model: "Qwen/Qwen2.5-Math-1.5B", objective: PolicyObjective(preset: preset, maxNewTokens: 3000),
                       groupSize: 8, promptsPerStep: 128, maxNewTokens: 3000, temperature: 1, learningRate: 1e-6,
                       ppoEpochs: 1, steps: 10, seed: 1, template: "qwen-math", policy: .paperParity(format: .boxed))
    }

    @Test func drGRPOMapsToEachFramework() throws {
        let trl = try TrainingExport.files(for: .trl, settings: Self.settings(.drGRPO), prompts: Self.prompts)
        #expect(trl["train_trl.py"]?.contains("loss_type=\"dr_grpo\"") == true)
        #expect(trl["train_trl.py"]?.contains("scale_rewards=\"none\"") == true)
        // Runs on a CPU-only machine as exported: bf16 and vLLM only when CUDA has them.
        #expect(trl["train_trl.py"]?.contains("bf16=True") == false)
        #expect(trl["train_trl.py"]?.contains("bf16 = cuda and torch.cuda.is_bf16_supported()") == true)
        #expect(trl["train_trl.py"]?.contains("use_cpu=not cuda") == true)
        let oat = try TrainingExport.files(for: .oat, settings: Self.settings(.drGRPO), prompts: Self.prompts)
        #expect(oat["launch_oat.sh"]?.contains("--critic_type drgrpo") == true)
        #expect(oat["launch_oat.sh"]?.contains("--generate_max_length 3000") == true)
        let verl = try TrainingExport.files(for: .verl, settings: Self.settings(.drGRPO), prompts: Self.prompts)
        #expect(verl["launch_verl.sh"]?.contains("algorithm.norm_adv_by_std_in_grpo=False") == true)
        #expect(verl["launch_verl.sh"]?.contains("loss_agg_mode=seq-mean-token-sum-norm") == true)
        #expect(verl["train.jsonl"]?.contains("\"ground_truth\":\"2\"") == true)
        for files in [trl, oat, verl] { #expect(files["reward.py"]?.contains("def compute_score") == true) }
    }

    @Test func grpoMapsToTheBiasedSettings() throws {
        let trl = try TrainingExport.files(for: .trl, settings: Self.settings(.grpo), prompts: Self.prompts)
        #expect(trl["train_trl.py"]?.contains("loss_type=\"grpo\"") == true)
        let oat = try TrainingExport.files(for: .oat, settings: Self.settings(.grpo), prompts: Self.prompts)
        #expect(oat["launch_oat.sh"]?.contains("--critic_type grpo") == true)
        let verl = try TrainingExport.files(for: .verl, settings: Self.settings(.grpo), prompts: Self.prompts)
        #expect(verl["launch_verl.sh"]?.contains("norm_adv_by_std_in_grpo=True") == true)
        #expect(verl["launch_verl.sh"]?.contains("loss_agg_mode=seq-mean-token-mean") == true)
    }
}

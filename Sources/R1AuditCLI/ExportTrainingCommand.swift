// `r1audit export-training trl|oat|verl`: the same RL run as `r1audit train`, as a dataset, reward
// function and launch script for a GPU framework (the knob mapping is in docs/EXPERIMENTS.md).
import ArgumentParser
import Datasets
import Foundation
import Grading
import Prompts
import Training

extension TrainingFramework: ExpressibleByArgument {}

/// `r1audit export-training trl|oat|verl --dataset FILE --out DIR …` (also `r1audit export trl|oat|verl …`).
struct ExportTrainingCommand: AsyncParsableCommand {
    static let discussionText = """
        Writes into --out: the dataset in the framework's format (prompts rendered with --template), \
        reward.py (1 for a math-verify-correct final answer, else 0, as r1audit's reward) and the launch \
        script. dr-grpo maps to TRL loss_type="dr_grpo" with scale_rewards="none", oat --critic_type drgrpo, \
        and verl norm_adv_by_std_in_grpo=False with loss_agg_mode=seq-mean-token-sum-norm.
        """
    static let configuration = CommandConfiguration(
        commandName: "export-training",
        abstract: "Write a ready-to-run Dr. GRPO / GRPO configuration for TRL, oat or verl (for GPUs).",
        discussion: discussionText + """

        Example: r1audit export-training trl --dataset ../shared/datasets/gsm8k.jsonl --model Qwen/Qwen2.5-Math-1.5B --out export-trl
        """)

    @Argument(help: "trl, oat or verl.")
    var framework: TrainingFramework
    @OptionGroup var options: ExportTrainingOptions

    func run() async throws { try options.write(framework) }
}

/// `r1audit export trl|oat|verl …`: the same export under the names the training docs use.
func exportConfiguration(_ framework: TrainingFramework, _ display: String) -> CommandConfiguration {
    CommandConfiguration(
        commandName: framework.rawValue,
        abstract: "Write a ready-to-run Dr. GRPO / GRPO configuration for \(display) (as export-training \(framework.rawValue)).",
        discussion: ExportTrainingCommand.discussionText + """

        Example: r1audit export \(framework.rawValue) --dataset ../shared/datasets/gsm8k.jsonl --model Qwen/Qwen2.5-Math-1.5B --out export-\(framework.rawValue)
        """)
}

struct ExportTRLCommand: AsyncParsableCommand {
    static let configuration = exportConfiguration(.trl, "TRL's GRPOTrainer")
    @OptionGroup var options: ExportTrainingOptions
    @ParentCommand var parent: ExportCommand
    func run() async throws { try options.merging(parent).write(.trl) }
}

struct ExportOatCommand: AsyncParsableCommand {
    static let configuration = exportConfiguration(.oat, "oat")
    @OptionGroup var options: ExportTrainingOptions
    @ParentCommand var parent: ExportCommand
    func run() async throws { try options.merging(parent).write(.oat) }
}

struct ExportVerlCommand: AsyncParsableCommand {
    static let configuration = exportConfiguration(.verl, "verl")
    @OptionGroup var options: ExportTrainingOptions
    @ParentCommand var parent: ExportCommand
    func run() async throws { try options.merging(parent).write(.verl) }
}

/// The options of every training export, and the one library call behind them.
struct ExportTrainingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Training questions: `builtin`, a JSONL file, or a suite name.", valueName: "FILE|builtin|NAME"))
    var dataset: String
    @OptionGroup var datasetKeys: TrainingDatasetKeys
    @Option(help: "Model id or path for the framework to load.")
    var model: String = "Qwen/Qwen2.5-Math-1.5B"
    @Option(help: "Output folder (created).")
    var out: String
    @Option(help: "Prompt template: qwen-math, r1, none, or a file.")
    var template: String = "qwen-math"
    @Option(help: "Use only the first N questions.")
    var limit: Int?
    @Option(help: "dr-grpo, grpo or rloo.")
    var objective: String = "dr-grpo"
    @Option(help: "Responses per question (G).")
    var groupSize: Int = 8
    @Option(help: "Questions per step.")
    var promptsPerStep: Int = 128
    @Option(help: "Generation budget (Dr. GRPO's constant).")
    var maxNewTokens: Int = 3000
    @Option(help: "Rollout temperature.")
    var temperature: Double = 1.0
    @Option(help: "Learning rate.")
    var learningRate: Double = 1e-6
    @Option(help: "PPO clip ε.")
    var clip: Double = 0.2
    @Option(help: "PPO epochs.")
    var ppoEpochs: Int = 1
    @Option(help: "Optimiser steps per epoch (verl: ppo_mini_batch_size = prompts-per-step / N).")
    var miniBatches: Int = 1
    @Option(help: "Sequences per forward/backward (verl: the *_micro_batch_size_per_gpu).")
    var microBatch: Int = 8
    @Option(help: ArgumentHelp("Held-out questions for verl's validation files (default: a tail of --dataset held out).",
                               valueName: "FILE|builtin|NAME"))
    var evalDataset: String?
    @Option(help: "Training steps.")
    var steps: Int = 500
    @Option(help: "Seed.")
    var seed: UInt64 = 0
    @Flag(help: "Reward plain-text answers (\"The answer is 42\", a final number) when the template's format is absent, as `r1audit train --plain-text-fallback` does.")
    var plainTextFallback = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard ObjectivePreset(rawValue: objective) != nil else { throw ValidationError("--objective must be dr-grpo, grpo or rloo") }
        if groupSize < 2 || promptsPerStep < 1 || maxNewTokens < 1 || steps < 1 || miniBatches < 1 || microBatch < 1 {
            throw ValidationError("sizes must be positive (group size ≥ 2)")
        }
    }

    /// `export trl|oat|verl --template/--temperature/--json`: ArgumentParser hands an option both commands
    /// declare to the parent `export` (it parses first and consumes it), so the parent's values are taken here.
    func merging(_ parent: ExportCommand) -> ExportTrainingOptions {
        var o = self
        if let t = parent.template { o.template = t }
        if let t = parent.temperature { o.temperature = t }
        if parent.output.json { o.output.json = true }
        return o
    }

    struct Written: Encodable { var framework: String; var folder: String; var files: [String] }

    func write(_ framework: TrainingFramework) throws {
        let tpl = try PromptTemplate.named(template)
        let set = try datasetKeys.load(dataset, limit: limit, seed: seed) { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) }
        let prompts = set.questions.map {
            TrainingPrompt(id: $0.id, text: tpl.render(question: $0.problem), golds: $0.golds)
        }
        let validation = try evalDataset.map { name in
            try datasetKeys.load(name, limit: nil, seed: seed) { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) }
                .questions.map { TrainingPrompt(id: $0.id, text: tpl.render(question: $0.problem), golds: $0.golds) }
        } ?? []
        var obj = PolicyObjective(preset: ObjectivePreset(rawValue: objective) ?? .drGRPO, maxNewTokens: maxNewTokens)
        obj.clipLow = clip; obj.clipHigh = clip
        let settings = ExportSettings(model: model, objective: obj, groupSize: groupSize, promptsPerStep: promptsPerStep,
                                      maxNewTokens: maxNewTokens, temperature: temperature, learningRate: learningRate,
                                      ppoEpochs: ppoEpochs, steps: steps, seed: seed, template: tpl.name,
                                      policy: ExtractionPolicy.forTemplate(extraction: tpl.extraction,
                                                                               paperParity: !plainTextFallback,
                                                                               plainTextFallback: plainTextFallback),
                                      miniBatches: miniBatches, microBatch: microBatch)
        let files = try TrainingExport.files(for: framework, settings: settings, prompts: prompts, validation: validation)
        let dir = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        } catch { throw CLIError.runtime("\(out): cannot write the export (\(error.localizedDescription))") }
        let written = Written(framework: framework.rawValue, folder: dir.path, files: files.keys.sorted())
        try output.emit(written) { "wrote \(written.files.joined(separator: ", ")) to \(dir.path)" }
    }
}

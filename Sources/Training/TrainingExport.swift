// `r1audit export-training trl|oat|verl`: the same run for users who move to GPUs. Writes the dataset in
// the framework's format, an equivalent 1/0 reward function (math-verify, as the paper's oat grader)
// and a ready-to-run launch script with the knobs mapped (docs/EXPERIMENTS.md lists the mapping):
//   TRL  GRPOConfig(loss_type="dr_grpo", scale_rewards="none", beta=0, epsilon, epsilon_high, num_iterations)
//   oat  understand-r1-zero train_zero_math.py --critic_type drgrpo|grpo --generate_max_length …
//   verl algorithm.adv_estimator=grpo|rloo, algorithm.norm_adv_by_std_in_grpo, actor.loss_agg_mode

import Foundation
import Grading

/// A target framework.
public enum TrainingFramework: String, Sendable, Codable, CaseIterable {
    case trl, oat, verl
}

/// The settings carried over to the framework (what `r1audit train` would have used).
public struct ExportSettings: Sendable, Codable, Hashable {
    /// HF model id or path for the framework to load.
    public var model: String
    /// The objective.
    public var objective: PolicyObjective
    /// The group size.
    public var groupSize: Int
    /// The prompts per step.
    public var promptsPerStep: Int
    /// The max new tokens.
    public var maxNewTokens: Int
    /// The temperature.
    public var temperature: Double
    /// The learning rate.
    public var learningRate: Double
    /// The ppo epochs.
    public var ppoEpochs: Int
    /// Number of steps.
    public var steps: Int
    /// The run seed.
    public var seed: UInt64
    /// The template name (qwen-math, r1, none): prompts are exported already rendered.
    public var template: String
    /// Where the reward reads answers: the `ExtractionPolicy` the trainer and the audit use, embedded in
    /// reward.py as JSON so the exported reward follows the same rule.
    public var policy: ExtractionPolicy
    /// Optimiser steps per PPO epoch (r1audit `--mini-batches`): verl's ppo_mini_batch_size is
    /// promptsPerStep / miniBatches prompts (verl multiplies it by rollout.n).
    public var miniBatches: Int
    /// Sequences per forward/backward (r1audit `--micro-batch`): verl's *_micro_batch_size_per_gpu.
    public var microBatch: Int

    /// Bundles the settings.
    public init(model: String, objective: PolicyObjective, groupSize: Int, promptsPerStep: Int, maxNewTokens: Int,
                temperature: Double, learningRate: Double, ppoEpochs: Int, steps: Int, seed: UInt64,
                template: String, policy: ExtractionPolicy, miniBatches: Int = 1, microBatch: Int = 8) {
        self.model = model; self.objective = objective; self.groupSize = groupSize; self.promptsPerStep = promptsPerStep
        self.maxNewTokens = maxNewTokens; self.temperature = temperature; self.learningRate = learningRate
        self.ppoEpochs = ppoEpochs; self.steps = steps; self.seed = seed; self.template = template; self.policy = policy
        self.miniBatches = miniBatches; self.microBatch = microBatch
    }
}

/// Builds the exported files (name → contents).
public enum TrainingExport {
    /// The files for `framework`, with prompts already rendered through the template. `validation` are
    /// held-out prompts (verl's val files); without them verl validates on a held-out tail of `prompts`
    /// (`verlSplit`), which it then does not train on. TRL and oat take no validation set.
    public static func files(for framework: TrainingFramework, settings s: ExportSettings,
                             prompts: [TrainingPrompt], validation: [TrainingPrompt] = []) throws -> [String: String] {
        var out: [String: String] = ["reward.py": try rewardScript(s)]
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func jsonl(_ rows: [[String: AnyEncodable]]) throws -> String {
            try rows.map { String(decoding: try enc.encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n"
        }
        let o = s.objective
        let std = o.scaleByStd ? "True" : "False"
        switch framework {
        case .trl:
            out["train.jsonl"] = try jsonl(prompts.map { ["prompt": .s($0.text), "answer": .s($0.golds.first ?? ""), "id": .s($0.id)] })
            let lossType: String = switch o.aggregation {
            case .constant: "dr_grpo"
            case .sequenceMeanTokenMean: "grpo"
            case .tokenMean: "bnpo"
            case .sequenceMeanTokenSum: "dr_grpo"   // closest; TRL divides by max_completion_length
            }
            out["train_trl.py"] = """
            # Exported by r1audit export-training trl. TRL >= 0.19 (GRPOTrainer). Run: accelerate launch train_trl.py
            import importlib.util
            import torch
            from datasets import load_dataset
            from trl import GRPOConfig, GRPOTrainer
            from reward import reward_func

            # bf16 and vLLM generation only where a GPU has them; a CPU-only machine runs in fp32.
            cuda = torch.cuda.is_available()
            bf16 = cuda and torch.cuda.is_bf16_supported()
            use_vllm = cuda and importlib.util.find_spec("vllm") is not None

            dataset = load_dataset("json", data_files="train.jsonl", split="train")
            config = GRPOConfig(
                output_dir="out-trl",
                loss_type="\(lossType)",            # r1audit aggregation \(o.aggregation.rawValue)
                scale_rewards=\(o.scaleByStd ? "\"group\"" : "\"none\""),        # std normalisation \(o.scaleByStd ? "on" : "off") (older TRL: scale_rewards=\(std))
                num_generations=\(s.groupSize),
                per_device_train_batch_size=\(s.groupSize),
                gradient_accumulation_steps=\(max(1, s.promptsPerStep)),
                max_completion_length=\(s.maxNewTokens),
                temperature=\(s.temperature),
                learning_rate=\(s.learningRate),
                beta=\(o.klCoefficient),
                epsilon=\(o.clipLow),
                epsilon_high=\(o.clipHigh),
                num_iterations=\(s.ppoEpochs),
                max_steps=\(s.steps),
                seed=\(s.seed),
                lr_scheduler_type="constant",
                bf16=bf16,
                use_cpu=not cuda,
                use_vllm=use_vllm,
                logging_steps=1,
            )
            trainer = GRPOTrainer(model="\(s.model)", reward_funcs=reward_func, args=config, train_dataset=dataset)
            trainer.train()
            """
        case .oat:
            out["train.jsonl"] = try jsonl(prompts.map { ["problem": .s($0.text), "answer": .s($0.golds.first ?? ""), "id": .s($0.id)] })
            let critic = o.scaleByStd || o.aggregation == .sequenceMeanTokenMean ? "grpo" : "drgrpo"
            out["launch_oat.sh"] = """
            #!/bin/sh
            # Exported by r1audit export-training oat: sail-sg/understand-r1-zero train_zero_math.py on oat.
            # --critic_type \(critic): \(critic == "drgrpo" ? "no std normalisation, token sums / generate_max_length" : "std-normalised advantages, per-response length mean").
            # The prompts in train.jsonl are already rendered with the \(s.template) template, so --prompt_template no.
            python train_zero_math.py \\
              --critic_type \(critic) \\
              --pretrain \(s.model) \\
              --prompt_data ./train.jsonl --train_split train --input_key problem --output_key answer \\
              --prompt_template no \\
              --num_samples \(s.groupSize) \\
              --rollout_batch_size \(s.groupSize * s.promptsPerStep) --train_batch_size \(s.groupSize * s.promptsPerStep) \\
              --generate_max_length \(s.maxNewTokens) \\
              --temperature \(s.temperature) --top_p 1 \\
              --learning_rate \(s.learningRate) --lr_scheduler constant \\
              --num_ppo_epochs \(s.ppoEpochs) --beta \(o.klCoefficient) \\
              --oracle_type reward --oracle math \\
              --rnd-seed --seed \(s.seed) \\
              --gpus 1 --collocate --vllm_sleep --gradient-checkpointing --flash-attn --bf16
            """
        case .verl:
            let (train, val) = verlSplit(prompts, validation: validation)
            let asChat = verlUsesChatMessages(train + val)
            out["train.jsonl"] = try jsonl(train.map { verlRow($0, asChat: asChat) })
            out["val.jsonl"] = try jsonl(val.map { verlRow($0, asChat: asChat) })
            if !asChat { out["r1audit_dataset.py"] = verlDatasetClass(template: s.template) }
            out["to_parquet.py"] = """
            # verl reads parquet: python to_parquet.py (needs pandas + pyarrow)
            import pandas as pd
            for split in ("train", "val"):
                pd.read_json(f"{split}.jsonl", lines=True, dtype=False).to_parquet(f"{split}.parquet")
            """
            out["launch_verl.sh"] = verlLaunch(s, asChat: asChat, valCount: val.count,
                                               heldOut: validation.isEmpty ? (train.count == prompts.count ? 0 : val.count) : nil)
        }
        return out
    }

    /// A 1/0 reward that follows r1audit's `ExtractionPolicy` (embedded as JSON) with math-verify, the
    /// paper's grader family: the template's own format first (the last closed `<answer>…</answer>`, a
    /// `\boxed{}` inside it winning, or the last `\boxed{}`; for `.auto` the last `\boxed{}` first), then — only when the policy allows it and the
    /// response was not cut at the token limit — the whole text under math-verify's default extraction.
    /// TRL and verl do not hand a reward the finish reason; pass `truncated` (a dataset column in TRL,
    /// `extra_info["truncated"]` in verl) to apply the truncation rule, else a response counts as finished.
    static func rewardScript(_ s: ExportSettings) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let policyJSON = String(decoding: try enc.encode(s.policy), as: UTF8.self)
        let turnsJSON = String(decoding: try enc.encode(AnswerSpan.turnMarkers), as: UTF8.self)
        return #"""
        # Exported by r1audit (grader \#(s.policy.graderName)): reward 1 when the final answer verifies against
        # the gold, else 0, under the same extraction policy as `r1audit train` and the audit.
        # pip install math-verify
        import json
        from math_verify import parse, verify

        POLICY = json.loads('\#(policyJSON)')
        # r1audit's AnswerSpan.turnMarkers: prose in <answer> ends where the model opens a new dialogue turn.
        TURN_MARKERS = json.loads(r'\#(turnsJSON)')

        def before_continuation(span):
            cut = min([i for i in (span.find(m) for m in TURN_MARKERS) if i >= 0], default=len(span))
            head = span[:cut]
            return span if not head.strip() else head

        def last_boxed(text):
            i = text.rfind("\\boxed{")
            if i < 0:
                return None
            depth, j = 0, i + 7
            for k in range(j, len(text)):
                if text[k] == "{":
                    depth += 1
                elif text[k] == "}":
                    if depth == 0:
                        return text[j:k]
                    depth -= 1
            return None

        def answer_tag(text):
            close = text.rfind("</answer>")
            if close < 0:
                return None
            start = text.rfind("<answer>", 0, close)
            return None if start < 0 else text[start + 8:close]

        def own_format(text):
            # Returns (answer, is_latex): a \boxed{} content is LaTeX; an <answer> span may be prose
            # ("Ellen has 15 balls"), read by math-verify's default extraction as r1audit's AnswerSpan does.
            fmt = POLICY.get("format")
            boxed = last_boxed(text) if fmt in ("boxed", "auto") else None
            if boxed is not None:
                return boxed, True
            if fmt in ("answer-tag", "auto"):
                tag = answer_tag(text)
                if tag is not None:
                    inner = last_boxed(tag)
                    return (inner, True) if inner is not None else (before_continuation(tag), False)
            return None, False

        def _parse(s, is_latex):
            try:
                return parse("$" + s + "$") if is_latex else (parse(s) or parse("$" + s + "$"))
            except Exception:
                return []

        def _verify(gold, pred):
            try:
                g = _parse(str(gold), True) or _parse(str(gold), False)
                return bool(pred) and verify(g, pred, float_rounding=POLICY.get("floatRounding", 6))
            except Exception:
                return False

        def score(text, gold, truncated=False):
            ans, is_latex = own_format(text)
            if ans is not None:
                return 1.0 if _verify(gold, _parse(ans, is_latex)) else 0.0
            fallback = POLICY.get("plainTextFallback") or not POLICY.get("format")
            if not fallback or (truncated and not POLICY.get("fallbackOnTruncation")):
                return 0.0
            return 1.0 if _verify(gold, _parse(text, False)) else 0.0

        def reward_func(completions, answer, truncated=None, **kwargs):   # TRL
            flags = truncated or [False] * len(completions)
            return [score(c if isinstance(c, str) else c[-1]["content"], a, bool(t))
                    for c, a, t in zip(completions, answer, flags)]

        def compute_score(data_source, solution_str, ground_truth, extra_info=None):   # verl
            return score(solution_str, ground_truth, bool((extra_info or {}).get("truncated", False)))
        """#
    }
}

/// The JSON values the exported rows use.
enum AnyEncodable: Encodable {
    case s(String)
    case messages([[String: String]])
    case dict([String: String])
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .s(v): try c.encode(v)
        case let .messages(v): try c.encode(v)
        case let .dict(v): try c.encode(v)
        }
    }
}

// The verl side of `export-training verl`. verl's RLHFDataset always runs the model tokenizer's chat
// template over the `prompt` column (a list of chat messages). r1audit's prompts are rendered through
// the template already, so wrapping that text as one user message would template it twice (a ChatML
// prompt inside a ChatML user turn). Two ways out, chosen per export:
//   - a rendered ChatML prompt that opens with a system turn (qwen-math) is split back into its
//     messages (system, user…), which the model's chat template renders again to the same text for the
//     Qwen family: verl's own data format, no custom code;
//   - any other template (r1, none, files) keeps the rendered text as one message and the launch script
//     points data.custom_cls at r1audit_dataset.py, an RLHFDataset whose tokenizer copy has a chat
//     template that emits the message text verbatim (as oat's --prompt_template no).
// Validation uses its own files (val.jsonl/val.parquet); the batch sizes follow verl's GRPO examples
// (examples/grpo_trainer/run_qwen2-7b_math.sh): ppo_mini_batch_size in prompts, the micro-batch sizes
// per GPU for the actor, the rollout's and the reference's log-prob passes.

import Foundation

extension TrainingExport {
    /// The ChatML turn markers.
    static let chatOpen = "<|im_start|>", chatClose = "<|im_end|>"

    /// One chat message of verl's `prompt` column.
    struct ChatMessage: Hashable, Sendable {
        var role: String
        var content: String
    }

    /// The messages of a rendered ChatML prompt (without the trailing `<|im_start|>assistant\n` generation
    /// prompt), or nil unless rendering them back as ChatML gives `rendered` exactly and the first turn is
    /// a system turn (without one, Qwen's chat template would insert its default system prompt).
    static func chatMessages(_ rendered: String) -> [ChatMessage]? {
        let generation = chatOpen + "assistant\n"
        guard rendered.hasPrefix(chatOpen), rendered.hasSuffix(generation) else { return nil }
        let body = rendered.dropLast(generation.count)
        var messages: [ChatMessage] = []
        for turn in body.components(separatedBy: chatOpen).dropFirst() {
            guard turn.hasSuffix(chatClose + "\n"), let newline = turn.firstIndex(of: "\n") else { return nil }
            let role = String(turn[..<newline])
            let content = String(turn[turn.index(after: newline)...].dropLast(chatClose.count + 1))
            guard ["system", "user", "assistant"].contains(role), !content.contains(chatClose) else { return nil }
            messages.append(ChatMessage(role: role, content: content))
        }
        guard messages.first?.role == "system", messages.last?.role == "user" else { return nil }
        let again = messages.map { chatOpen + $0.role + "\n" + $0.content + chatClose + "\n" }.joined() + generation
        return again == rendered ? messages : nil
    }

    /// Whether every prompt splits into chat messages (else the verbatim dataset class is used for all).
    static func verlUsesChatMessages(_ prompts: [TrainingPrompt]) -> Bool {
        !prompts.isEmpty && prompts.allSatisfy { chatMessages($0.text) != nil }
    }

    /// Fewer training questions than this are not split: verl validates on the training questions.
    static let minimumToHoldOut = 10

    /// Training and validation prompts: `validation` when given, else the last tenth of `prompts` (at
    /// least 1, at most 100) held out; fewer than `minimumToHoldOut` prompts validate on themselves.
    static func verlSplit(_ prompts: [TrainingPrompt], validation: [TrainingPrompt]) -> (train: [TrainingPrompt], val: [TrainingPrompt]) {
        if !validation.isEmpty { return (prompts, validation) }
        guard prompts.count >= minimumToHoldOut else { return (prompts, prompts) }
        let held = min(100, max(1, prompts.count / 10))
        return (Array(prompts.dropLast(held)), Array(prompts.suffix(held)))
    }

    /// One row of verl's RL data format.
    static func verlRow(_ p: TrainingPrompt, asChat: Bool) -> [String: AnyEncodable] {
        let messages = asChat ? (chatMessages(p.text) ?? [ChatMessage(role: "user", content: p.text)])
                              : [ChatMessage(role: "user", content: p.text)]
        return ["data_source": .s("r1audit"), "prompt": .messages(messages.map { ["role": $0.role, "content": $0.content] }),
                "ability": .s("math"), "reward_model": .dict(["style": "rule", "ground_truth": p.golds.first ?? ""]),
                "extra_info": .dict(["id": p.id])]
    }

    /// r1audit_dataset.py: the dataset class that keeps pre-rendered prompts as they are.
    static func verlDatasetClass(template: String) -> String {
        """
        # Exported by r1audit export-training verl. The prompts in train/val.parquet are already rendered with
        # the \(template) template (chat markers and all), exactly as `r1audit train` feeds them. verl's
        # RLHFDataset wraps each prompt in the model's chat template; this subclass hands it a copy of the
        # tokenizer whose chat template emits the message text verbatim, so nothing is templated twice.
        # Used by launch_verl.sh through data.custom_cls (verl's rollout reads the dataset's prompt ids).
        import copy
        from verl.utils.dataset.rl_dataset import RLHFDataset

        VERBATIM = "{% for message in messages %}{{ message['content'] }}{% endfor %}"


        class RenderedPromptDataset(RLHFDataset):
            def __init__(self, data_files, tokenizer, config, processor=None, **kwargs):
                verbatim = copy.deepcopy(tokenizer)
                verbatim.chat_template = VERBATIM
                super().__init__(data_files=data_files, tokenizer=verbatim, config=config, processor=processor, **kwargs)
        """
    }

    /// launch_verl.sh. `heldOut` is the number of training prompts moved to validation (nil: a separate
    /// set, 0: too few to hold out, validation on the training questions).
    static func verlLaunch(_ s: ExportSettings, asChat: Bool, valCount: Int, heldOut: Int?) -> String {
        let o = s.objective
        let estimator = o.baseline == .leaveOneOut ? "rloo" : "grpo"
        let mini = max(1, s.promptsPerStep / max(1, s.miniBatches))
        let micro = max(1, s.microBatch)
        let prompts = asChat
            ? "# Prompts are the \(s.template) template's chat messages (system, user): verl's chat template renders them once."
            : "# Prompts are rendered with the \(s.template) template; r1audit_dataset.py keeps them verbatim (no second chat template)."
        let val = switch heldOut {
        case nil: "# Validation: the \(valCount) held-out question(s) in val.parquet (--eval-dataset)."
        case 0?: "# Validation: fewer than \(minimumToHoldOut) questions, so val.parquet repeats the training questions (give --eval-dataset)."
        case let n?: "# Validation: the last \(n) question(s), held out of train.parquet (no --eval-dataset was given)."
        }
        let custom = asChat ? "" : "  data.custom_cls.path=r1audit_dataset.py data.custom_cls.name=RenderedPromptDataset \\\n"
        return """
        #!/bin/sh
        # Exported by r1audit export-training verl. Aggregation \(o.aggregation.rawValue) is verl's loss_agg_mode of the same name.
        \(prompts)
        \(val)
        # Batch sizes as verl's GRPO examples set them: ppo_mini_batch_size counts prompts (× rollout.n responses);
        # \(s.miniBatches) optimiser step(s) per epoch as r1audit --mini-batches; micro-batches of \(micro) sequences per GPU.
        set -e
        python to_parquet.py
        python3 -m verl.trainer.main_ppo \\
          algorithm.adv_estimator=\(estimator) \\
          algorithm.norm_adv_by_std_in_grpo=\(o.scaleByStd ? "True" : "False") \\
          algorithm.use_kl_in_reward=False \\
          actor_rollout_ref.actor.loss_agg_mode=\(o.aggregation.rawValue) \\
          actor_rollout_ref.actor.use_kl_loss=\(o.klCoefficient > 0 ? "True" : "False") actor_rollout_ref.actor.kl_loss_coef=\(o.klCoefficient) \\
          actor_rollout_ref.actor.entropy_coeff=0 \\
          actor_rollout_ref.actor.clip_ratio_low=\(o.clipLow) actor_rollout_ref.actor.clip_ratio_high=\(o.clipHigh) \\
          actor_rollout_ref.actor.ppo_epochs=\(s.ppoEpochs) \\
          actor_rollout_ref.actor.ppo_mini_batch_size=\(mini) \\
          actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=\(micro) \\
          actor_rollout_ref.actor.optim.lr=\(s.learningRate) \\
          actor_rollout_ref.model.path=\(s.model) \\
          actor_rollout_ref.model.enable_gradient_checkpointing=True \\
          actor_rollout_ref.rollout.name=vllm \\
          actor_rollout_ref.rollout.n=\(s.groupSize) actor_rollout_ref.rollout.temperature=\(s.temperature) \\
          actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu=\(micro) \\
          actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu=\(micro) \\
          data.train_files=train.parquet data.val_files=val.parquet \\
        \(custom)  data.train_batch_size=\(s.promptsPerStep) data.max_prompt_length=1024 data.max_response_length=\(s.maxNewTokens) \\
          data.filter_overlong_prompts=True data.truncation=error \\
          custom_reward_function.path=reward.py custom_reward_function.name=compute_score \\
          trainer.total_training_steps=\(s.steps) trainer.test_freq=10 trainer.save_freq=-1 trainer.logger=['console'] \\
          trainer.n_gpus_per_node=1 trainer.nnodes=1 "$@"
        """
    }
}

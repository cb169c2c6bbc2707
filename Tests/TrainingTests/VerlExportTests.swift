// The verl export writes files verl reads as intended: prompts templated once, separate validation
// files, and the batch sizes of verl's GRPO examples.

import Foundation
import Testing
@testable import Training
import Grading
import Prompts

@Suite struct VerlExportTests {
    static func settings(template: String, promptsPerStep: Int = 128, miniBatches: Int = 1, microBatch: Int = 8) -> ExportSettings {
        ExportSettings(model: "Qwen/Qwen2.5-Math-1.5B", objective: PolicyObjective(preset: .drGRPO, maxNewTokens: 3000),
                       groupSize: 8, promptsPerStep: promptsPerStep, maxNewTokens: 3000, temperature: 1, learningRate: 1e-6,
                       ppoEpochs: 1, steps: 10, seed: 1, template: template, policy: .paperParity(format: .boxed),
                       miniBatches: miniBatches, microBatch: microBatch)
    }

    static func prompts(_ template: String, count: Int) throws -> [TrainingPrompt] {
        let tpl = try PromptTemplate.named(template)
        return (0..<count).map { i in
            TrainingPrompt(id: "q\(i)", text: tpl.render(question: "What is \(i)+1?"), golds: ["\(i + 1)"])
        }
    }

    /// The rows of a written JSONL file.
    static func rows(_ text: String?) throws -> [[String: Any]] {
        try #require(text).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    static func messages(_ row: [String: Any]) throws -> [[String: String]] {
        try #require(row["prompt"] as? [[String: String]])
    }

    @Test func qwenMathPromptsAreChatMessagesTemplatedOnce() throws {
        let prompts = try Self.prompts("qwen-math", count: 10)
        let files = try TrainingExport.files(for: .verl, settings: Self.settings(template: "qwen-math"), prompts: prompts)
        let rows = try Self.rows(files["train.jsonl"]) + Self.rows(files["val.jsonl"])
        #expect(rows.count == 10)
        for (row, prompt) in zip(rows, prompts) {
            let m = try Self.messages(row)
            #expect(m.map { $0["role"] } == ["system", "user"])
            #expect(m.last?["content"] == "What is \(prompt.id.dropFirst())+1?")
            #expect(m.allSatisfy { !($0["content"] ?? "").contains("<|im_start|>") && !($0["content"] ?? "").contains("<|im_end|>") })
            // Qwen's chat template over these messages gives back exactly the prompt r1audit trains on.
            let again = m.map { "<|im_start|>\($0["role"]!)\n\($0["content"]!)<|im_end|>\n" }.joined() + "<|im_start|>assistant\n"
            #expect(again == prompt.text)
        }
        #expect(files["r1audit_dataset.py"] == nil)
        #expect(files["launch_verl.sh"]?.contains("custom_cls") == false)
    }

    @Test(arguments: ["r1", "none"])
    func nonChatTemplatesKeepTheRenderedTextVerbatim(template: String) throws {
        let prompts = try Self.prompts(template, count: 3)
        let files = try TrainingExport.files(for: .verl, settings: Self.settings(template: template), prompts: prompts)
        let rows = try Self.rows(files["train.jsonl"])     // 3 < 10 questions: val.jsonl repeats them
        #expect(try rows.map { try Self.messages($0) } == prompts.map { [["role": "user", "content": $0.text]] })
        let dataset = try #require(files["r1audit_dataset.py"])
        #expect(dataset.contains("class RenderedPromptDataset(RLHFDataset)"))
        #expect(dataset.contains("chat_template = VERBATIM"))
        #expect(files["launch_verl.sh"]?.contains("data.custom_cls.path=r1audit_dataset.py data.custom_cls.name=RenderedPromptDataset") == true)
    }

    @Test func aGivenValidationSetGoesToItsOwnFiles() throws {
        let train = try Self.prompts("qwen-math", count: 4)
        let val = [TrainingPrompt(id: "held", text: train[0].text.replacingOccurrences(of: "0+1", with: "7+1"), golds: ["8"])]
        let files = try TrainingExport.files(for: .verl, settings: Self.settings(template: "qwen-math"), prompts: train, validation: val)
        let trainIDs = try Self.rows(files["train.jsonl"]).compactMap { ($0["extra_info"] as? [String: String])?["id"] }
        let valIDs = try Self.rows(files["val.jsonl"]).compactMap { ($0["extra_info"] as? [String: String])?["id"] }
        #expect(trainIDs == ["q0", "q1", "q2", "q3"])
        #expect(valIDs == ["held"])
        let launch = try #require(files["launch_verl.sh"])
        #expect(launch.contains("data.train_files=train.parquet data.val_files=val.parquet"))
        #expect(files["to_parquet.py"]?.contains("for split in (\"train\", \"val\")") == true)
    }

    @Test(arguments: [(count: 20, held: 2), (count: 10, held: 1), (count: 2000, held: 100)])
    func withoutAValidationSetATailIsHeldOut(count: Int, held: Int) throws {
        let prompts = (0..<count).map { TrainingPrompt(id: "q\($0)", text: "Q\($0)", golds: ["1"]) }
        let (train, val) = TrainingExport.verlSplit(prompts, validation: [])
        #expect(val.map(\.id) == prompts.suffix(held).map(\.id))
        #expect(train.map(\.id) == prompts.dropLast(held).map(\.id))
        #expect(Set(train.map(\.id)).isDisjoint(with: val.map(\.id)))
        let launch = try #require(try TrainingExport.files(for: .verl, settings: Self.settings(template: "r1"), prompts: prompts)["launch_verl.sh"])
        #expect(launch.contains("the last \(held) question(s), held out of train.parquet"))
    }

    @Test func tooFewQuestionsValidateOnTheTrainingSet() throws {
        let prompts = (0..<9).map { TrainingPrompt(id: "q\($0)", text: "Q\($0)", golds: ["1"]) }
        let files = try TrainingExport.files(for: .verl, settings: Self.settings(template: "r1"), prompts: prompts)
        #expect(files["train.jsonl"] == files["val.jsonl"])
        #expect(try Self.rows(files["train.jsonl"]).count == 9)
        #expect(files["launch_verl.sh"]?.contains("val.parquet repeats the training questions") == true)
    }

    @Test(arguments: [(prompts: 128, mini: 1, micro: 8, expected: 128), (prompts: 128, mini: 4, micro: 16, expected: 32),
                      (prompts: 6, mini: 2, micro: 2, expected: 3)])
    func batchSizesFollowVerlsExamples(prompts: Int, mini: Int, micro: Int, expected: Int) throws {
        let s = Self.settings(template: "qwen-math", promptsPerStep: prompts, miniBatches: mini, microBatch: micro)
        let files = try TrainingExport.files(for: .verl, settings: s, prompts: try Self.prompts("qwen-math", count: 3))
        let launch = try #require(files["launch_verl.sh"])
        #expect(launch.contains("data.train_batch_size=\(prompts) "))
        #expect(launch.contains("actor_rollout_ref.actor.ppo_mini_batch_size=\(expected) "))
        for key in ["actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu", "actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu",
                    "actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu"] {
            #expect(launch.contains("\(key)=\(micro) "), "\(key)")
        }
        // Every continued line ends in a backslash, so the shell passes all overrides to one command.
        let command = launch.components(separatedBy: "python3 -m verl.trainer.main_ppo")[1]
        let lines = command.split(separator: "\n")
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix("\\") })
        #expect(lines.last?.hasSuffix("\"$@\"") == true)
    }

    @Test(arguments: [
        ("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", false),             // no system turn
        ("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n", false),     // no generation prompt
        ("A conversation between User and Assistant. User: Hi Assistant:", false),
        ("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", true),
        ("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nA\nB<|im_end|>\n<|im_start|>assistant\n", true),
    ])
    func chatMessagesOnlyWhenTheyRenderBackExactly(rendered: String, splits: Bool) {
        #expect((TrainingExport.chatMessages(rendered) != nil) == splits)
    }
}

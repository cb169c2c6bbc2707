// Everything `r1audit train` wires around `Trainer` for a real model, in a library so the CLI stays
// thin and scripted experiments (the length-bias run) use exactly the same path: questions from a JSONL
// set through a prompt template, rollouts from the local engine on the current weights, the verifier's
// 1/0 reward, per-step metrics in the run store as `train/NAME`, and HF checkpoint folders (with
// tokenizer files, also when the model is a GGUF).
// This is the trainer's composition root, a module of its own above Training and Engine (issue 20):
// Training sees only the `Inference.Backend` protocol, as the analyses do, and this file is the one
// place that builds a `LocalBackend` for it, loads datasets and templates, and opens the run store.

import Datasets
import Engine
import Foundation
import Grading
import Inference
import Prompts
import RunStore
import Tokenizers
import Training

/// Where a real-model run reads from and writes to.
public struct TrainingSetup: Sendable {
    /// A GGUF file or a Hugging Face folder.
    public var model: String
    /// Training questions (JSONL with problem and answer).
    public var dataset: String
    /// Held-out questions for greedy evaluation.
    public var evalDataset: String?
    /// Only the first N training questions.
    public var limit: Int?
    /// The first N held-out questions.
    public var evalLimit: Int
    /// qwen-math, r1, none, or a template file.
    public var template: String
    /// Accept a plain-text final answer when no \boxed{} / <answer> is found.
    public var plainTextFallback: Bool
    /// Engine threads for rollouts.
    public var threads: Int
    /// The run's folder (run.sqlite and checkpoints/ inside).
    public var runDirectory: URL
    /// Keep only the newest N checkpoints (0 = all).
    public var keepCheckpoints: Int
    /// Pre-loaded training questions (any `--dataset` form, or an audit's selection); when set, `dataset`
    /// is only a label and `limit` is not applied again.
    public var questions: [Question]?
    /// Pre-loaded held-out questions (same rule, with `evalLimit`).
    public var evalQuestions: [Question]?
    /// Paper-parity extraction (the template's own format only); nil: on unless `plainTextFallback`.
    public var paperParity: Bool?
    /// A record of where the settings came from (e.g. `train.from_audit`): stored as a step-0 metric
    /// with its JSON payload and as a config row of the same name.
    public var provenance: StoredMetric?

    /// Bundles a setup.
    public init(model: String, dataset: String, evalDataset: String? = nil, limit: Int? = nil, evalLimit: Int = 50,
                template: String = "qwen-math", plainTextFallback: Bool = false, threads: Int = 2, runDirectory: URL,
                keepCheckpoints: Int = 2) {
        self.model = model; self.dataset = dataset; self.evalDataset = evalDataset; self.limit = limit
        self.evalLimit = evalLimit; self.template = template; self.plainTextFallback = plainTextFallback
        self.threads = threads; self.runDirectory = runDirectory; self.keepCheckpoints = keepCheckpoints
    }
}

/// Runs `Trainer` on a real model with the local engine, storing metrics and checkpoints.
public enum TrainingSession {
    /// The template's stop strings (the trainer configuration's sampling needs them).
    public static func stopStrings(template: String) throws -> [String] { try PromptTemplate.named(template).stop }

    /// Trains as `configuration` says; `onStep` sees each step after its metrics are stored; `warning`
    /// receives non-fatal problems (e.g. a GGUF whose tokenizer cannot be written as HF files).
    public static func run(_ setup: TrainingSetup, configuration cfg: TrainerConfiguration, resume: Bool,
                           warning: @Sendable (String) -> Void = { _ in }, progress: ProgressHandler? = nil,
                           onStep: @escaping @Sendable (StepMetrics) -> Void = { _ in }) async throws -> TrainingSummary {
        let tpl = try PromptTemplate.named(setup.template)
        func prompts(_ path: String, _ limit: Int?) throws -> [TrainingPrompt] {
            try QuestionSet.load(url: URL(fileURLWithPath: path), limit: limit).questions.map {
                TrainingPrompt(id: $0.id, text: tpl.render(question: $0.problem), golds: $0.golds)
            }
        }
        func render(_ qs: [Question]) -> [TrainingPrompt] {
            qs.map { TrainingPrompt(id: $0.id, text: tpl.render(question: $0.problem), golds: $0.golds) }
        }
        let train = try setup.questions.map(render) ?? prompts(setup.dataset, setup.limit)
        let eval = try setup.evalQuestions.map { render(Array($0.prefix(setup.evalLimit))) }
            ?? setup.evalDataset.map { try prompts($0, setup.evalLimit) } ?? []
        let policy = try PolicyModel.load(path: setup.model)
        let tokenizer = try TokenizerLoader.load(path: URL(fileURLWithPath: setup.model))
        let threads = setup.threads
        let sampler = BackendRolloutSampler { decoder, weights in
            try LocalBackend(configuration: decoder, weights: weights, tokenizer: tokenizer, threads: threads, modelName: "policy")
        }
        // The paper's reward (the template's own format only) unless the plain-text fallback is asked for;
        // the audit's `--paper-parity` and the exported reward.py build the same policy from the same call.
        let rewardPolicy = ExtractionPolicy.forTemplate(extraction: tpl.extraction,
                                                            paperParity: setup.paperParity ?? !setup.plainTextFallback,
                                                            plainTextFallback: setup.plainTextFallback)
        try FileManager.default.createDirectory(at: setup.runDirectory, withIntermediateDirectories: true)
        let db = try RunDatabase(url: setup.runDirectory.appendingPathComponent(RunDatabase.fileName), create: true)
        var generated: [String: Data] = [:]
        if setup.model.hasSuffix(".gguf") {
            do { generated = try TokenizerExport.huggingFaceFiles(gguf: URL(fileURLWithPath: setup.model)) } catch {
                warning("checkpoints will have no tokenizer files: \(error.localizedDescription)")
            }
        }
        let store = CheckpointStore(directory: setup.runDirectory.appendingPathComponent("checkpoints"),
                                    tokenizerFiles: tokenizerFiles(setup.model), baseConfigJSON: baseConfig(setup.model),
                                    generatedFiles: generated, keepLast: setup.keepCheckpoints)
        if !resume { try refuseExistingRun(database: db, checkpoints: store, directory: setup.runDirectory) }
        try db.setConfig("train", value: cfg)
        if let p = setup.provenance {
            try db.putMetrics([p])
            if let json = p.payload { try db.setConfig(p.name, json: json) }
        }
        let trainer = try Trainer(configuration: cfg, prompts: train, evalPrompts: eval, sampler: sampler,
                                  reward: VerifierReward(policy: rewardPolicy),
                                  checkpoints: store)
        return try await trainer.run(model: policy, resume: resume, progress: progress, onStep: { m in
            try db.putMetrics(m.namedValues.map { StoredMetric(name: "train/" + $0.0, step: m.step, value: $0.1) })
            onStep(m)
        }, onRollouts: { texts in
            // Every rollout's text and reward, for the report's rollout browser (a resumed step rewrites its rows).
            try db.put(rollouts: texts.map {
                StoredRollout(step: $0.step, group: $0.group, index: $0.index, questionID: $0.prompt.id, prompt: $0.prompt.text,
                              response: $0.response, reward: $0.outcome.reward, status: $0.outcome.status.rawValue,
                              completionTokens: $0.completionTokens, truncated: $0.truncated)
            })
        })
    }

    /// A run without `--resume` must not overwrite another run's step metrics or checkpoints.
    static func refuseExistingRun(database db: RunDatabase, checkpoints: CheckpointStore, directory: URL) throws {
        if let last = checkpoints.latest() {
            throw TrainingError.runExists(path: directory.path, found: "checkpoint \(last.lastPathComponent)")
        }
        let steps = try db.metrics(prefix: "train/").map(\.step)
        if let last = steps.max() {
            throw TrainingError.runExists(path: directory.path, found: "step metrics up to step \(last) in \(RunDatabase.fileName)")
        }
    }

    /// Tokenizer files of an HF folder, copied into every checkpoint.
    static func tokenizerFiles(_ model: String) -> [URL] {
        let url = URL(fileURLWithPath: model)
        return ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"]
            .map { url.appendingPathComponent($0) }.filter { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The base folder's config.json, reused for checkpoints.
    static func baseConfig(_ model: String) -> Data? {
        try? Data(contentsOf: URL(fileURLWithPath: model).appendingPathComponent("config.json"))
    }
}

// Checkpoints as Hugging Face folders (model.safetensors in F32 or BF16 + config.json + the tokenizer
// files), which transformers' from_pretrained and our engine load, plus — unless --no-save-optimizer —
// the AdamW moments (optimizer.safetensors, HF Trainer's optimizer.pt), HF Trainer's trainer_state.json
// and the loop state --resume needs (r1audit_state.json; see HFTrainerState.swift).
// A `latest` file is written last, so a run killed mid-save resumes from the previous complete one.
// --resume refuses a checkpoint without optimiser state (restarting AdamW's moments would not continue
// the run bit-exactly, the promise of --resume); such a checkpoint starts a new run with --model DIR.
// A BF16 checkpoint resumes from its rounded weights (exact from there on, not bit-identical to an
// uninterrupted run).

import Foundation
import Checkpoints
import Models
import Tensors

/// Reads and writes the checkpoints of one run under `directory`.
public struct CheckpointStore: Sendable {
    /// The directory.
    public let directory: URL
    /// Files copied into every checkpoint (tokenizer.json, tokenizer_config.json…).
    public var tokenizerFiles: [URL]
    /// The base model's config.json, reused verbatim (with torch_dtype float32) when present.
    public var baseConfigJSON: Data?
    /// Generated files (name → contents) written into every checkpoint, e.g. tokenizer files made
    /// from a GGUF vocabulary (`TokenizerExport`).
    public var generatedFiles: [String: Data]
    /// Keep only the newest this many checkpoints (0 = keep all).
    public var keepLast: Int

    /// A store rooted at `directory` (created on first save).
    public init(directory: URL, tokenizerFiles: [URL] = [], baseConfigJSON: Data? = nil,
                generatedFiles: [String: Data] = [:], keepLast: Int = 0) {
        self.directory = directory; self.tokenizerFiles = tokenizerFiles; self.baseConfigJSON = baseConfigJSON
        self.generatedFiles = generatedFiles; self.keepLast = keepLast
    }

    /// The loop-state file --resume reads.
    public static let stateFile = "r1audit_state.json"

    /// Writes an HF folder for `model` at `url` (no optimiser state): what `export` and evaluation load.
    public func writeModelFolder(_ model: PolicyModel, to url: URL, dtype: CheckpointFormat.WeightsDType = .fp32) throws {
        let fm = FileManager.default
        do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw TrainingError.io(path: url.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        let named = model.parameters.slots.map { s in
            (s.name, (try? Tensor(shape: s.shape, storage: Array(model.parameters.values[s.offset..<(s.offset + s.count)])))
                ?? Tensor(zeros: s.shape))
        }
        do {
            try SafetensorsWriter.write(named, to: url.appendingPathComponent("model.safetensors"), metadata: ["format": "pt"],
                                        dtype: dtype == .bf16 ? .bf16 : .f32)
        } catch { throw TrainingError.io(path: url.path, reason: "\(error.localizedDescription)") }
        try configJSON(model.configuration, dtype: dtype).write(to: url.appendingPathComponent("config.json"))
        for (name, data) in generatedFiles.sorted(by: { $0.key < $1.key }) {
            do { try data.write(to: url.appendingPathComponent(name), options: .atomic) } catch {
                throw TrainingError.io(path: url.appendingPathComponent(name).path, reason: error.localizedDescription)
            }
        }
        for f in tokenizerFiles {
            let dest = url.appendingPathComponent(f.lastPathComponent)
            try? fm.removeItem(at: dest)
            do { try fm.copyItem(at: f, to: dest) } catch {
                throw TrainingError.io(path: f.path, reason: "cannot copy the tokenizer file: \(error.localizedDescription)")
            }
        }
    }

    /// config.json for the checkpoint: the base config (torch_dtype of the weights written) or one built from
    /// the configuration, in the format checkpoints have always had (HF key names; `eos_token_id` a single id,
    /// absent when there is none), which `DecoderConfiguration(configJSON:)` and transformers read.
    func configJSON(_ cfg: DecoderConfiguration, dtype: CheckpointFormat.WeightsDType = .fp32) throws -> Data {
        var dict: [String: Any]
        if let base = baseConfigJSON, let d = try? JSONSerialization.jsonObject(with: base) as? [String: Any] {
            dict = d
        } else {
            let enc = try JSONEncoder().encode(cfg)
            dict = (try JSONSerialization.jsonObject(with: enc) as? [String: Any]) ?? [:]
            switch cfg.eosTokenIDs.count {
            case 0: dict.removeValue(forKey: "eos_token_id")
            case 1: dict["eos_token_id"] = cfg.eosTokenIDs[0]
            default: break
            }
            dict["architectures"] = [cfg.modelType == "qwen2" ? "Qwen2ForCausalLM" : "LlamaForCausalLM"]
            dict["hidden_act"] = "silu"
        }
        dict["torch_dtype"] = dtype.torchDType
        return try JSONSerialization.data(withJSONObject: dict, options: [.prettyPrinted, .sortedKeys])
    }

    /// Saves weights (in `format`'s dtype), the optimiser moments (if `format` keeps them), HF's
    /// trainer_state.json (`hfState`, or one without log history) and the loop state as `step-NNNNNN`,
    /// then points `latest` at it.
    @discardableResult
    public func save(model: PolicyModel, optimizer: AdamW, state: TrainerState, format: CheckpointFormat = CheckpointFormat(),
                     hfState: HFTrainerState? = nil) throws -> URL {
        let url = directory.appendingPathComponent(String(format: "step-%06d", state.step))
        try writeModelFolder(model, to: url, dtype: format.weights)
        var state = state
        state.format = format
        let hf = hfState ?? HFTrainerState(globalStep: state.step, maxSteps: state.step, promptsPerStep: 1, promptCount: 1,
                                           batchSize: 1, evalSteps: 0, saveSteps: 1, log: [])
        let optimizerFile = url.appendingPathComponent("optimizer.safetensors")
        do {
            if format.saveOptimizer {
                var moments: [(String, Tensor)] = []
                for s in model.parameters.slots {
                    let r = s.offset..<(s.offset + s.count)
                    moments.append(("exp_avg." + s.name, (try? Tensor(shape: s.shape, storage: Array(optimizer.m[r]))) ?? Tensor(zeros: s.shape)))
                    moments.append(("exp_avg_sq." + s.name, (try? Tensor(shape: s.shape, storage: Array(optimizer.v[r]))) ?? Tensor(zeros: s.shape)))
                }
                try SafetensorsWriter.write(moments, to: optimizerFile, metadata: ["step": String(optimizer.step)])
            } else if FileManager.default.fileExists(atPath: optimizerFile.path) {
                try FileManager.default.removeItem(at: optimizerFile)       // a rewritten step folder keeps no stale moments
            }
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(state).write(to: url.appendingPathComponent(Self.stateFile), options: .atomic)
            try hf.json().write(to: url.appendingPathComponent("trainer_state.json"), options: .atomic)
            try Data(url.lastPathComponent.utf8).write(to: directory.appendingPathComponent("latest"), options: .atomic)
        } catch let e as TrainingError { throw e } catch {
            throw TrainingError.io(path: url.path, reason: error.localizedDescription)
        }
        try prune(keeping: url.lastPathComponent)
        return url
    }

    /// Removes all but the newest `keepLast` step folders (never `latest`'s), after `latest` moved on, so a
    /// kill during pruning still leaves a complete checkpoint.
    func prune(keeping current: String) throws {
        guard keepLast > 0 else { return }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasPrefix("step-") }.sorted()
        for name in names.dropLast(keepLast) where name != current {
            do { try FileManager.default.removeItem(at: directory.appendingPathComponent(name)) } catch {
                throw TrainingError.io(path: directory.appendingPathComponent(name).path, reason: "cannot remove an old checkpoint: \(error.localizedDescription)")
            }
        }
    }

    /// The folder of the last complete checkpoint, if any.
    public func latest() -> URL? {
        guard let d = try? Data(contentsOf: directory.appendingPathComponent("latest")),
              let name = String(data: d, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty
        else { return nil }
        return directory.appendingPathComponent(name)
    }

    /// The loop state of the checkpoint at `url`: r1audit_state.json, or the trainer_state.json of
    /// checkpoints written before it.
    public static func loopState(at url: URL) throws -> TrainerState {
        let current = url.appendingPathComponent(stateFile), legacy = url.appendingPathComponent("trainer_state.json")
        let path = FileManager.default.fileExists(atPath: current.path) ? current : legacy
        do { return try JSONDecoder().decode(TrainerState.self, from: Data(contentsOf: path)) } catch {
            throw TrainingError.corruptState(path: path.path, reason: "unreadable trainer state (\(error.localizedDescription))")
        }
    }

    /// The log_history of the checkpoint at `url` (empty for checkpoints without HF's trainer_state.json).
    public static func logHistory(at url: URL) -> [HFLogEntry] {
        guard let data = try? Data(contentsOf: url.appendingPathComponent("trainer_state.json")),
              let hf = try? JSONDecoder().decode(HFTrainerState.self, from: data) else { return [] }
        return hf.log_history
    }

    /// Loads the last checkpoint into `model` and `optimizer`; returns its state, or nil when there is none.
    /// A checkpoint saved without optimiser state is refused (`TrainingError.noOptimizerState`).
    public func restore(model: inout PolicyModel, optimizer: inout AdamW) throws -> TrainerState? {
        guard let url = latest() else { return nil }
        let state = try Self.loopState(at: url)
        let optimizerFile = url.appendingPathComponent("optimizer.safetensors")
        if state.format?.saveOptimizer == false || !FileManager.default.fileExists(atPath: optimizerFile.path) {
            throw TrainingError.noOptimizerState(checkpoint: url.path)
        }
        do {
            let weights = try SafetensorsFile(url: url.appendingPathComponent("model.safetensors"))
            let moments = try SafetensorsFile(url: optimizerFile)
            for s in model.parameters.slots {
                let w = try weights.tensor(s.name), m = try moments.tensor("exp_avg." + s.name), v = try moments.tensor("exp_avg_sq." + s.name)
                guard w.count == s.count, m.count == s.count, v.count == s.count else {
                    throw TrainingError.corruptState(path: url.path, reason: "tensor \(s.name) has the wrong size")
                }
                model.parameters.values.replaceSubrange(s.offset..<(s.offset + s.count), with: w.storage)
                optimizer.m.replaceSubrange(s.offset..<(s.offset + s.count), with: m.storage)
                optimizer.v.replaceSubrange(s.offset..<(s.offset + s.count), with: v.storage)
            }
        } catch let e as TrainingError { throw e } catch {
            throw TrainingError.corruptState(path: url.path, reason: error.localizedDescription)
        }
        optimizer.step = state.optimizerStep
        return state
    }
}

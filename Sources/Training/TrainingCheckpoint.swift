// Checkpoints as Hugging Face folders (model.safetensors + config.json + the tokenizer files), which
// transformers' from_pretrained and our engine load, plus the optimiser moments and the loop state
// needed by --resume (as HF Trainer's optimizer.pt / trainer_state.json, in safetensors and JSON).
// A `latest` file is written last, so a run killed mid-save resumes from the previous complete one.

import Foundation
import Checkpoints
import Models
import Tensors

/// The loop state saved beside the weights.
public struct TrainerState: Sendable, Codable, Hashable {
    /// RL steps completed.
    public var step: Int
    /// AdamW steps taken.
    public var optimizerStep: Int
    /// The run's seed (data order and sampling seeds derive from it and the step).
    public var seed: UInt64
    /// Fingerprint of the settings that must not change on resume.
    public var settings: String
}

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

    /// Writes an HF folder for `model` at `url` (no optimiser state): what `export` and evaluation load.
    public func writeModelFolder(_ model: PolicyModel, to url: URL) throws {
        let fm = FileManager.default
        do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw TrainingError.io(path: url.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        let named = model.parameters.slots.map { s in
            (s.name, (try? Tensor(shape: s.shape, storage: Array(model.parameters.values[s.offset..<(s.offset + s.count)])))
                ?? Tensor(zeros: s.shape))
        }
        do {
            try SafetensorsWriter.write(named, to: url.appendingPathComponent("model.safetensors"), metadata: ["format": "pt"])
        } catch { throw TrainingError.io(path: url.path, reason: "\(error.localizedDescription)") }
        try configJSON(model.configuration).write(to: url.appendingPathComponent("config.json"))
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

    /// config.json for the checkpoint: the base config (dtype float32) or one built from the configuration,
    /// in the format checkpoints have always had (HF key names; `eos_token_id` a single id, absent when
    /// there is none), which `DecoderConfiguration(configJSON:)` and transformers read.
    func configJSON(_ cfg: DecoderConfiguration) throws -> Data {
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
        dict["torch_dtype"] = "float32"
        return try JSONSerialization.data(withJSONObject: dict, options: [.prettyPrinted, .sortedKeys])
    }

    /// Saves weights, optimiser moments and loop state as `step-NNNNNN`, then points `latest` at it.
    @discardableResult
    public func save(model: PolicyModel, optimizer: AdamW, state: TrainerState) throws -> URL {
        let url = directory.appendingPathComponent(String(format: "step-%06d", state.step))
        try writeModelFolder(model, to: url)
        var moments: [(String, Tensor)] = []
        for s in model.parameters.slots {
            let r = s.offset..<(s.offset + s.count)
            moments.append(("exp_avg." + s.name, (try? Tensor(shape: s.shape, storage: Array(optimizer.m[r]))) ?? Tensor(zeros: s.shape)))
            moments.append(("exp_avg_sq." + s.name, (try? Tensor(shape: s.shape, storage: Array(optimizer.v[r]))) ?? Tensor(zeros: s.shape)))
        }
        do {
            try SafetensorsWriter.write(moments, to: url.appendingPathComponent("optimizer.safetensors"),
                                        metadata: ["step": String(optimizer.step)])
            try JSONEncoder().encode(state).write(to: url.appendingPathComponent("trainer_state.json"), options: .atomic)
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

    /// Loads the last checkpoint into `model` and `optimizer`; returns its state, or nil when there is none.
    public func restore(model: inout PolicyModel, optimizer: inout AdamW) throws -> TrainerState? {
        guard let url = latest() else { return nil }
        let statePath = url.appendingPathComponent("trainer_state.json")
        let state: TrainerState
        do { state = try JSONDecoder().decode(TrainerState.self, from: Data(contentsOf: statePath)) } catch {
            throw TrainingError.corruptState(path: statePath.path, reason: "unreadable trainer state (\(error.localizedDescription))")
        }
        do {
            let weights = try SafetensorsFile(url: url.appendingPathComponent("model.safetensors"))
            let moments = try SafetensorsFile(url: url.appendingPathComponent("optimizer.safetensors"))
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

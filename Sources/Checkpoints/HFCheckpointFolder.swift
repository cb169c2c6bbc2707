// A Hugging Face model folder: config.json plus model.safetensors or a sharded
// model.safetensors.index.json (transformers' modeling_utils load_sharded_checkpoint layout).
import Foundation
import Tensors

/// A Hugging Face checkpoint folder with its weights mapped lazily from the safetensors shards.
public struct HFCheckpointFolder: Sendable {
    /// The folder.
    public let url: URL
    /// Raw `config.json` (decode it with `JSONDecoder` into the model configuration).
    public let configData: Data
    /// Raw `generation_config.json`, if present.
    public let generationConfigData: Data?
    private let files: [SafetensorsFile]
    private let location: [String: Int]

    /// Opens `url`: reads config.json and maps `model.safetensors` or every shard named in `model.safetensors.index.json`.
    public init(url: URL) throws {
        self.url = url
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
            throw CheckpointError.fileNotFound(path: url.path)
        }
        let configURL = url.appendingPathComponent("config.json")
        guard let cfg = fm.contents(atPath: configURL.path) else { throw CheckpointError.fileNotFound(path: configURL.path) }
        configData = cfg
        generationConfigData = fm.contents(atPath: url.appendingPathComponent("generation_config.json").path)

        let single = url.appendingPathComponent("model.safetensors")
        let indexURL = url.appendingPathComponent("model.safetensors.index.json")
        var shards: [String]
        if fm.fileExists(atPath: single.path) {
            shards = ["model.safetensors"]
        } else if let idx = fm.contents(atPath: indexURL.path) {
            guard let obj = (try? JSONSerialization.jsonObject(with: idx)) as? [String: Any],
                  let map = obj["weight_map"] as? [String: String] else {
                throw CheckpointError.invalidMetadata(file: indexURL.path, key: "weight_map", reason: "missing or not an object of strings")
            }
            shards = Array(Set(map.values)).sorted()
        } else {
            let any = (try? fm.contentsOfDirectory(atPath: url.path))?.filter { $0.hasSuffix(".safetensors") }.sorted() ?? []
            guard !any.isEmpty else { throw CheckpointError.fileNotFound(path: single.path) }
            shards = any
        }
        var fs = [SafetensorsFile](), loc = [String: Int]()
        for s in shards {
            let f = try SafetensorsFile(url: url.appendingPathComponent(s))
            for n in f.entries.keys { loc[n] = fs.count }
            fs.append(f)
        }
        files = fs; location = loc
    }

    /// `config.json` as a dictionary.
    public var config: [String: Any] {
        ((try? JSONSerialization.jsonObject(with: configData)) as? [String: Any]) ?? [:]
    }

    /// All tensor names across shards, sorted.
    public var tensorNames: [String] { location.keys.sorted() }

    /// Whether a tensor exists.
    public func contains(_ name: String) -> Bool { location[name] != nil }

    /// A tensor as fp32, from whichever shard holds it.
    public func tensor(_ name: String) throws -> Tensor {
        guard let i = location[name] else { throw CheckpointError.tensorNotFound(file: url.lastPathComponent, tensor: name) }
        return try files[i].tensor(name)
    }

    /// URL of a file in the folder (e.g. `tokenizer.json`), or nil when it does not exist.
    public func file(_ name: String) -> URL? {
        let u = url.appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: u.path) ? u : nil
    }
}

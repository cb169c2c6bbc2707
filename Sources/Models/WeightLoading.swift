// Loading a checkpoint as HF-named fp32 tensors in PyTorch layout, whatever the file format: a GGUF
// (any type Checkpoints can dequantise; llama q/k rows un-permuted back to HF's rotate_half layout, see
// TensorNames; gemma3 norm weights shifted back from llama.cpp's 1 + w to HF's w) or a Hugging Face
// folder (config.json + safetensors). The training stage starts from these.
import Foundation
import Checkpoints
import Tensors

/// Reads a GGUF file or an HF folder into a configuration and HF-named fp32 weights ((out, in) layout,
/// HF q/k convention, `lm_head.weight` only when the embeddings are untied).
public func loadFloatWeights(path: String) throws -> (DecoderConfiguration, [String: Tensor]) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CheckpointError.fileNotFound(path: path)
    }
    if isDirectory.boolValue { return try loadFolderWeights(URL(fileURLWithPath: path)) }
    return try loadGGUFWeights(GGUFFile(url: URL(fileURLWithPath: path)))
}

/// The decoder's weights from an open GGUF file, dequantised and renamed to HF names.
public func loadGGUFWeights(_ gguf: GGUFFile) throws -> (DecoderConfiguration, [String: Tensor]) {
    let configuration = try DecoderConfiguration(gguf: gguf)
    var weights = [String: Tensor]()
    let isGemma3 = configuration.modelType == Gemma3.modelType
    for info in gguf.tensors {
        guard let name = TensorNames.huggingFace(fromGGUF: info.name, architecture: configuration.modelType) else { continue }
        var t = try gguf.dequantize(info.name)
        // llama.cpp's converter (`Gemma3Model.modify_tensors`) stores gemma norms as 1 + w; HF stores w.
        if isGemma3 && info.name.hasSuffix("norm.weight") { t.storage = t.storage.map { $0 - 1 } }
        if configuration.modelType == "llama" {
            if info.name.hasSuffix("attn_q.weight") || info.name.hasSuffix("attn_q.bias") {
                t = TensorNames.unpermuteFromGGUF(t, heads: configuration.numAttentionHeads)
            } else if info.name.hasSuffix("attn_k.weight") || info.name.hasSuffix("attn_k.bias") {
                t = TensorNames.unpermuteFromGGUF(t, heads: configuration.numKeyValueHeads)
            }
        }
        weights[name] = t
    }
    return (configuration, weights)
}

/// The decoder's weights from an HF folder (config.json plus one or sharded safetensors files).
public func loadFolderWeights(_ url: URL) throws -> (DecoderConfiguration, [String: Tensor]) {
    let folder = try HFCheckpointFolder(url: url)
    var configuration: DecoderConfiguration
    do { configuration = try JSONDecoder().decode(DecoderConfiguration.self, from: folder.configData) } catch let DecodingError.keyNotFound(key, _) {
        throw ModelError.invalidConfiguration(file: url.appendingPathComponent("config.json").path, key: key.stringValue,
                                              reason: "missing")
    } catch {
        throw ModelError.invalidConfiguration(file: url.appendingPathComponent("config.json").path, key: "(json)",
                                              reason: "\(error)")
    }
    var weights = [String: Tensor]()
    for name in folder.tensorNames where name.hasPrefix("model.") || name == "lm_head.weight" {
        weights[name] = try folder.tensor(name)
    }
    // Checkpoints saved with tied embeddings sometimes omit the flag but also omit lm_head.
    if weights["lm_head.weight"] == nil { configuration.tieWordEmbeddings = true }
    if configuration.tieWordEmbeddings { weights["lm_head.weight"] = nil }
    try configuration.validate(file: url.path)
    return (configuration, weights)
}

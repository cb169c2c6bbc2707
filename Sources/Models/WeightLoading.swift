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
    for info in gguf.tensors {
        guard let name = TensorNames.huggingFace(fromGGUF: info.name, architecture: configuration.modelType) else { continue }
        weights[name] = try dequantizeGGUFTensor(gguf, info.name, configuration: configuration)
    }
    return (configuration, weights)
}

/// One GGUF tensor as fp32 in HF layout (llama q/k rows un-permuted, gemma3 norms shifted back).
private func dequantizeGGUFTensor(_ gguf: GGUFFile, _ ggufName: String, configuration: DecoderConfiguration) throws -> Tensor {
    var t = try gguf.dequantize(ggufName)
    // llama.cpp's converter (`Gemma3Model.modify_tensors`) stores gemma norms as 1 + w; HF stores w.
    if configuration.modelType == Gemma3.modelType && ggufName.hasSuffix("norm.weight") {
        t.storage = t.storage.map { $0 - 1 }
    }
    if configuration.modelType == "llama" {
        if ggufName.hasSuffix("attn_q.weight") || ggufName.hasSuffix("attn_q.bias") {
            t = TensorNames.unpermuteFromGGUF(t, heads: configuration.numAttentionHeads)
        } else if ggufName.hasSuffix("attn_k.weight") || ggufName.hasSuffix("attn_k.bias") {
            t = TensorNames.unpermuteFromGGUF(t, heads: configuration.numKeyValueHeads)
        }
    }
    return t
}

/// The decoder of an open GGUF file: llama/qwen2 with its weights in `weightFormat` (see `loadLlama`),
/// gemma3 in fp32 (it has no compact path yet).
public func loadDecoder(gguf: GGUFFile, weightFormat: WeightFormat) throws -> any CausalDecoder {
    let configuration = try DecoderConfiguration(gguf: gguf)
    if configuration.modelType == Gemma3.modelType {
        let (configuration, weights) = try loadGGUFWeights(gguf)
        return try ModelError.naming(file: gguf.url.lastPathComponent) { try Gemma3(configuration: configuration, weights: weights) }
    }
    return try loadLlama(gguf: gguf, weightFormat: weightFormat)
}

/// The llama/qwen2 decoder of an open GGUF file with its weights in `weightFormat`, dequantising one
/// tensor at a time so that peak memory stays near the compact size (the all-fp32 dictionary of
/// `loadGGUFWeights` is 0.54 GB for SmolLM2-135M against 0.14 GB in q8).
public func loadLlama(gguf: GGUFFile, weightFormat: WeightFormat) throws -> Llama {
    let configuration = try DecoderConfiguration(gguf: gguf)
    var ggufNames = [String: String]()
    for info in gguf.tensors {
        if let name = TensorNames.huggingFace(fromGGUF: info.name, architecture: configuration.modelType) {
            ggufNames[name] = info.name
        }
    }
    return try ModelError.naming(file: gguf.url.lastPathComponent) {
        try Llama(configuration: configuration, weightFormat: weightFormat, hasLMHead: ggufNames["lm_head.weight"] != nil) { name in
            try ggufNames[name].map { try dequantizeGGUFTensor(gguf, $0, configuration: configuration) }
        }
    }
}

/// The decoder's weights from an HF folder (config.json plus one or sharded safetensors files).
public func loadFolderWeights(_ url: URL) throws -> (DecoderConfiguration, [String: Tensor]) {
    let folder = try HFCheckpointFolder(url: url)
    var configuration: DecoderConfiguration
    do { configuration = try JSONDecoder().decode(DecoderConfiguration.self, from: folder.configData) } catch let DecodingError.keyNotFound(key, _) {
        throw ModelError.invalidConfiguration(file: url.appendingPathComponent("config.json").path, key: key.stringValue,
                                              reason: "missing")
    } catch let e as ModelError {
        throw e.naming(file: url.appendingPathComponent("config.json").path)
    } catch {
        throw ModelError.invalidConfiguration(file: url.appendingPathComponent("config.json").path, key: "(json)",
                                              reason: "\(error)")
    }
    // Checked before any tensor is read, so a hostile config allocates nothing.
    try configuration.validate(file: url.appendingPathComponent("config.json").path)
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

// Hostile counts and values in GGUF metadata and config.json: rejected at load naming the file and key,
// before anything is allocated from them (issues 19 and 22).
import Foundation
import Testing
import Checkpoints
import Tensors
import TestSupport
@testable import Models

@Suite struct HostileConfigurationTests {
    /// A tiny llama GGUF with `key` overridden to `value` (all other metadata and tensors kept).
    func tinyGGUF(overriding key: String, with value: GGUFValue?, dropping tensor: String? = nil) throws -> URL {
        let dir = try TinyModelFactory.temporaryDirectory("hostile")
        let c = TinyModelFactory.configuration()
        let clean = try TinyModelFactory.writeGGUF(to: dir.appendingPathComponent("clean.gguf"), configuration: c,
                                                   weights: TinyModelFactory.weights(c))
        let g = try GGUFFile(url: clean)
        var w = GGUFWriter()
        for k in g.metadataKeys where k != "general.alignment" { w.set(k, g.metadata[k]!) }
        if let value { w.set(key, value) }
        for t in g.tensors where t.name != tensor {
            try w.addRaw(t.name, dimensions: t.dimensions, type: t.type, bytes: Array(try g.rawBytes(t.name)))
        }
        let url = dir.appendingPathComponent("hostile.gguf")
        try w.write(to: url)
        return url
    }

    @Test(arguments: [
        ("llama.block_count", GGUFValue.uint32(1 << 31)), ("llama.block_count", .uint64(1 << 40)), ("llama.block_count", .uint32(0)),
        ("llama.block_count", .uint32(500)),  // within the limit but more blocks than the file has tensors
        ("llama.embedding_length", .uint32(1 << 31)), ("llama.feed_forward_length", .uint32(1 << 31)),
        ("llama.attention.head_count", .uint32(1 << 31)), ("llama.vocab_size", .uint32(1 << 31)),
        ("llama.context_length", .uint32(0)), ("llama.context_length", .int32(-1)),
        ("llama.rope.freq_base", .float32(.nan)), ("llama.rope.freq_base", .float32(0)), ("llama.rope.freq_base", .float32(-1)),
        ("llama.attention.layer_norm_rms_epsilon", .float32(.nan)), ("llama.attention.layer_norm_rms_epsilon", .float32(-1)),
        ("llama.attention.layer_norm_rms_epsilon", .float32(.infinity)),
    ])
    func ggufValueIsRejectedNamingTheKey(key: String, value: GGUFValue) throws {
        let url = try tinyGGUF(overriding: key, with: value)
        let gguf = try GGUFFile(url: url)
        #expect { try loadLlama(gguf: gguf, weightFormat: .fp32) } throws: { e in
            guard case let .invalidConfiguration(file, k, _) = e as? ModelError else { return false }
            return file == "hostile.gguf" && k == key
        }
    }

    @Test func missingGGUFWeightNamesTheFile() throws {
        let gguf = try GGUFFile(url: try tinyGGUF(overriding: "", with: nil, dropping: "blk.0.ffn_up.weight"))
        let error = try #require(throws: ModelError.self) { try loadLlama(gguf: gguf, weightFormat: .fp32) }
        #expect(error == .missingTensor(name: "model.layers.0.mlp.up_proj.weight", file: "hostile.gguf"))
        #expect(error.localizedDescription.hasPrefix("hostile.gguf: weight 'model.layers.0.mlp.up_proj.weight' is missing"))
    }

    @Test func shapeMismatchNamesTheFileOnceALoaderNamesIt() {
        let e = ModelError.shapeMismatch(tensor: "model.embed_tokens.weight", expected: [64, 16], got: [16, 64])
        let named = e.naming(file: "/models/m")
        #expect(named == .shapeMismatch(tensor: "model.embed_tokens.weight", expected: [64, 16], got: [16, 64], file: "/models/m"))
        #expect(named.localizedDescription.hasPrefix("/models/m: weight 'model.embed_tokens.weight' has shape [16, 64]"))
        #expect(named.naming(file: "other") == named)
    }

    /// A tiny llama HF folder whose config.json has `key` set to the JSON `value`.
    @Test(arguments: [
        ("num_hidden_layers", "2147483648", "llama"), ("num_hidden_layers", "2147483648", "gemma3_text"),
        ("hidden_size", "2147483648", "llama"), ("vocab_size", "2147483648", "llama"),
        ("num_attention_heads", "2147483648", "llama"), ("max_position_embeddings", "0", "llama"),
        ("max_position_embeddings", "-1", "llama"), ("rope_theta", "0", "llama"), ("rope_theta", "-1", "llama"),
        ("rope_scaling", #"{"rope_type": "linear", "factor": 0}"#, "llama"),
    ])
    func configValueIsRejectedNamingTheKey(key: String, value: String, modelType: String) throws {
        let dir = try TinyModelFactory.temporaryDirectory("hostile-config")
        let c = modelType == "llama" ? TinyModelFactory.configuration() : TinyModelFactory.gemma3Configuration()
        _ = try TinyModelFactory.writeFolder(to: dir, configuration: c, weights: modelType == "llama"
                                         ? TinyModelFactory.weights(c) : TinyModelFactory.gemma3Weights(c))
        let configURL = dir.appendingPathComponent("config.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any])
        object[key] = try JSONSerialization.jsonObject(with: Data(value.utf8), options: .fragmentsAllowed)
        object.removeValue(forKey: "layer_types")
        try JSONSerialization.data(withJSONObject: object).write(to: configURL)
        let expectedKey = key == "rope_scaling" ? "rope_scaling.factor" : key
        for load in [{ _ = try loadFolderWeights(dir) }, { _ = try DecoderConfiguration(configJSON: configURL) }] {
            #expect { try load() } throws: { e in
                guard case let .invalidConfiguration(file, k, _) = e as? ModelError else { return false }
                return file == configURL.path && k == expectedKey
            }
        }
    }
}

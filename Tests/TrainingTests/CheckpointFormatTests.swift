// Checkpoint folders written before the trainer used `Models.DecoderConfiguration` still load, and new
// ones keep their config.json byte-for-byte in meaning: the literals below are what the trainer wrote
// (HF key names, `eos_token_id` a single id or absent, architectures, hidden_act, torch_dtype float32).

import Foundation
import Models
import Testing
@testable import Training

@Suite struct CheckpointFormatTests {
    static let llamaJSON = """
    {
      "architectures" : [
        "LlamaForCausalLM"
      ],
      "attention_bias" : false,
      "eos_token_id" : 1,
      "head_dim" : 8,
      "hidden_act" : "silu",
      "hidden_size" : 16,
      "intermediate_size" : 32,
      "max_position_embeddings" : 2048,
      "model_type" : "llama",
      "num_attention_heads" : 2,
      "num_hidden_layers" : 1,
      "num_key_value_heads" : 1,
      "rms_norm_eps" : 1.0000000000000001e-05,
      "rope_theta" : 10000,
      "tie_word_embeddings" : true,
      "torch_dtype" : "float32",
      "vocab_size" : 16
    }
    """
    static let llama = DecoderConfiguration(modelType: "llama", hiddenSize: 16, intermediateSize: 32, numHiddenLayers: 1,
                                            numAttentionHeads: 2, numKeyValueHeads: 1, vocabSize: 16,
                                            tieWordEmbeddings: true, eosTokenIDs: [1])

    static let qwen2JSON = """
    {
      "architectures" : [
        "Qwen2ForCausalLM"
      ],
      "attention_bias" : true,
      "bos_token_id" : 3,
      "head_dim" : 4,
      "hidden_act" : "silu",
      "hidden_size" : 12,
      "intermediate_size" : 20,
      "max_position_embeddings" : 128,
      "model_type" : "qwen2",
      "num_attention_heads" : 3,
      "num_hidden_layers" : 2,
      "num_key_value_heads" : 1,
      "rms_norm_eps" : 1e-06,
      "rope_scaling" : {
        "factor" : 8,
        "high_freq_factor" : 4,
        "low_freq_factor" : 1,
        "original_max_position_embeddings" : 64,
        "rope_type" : "llama3"
      },
      "rope_theta" : 1000000,
      "tie_word_embeddings" : false,
      "torch_dtype" : "float32",
      "vocab_size" : 19
    }
    """
    static let qwen2 = DecoderConfiguration(
        modelType: "qwen2", hiddenSize: 12, intermediateSize: 20, numHiddenLayers: 2, numAttentionHeads: 3,
        numKeyValueHeads: 1, vocabSize: 19, rmsNormEps: 1e-6, ropeTheta: 1_000_000,
        ropeScaling: RoPEScalingParameters(type: "llama3", factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4,
                                           originalMaxPositionEmbeddings: 64),
        maxPositionEmbeddings: 128, tieWordEmbeddings: false, bosTokenID: 3)

    static func object(_ data: Data) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    @Test(arguments: [(llamaJSON, llama), (qwen2JSON, qwen2)])
    func existingCheckpointRoundTrips(json: String, expected: DecoderConfiguration) throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-ckpt-format-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let store = CheckpointStore(directory: tmp)
        // An old checkpoint: its weights, and config.json exactly as the trainer wrote it.
        let original = try PolicyModel.random(configuration: expected, seed: 9)
        let old = tmp.appendingPathComponent("old")
        try store.writeModelFolder(original, to: old)
        try Data(json.utf8).write(to: old.appendingPathComponent("config.json"))

        let loaded = try PolicyModel.load(path: old.path)
        #expect(loaded.configuration == expected)
        #expect(loaded.parameters.values == original.parameters.values)

        // Written again, config.json says the same thing in the same keys and value types.
        let again = tmp.appendingPathComponent("again")
        try store.writeModelFolder(loaded, to: again)
        let written = try Data(contentsOf: again.appendingPathComponent("config.json"))
        #expect(try Self.object(written) == Self.object(Data(json.utf8)), "\(String(decoding: written, as: UTF8.self))")
    }

    @Test func gemma3IsAVariantTheTrainerRejects() throws {
        var cfg = Self.llama
        cfg.modelType = Gemma3.modelType
        #expect(throws: TrainingError.self) { try cfg.validateTrainable() }
        #expect(throws: TrainingError.self) { try PolicyModel.random(configuration: cfg, seed: 1) }
    }
}

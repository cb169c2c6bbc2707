// DecoderConfiguration from HF config.json (defaults for absent keys, eos as int or list, rope_scaling)
// and the GGUF↔HF tensor-name table with llama.cpp's q/k permutation.
import Testing
import Foundation
import Tensors
@testable import Models

@Suite struct ConfigurationTests {
    @Test func decodesSmolLM2StyleConfigWithDefaults() throws {
        let json = """
        {"model_type": "llama", "hidden_size": 576, "intermediate_size": 1536, "num_hidden_layers": 30,
         "num_attention_heads": 9, "num_key_value_heads": 3, "vocab_size": 49152, "rms_norm_eps": 1e-05,
         "rope_theta": 100000, "tie_word_embeddings": true, "eos_token_id": 2, "bos_token_id": 1}
        """
        let c = try JSONDecoder().decode(DecoderConfiguration.self, from: Data(json.utf8))
        #expect(c.headDim == 64 && c.eosTokenIDs == [2] && c.tieWordEmbeddings && !c.attentionBias)
        #expect(c.maxPositionEmbeddings == 2048 && c.ropeScaling == nil)
        try c.validate(file: "config.json")
    }

    @Test func qwen2DefaultsToBiasesAndListEOS() throws {
        let json = """
        {"model_type": "qwen2", "hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24,
         "num_attention_heads": 14, "num_key_value_heads": 2, "vocab_size": 151936, "eos_token_id": [151645, 151643],
         "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                          "original_max_position_embeddings": 8192}}
        """
        let c = try JSONDecoder().decode(DecoderConfiguration.self, from: Data(json.utf8))
        #expect(c.attentionBias && c.eosTokenIDs == [151645, 151643] && c.ropeScaling?.type == "llama3")
        _ = try c.ropeFrequencies()
    }

    @Test func unsupportedRopeScalingIsNamed() throws {
        var c = DecoderConfiguration(hiddenSize: 8, intermediateSize: 8, numHiddenLayers: 1, numAttentionHeads: 2,
                                     numKeyValueHeads: 1, vocabSize: 10)
        c.ropeScaling = RoPEScalingParameters(type: "yarn", factor: 4)
        #expect(throws: ModelError.self) { try c.validate(file: "config.json") }
    }

    @Test(arguments: [("token_embd.weight", "model.embed_tokens.weight"),
                      ("blk.3.attn_q.weight", "model.layers.3.self_attn.q_proj.weight"),
                      ("blk.0.attn_k.bias", "model.layers.0.self_attn.k_proj.bias"),
                      ("blk.12.ffn_down.weight", "model.layers.12.mlp.down_proj.weight"),
                      ("output.weight", "lm_head.weight")])
    func namesRoundTrip(_ pair: (String, String)) {
        #expect(TensorNames.huggingFace(fromGGUF: pair.0) == pair.1)
        #expect(TensorNames.gguf(fromHuggingFace: pair.1) == pair.0)
    }

    /// llama.cpp's permute on a 2-head, head_dim 4 projection: rows (0 1 | 2 3) → (0 2 1 3) per head.
    @Test func permutationMatchesLlamaCppConverter() throws {
        let t = try Tensor(shape: [8, 1], storage: (0..<8).map(Float.init))
        let p = TensorNames.permuteForGGUF(t, heads: 2)
        #expect(p.storage == [0, 2, 1, 3, 4, 6, 5, 7])
        #expect(TensorNames.unpermuteFromGGUF(p, heads: 2) == t)
    }
}

// Every weight a decoder of this configuration has, by Hugging Face name and PyTorch shape (out, in):
// the one list the engine's loaders check against and the trainer lays its parameters out by.
// llama/qwen2: the llama block (qwen2 adds q/k/v biases); gemma3_text: its q/k norms and four
// per-layer norms (HF `Gemma3DecoderLayer`).

extension DecoderConfiguration {
    /// Every tensor, HF name and shape, in a fixed order (embedding, layers 0…L−1, final norm, lm_head
    /// when not tied).
    public var huggingFaceTensorShapes: [(name: String, shape: [Int])] {
        let c = hiddenSize, q = numAttentionHeads * headDim, kv = numKeyValueHeads * headDim, i = intermediateSize
        let isGemma3 = modelType == Gemma3.modelType
        var out: [(name: String, shape: [Int])] = [("model.embed_tokens.weight", [vocabSize, c])]
        for l in 0..<numHiddenLayers {
            let p = "model.layers.\(l)."
            out.append((p + "input_layernorm.weight", [c]))
            out.append((p + "self_attn.q_proj.weight", [q, c]))
            out.append((p + "self_attn.k_proj.weight", [kv, c]))
            out.append((p + "self_attn.v_proj.weight", [kv, c]))
            if attentionBias {
                out.append((p + "self_attn.q_proj.bias", [q]))
                out.append((p + "self_attn.k_proj.bias", [kv]))
                out.append((p + "self_attn.v_proj.bias", [kv]))
            }
            if isGemma3 {
                out.append((p + "self_attn.q_norm.weight", [headDim]))
                out.append((p + "self_attn.k_norm.weight", [headDim]))
            }
            out.append((p + "self_attn.o_proj.weight", [c, q]))
            out.append((p + "post_attention_layernorm.weight", [c]))
            if isGemma3 { out.append((p + "pre_feedforward_layernorm.weight", [c])) }
            out.append((p + "mlp.gate_proj.weight", [i, c]))
            out.append((p + "mlp.up_proj.weight", [i, c]))
            out.append((p + "mlp.down_proj.weight", [c, i]))
            if isGemma3 { out.append((p + "post_feedforward_layernorm.weight", [c])) }
        }
        out.append(("model.norm.weight", [c]))
        if !tieWordEmbeddings { out.append(("lm_head.weight", [vocabSize, c])) }
        return out
    }
}

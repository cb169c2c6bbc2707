// The GGUF ↔ Hugging Face tensor-name tables for llama/qwen2 and gemma3 (llama.cpp `gguf-py/gguf/tensor_mapping.py`)
// and the q/k row permutation that llama.cpp's `convert_hf_to_gguf.py` (`LlamaModel.permute`) applies to
// llama checkpoints so its interleaved RoPE matches HF's rotate_half. qwen2 is converted unpermuted.
import Tensors

/// Translates tensor names and llama's q/k layout between GGUF and HF.
public enum TensorNames {
    /// Whole-model tensors: GGUF name → HF name.
    static let global: [String: String] = [
        "token_embd.weight": "model.embed_tokens.weight",
        "output_norm.weight": "model.norm.weight",
        "output.weight": "lm_head.weight",
    ]
    /// Per-layer suffixes: GGUF `blk.N.<key>` → HF `model.layers.N.<value>`.
    static let perLayer: [String: String] = [
        "attn_norm.weight": "input_layernorm.weight",
        "attn_q.weight": "self_attn.q_proj.weight", "attn_q.bias": "self_attn.q_proj.bias",
        "attn_k.weight": "self_attn.k_proj.weight", "attn_k.bias": "self_attn.k_proj.bias",
        "attn_v.weight": "self_attn.v_proj.weight", "attn_v.bias": "self_attn.v_proj.bias",
        "attn_output.weight": "self_attn.o_proj.weight",
        "ffn_norm.weight": "post_attention_layernorm.weight",
        "ffn_gate.weight": "mlp.gate_proj.weight",
        "ffn_up.weight": "mlp.up_proj.weight",
        "ffn_down.weight": "mlp.down_proj.weight",
    ]

    /// gemma3's per-layer suffixes. Its four norms per layer reuse llama's GGUF names differently:
    /// `ffn_norm` is HF's pre_feedforward_layernorm and HF's post_attention_layernorm is `post_attention_norm`.
    static let gemma3PerLayer: [String: String] = [
        "attn_norm.weight": "input_layernorm.weight",
        "attn_q.weight": "self_attn.q_proj.weight",
        "attn_k.weight": "self_attn.k_proj.weight",
        "attn_v.weight": "self_attn.v_proj.weight",
        "attn_q_norm.weight": "self_attn.q_norm.weight",
        "attn_k_norm.weight": "self_attn.k_norm.weight",
        "attn_output.weight": "self_attn.o_proj.weight",
        "post_attention_norm.weight": "post_attention_layernorm.weight",
        "ffn_norm.weight": "pre_feedforward_layernorm.weight",
        "ffn_gate.weight": "mlp.gate_proj.weight",
        "ffn_up.weight": "mlp.up_proj.weight",
        "ffn_down.weight": "mlp.down_proj.weight",
        "post_ffw_norm.weight": "post_feedforward_layernorm.weight",
    ]

    /// The per-layer table of an architecture (GGUF `general.architecture` or HF `model_type`).
    static func perLayer(architecture: String) -> [String: String] {
        architecture.hasPrefix("gemma3") ? gemma3PerLayer : perLayer
    }

    /// The HF name of a GGUF tensor, or nil for tensors the decoder does not use (e.g. `rope_freqs`).
    public static func huggingFace(fromGGUF name: String, architecture: String = "llama") -> String? {
        if let g = global[name] { return g }
        let parts = name.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[0] == "blk", let layer = Int(parts[1]),
              let suffix = perLayer(architecture: architecture)[String(parts[2])] else { return nil }
        return "model.layers.\(layer).\(suffix)"
    }

    /// The GGUF name of an HF tensor, or nil when GGUF has no counterpart.
    public static func gguf(fromHuggingFace name: String, architecture: String = "llama") -> String? {
        if let g = global.first(where: { $0.value == name })?.key { return g }
        let prefix = "model.layers."
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard let dot = rest.firstIndex(of: "."), let layer = Int(rest[..<dot]) else { return nil }
        let suffix = String(rest[rest.index(after: dot)...])
        guard let key = perLayer(architecture: architecture).first(where: { $0.value == suffix })?.key else { return nil }
        return "blk.\(layer).\(key)"
    }

    /// llama.cpp's permute (HF → GGUF) of a q or k projection's rows (weight (out, in) or bias (out)):
    /// within each head, row `s·(d/2) + j` moves to `2j + s`.
    public static func permuteForGGUF(_ t: Tensor, heads: Int) -> Tensor {
        reorderRows(t, heads: heads, toGGUF: true)
    }

    /// The inverse of `permuteForGGUF` (GGUF → HF), applied when loading llama GGUF q/k weights.
    public static func unpermuteFromGGUF(_ t: Tensor, heads: Int) -> Tensor {
        reorderRows(t, heads: heads, toGGUF: false)
    }

    private static func reorderRows(_ t: Tensor, heads: Int, toGGUF: Bool) -> Tensor {
        let rows = t.shape.first ?? 0
        guard heads > 0, rows % (2 * heads) == 0 else { return t }
        let width = t.count / max(rows, 1), d = rows / heads, half = d / 2
        var out = t
        for h in 0..<heads {
            for s in 0..<2 {
                for j in 0..<half {
                    let hf = h * d + s * half + j, gg = h * d + 2 * j + s
                    let (src, dst) = toGGUF ? (hf, gg) : (gg, hf)
                    for c in 0..<width { out.storage[dst * width + c] = t.storage[src * width + c] }
                }
            }
        }
        return out
    }
}

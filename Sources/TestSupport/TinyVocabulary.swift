// The tiny models' tokenizer: GPT-2 byte-level BPE (`bytes_to_unicode` from openai/gpt-2 encoder.py)
// with the 256 byte tokens (id = byte value), 40 English merges and 3 special tokens (299 in all),
// written as an HF tokenizer.json (+ tokenizer_config.json with a ChatML template) and as GGUF
// `tokenizer.ggml.*` metadata the way llama.cpp's converter stores a `gpt2` vocabulary.
import Foundation
import Checkpoints

/// The tiny byte-level BPE vocabulary shared by every tiny-model format.
public enum TinyVocabulary {
    /// GPT-2's printable stand-in for each byte.
    public static let byteSymbols: [String] = {
        var bs = Array(33...126) + Array(161...172) + Array(174...255)
        var cs = bs
        var n = 0
        for b in 0..<256 where !bs.contains(b) { bs.append(b); cs.append(256 + n); n += 1 }
        var table = [String](repeating: "", count: 256)
        for (b, c) in zip(bs, cs) { table[b] = String(UnicodeScalar(UInt32(c)).map(Character.init) ?? "?") }
        return table
    }()

    /// Merges in priority order, as "left right" in byte-symbol form (Ġ is a space).
    public static let merges: [String] = [
        "Ġ t", "h e", "i n", "Ġ a", "e r", "o n", "r e", "a n", "Ġ s", "Ġ w", "e n", "a t", "o r", "Ġt he",
        "i s", "Ġ o", "Ġ c", "e s", "i t", "Ġ b", "Ġ f", "Ġ p", "in g", "Ġ m", "a l", "Ġ i", "Ġ d", "l e",
        "Ġ h", "o u", "Ġ n", "e d", "Ġa n", "Ġan d", "Ġ 1", "Ġ =", "Ġ +", "Ġo f", "Ġt o", "Ġi s",
    ]

    /// Special tokens, appended after the merges.
    public static let specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

    /// Every token string by id: bytes, merge results, specials.
    public static let tokens: [String] = byteSymbols + merges.map { $0.replacingOccurrences(of: " ", with: "") } + specials

    /// `<|endoftext|>`, the end-of-sequence token.
    public static var eosID: Int { 256 + merges.count }

    /// The ChatML template (as SmolLM2's), in Jinja.
    public static let chatTemplate = "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"

    /// An HF `tokenizer.json` (BPE model, ByteLevel pre-tokenizer and decoder).
    public static func tokenizerJSON() throws -> Data {
        var vocab = [String: Int]()
        for (i, t) in tokens.enumerated() { vocab[t] = i }
        let added: [[String: Any]] = specials.enumerated().map { j, s in
            ["id": eosID + j, "content": s, "single_word": false, "lstrip": false, "rstrip": false,
             "normalized": false, "special": true]
        }
        let json: [String: Any] = [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": added,
            "normalizer": NSNull(),
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
            "post_processor": NSNull(),
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": ["type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": NSNull(),
                      "end_of_word_suffix": NSNull(), "fuse_unk": false, "byte_fallback": false,
                      "vocab": vocab, "merges": merges] as [String: Any],
        ]
        return try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
    }

    /// `tokenizer_config.json`: no BOS, `<|endoftext|>` as EOS, the ChatML template.
    public static func tokenizerConfigJSON() throws -> Data {
        let json: [String: Any] = ["add_bos_token": false, "bos_token": NSNull(), "eos_token": "<|endoftext|>",
                                   "chat_template": chatTemplate, "model_max_length": 256]
        return try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
    }

    /// Adds the `tokenizer.ggml.*` keys of a `gpt2` vocabulary to a GGUF being written.
    public static func addGGUFMetadata(to writer: inout GGUFWriter) {
        writer.set("tokenizer.ggml.model", .string("gpt2"))
        writer.set("tokenizer.ggml.pre", .string("gpt2"))
        writer.set("tokenizer.ggml.tokens", .array(tokens.map { .string($0) }))
        writer.set("tokenizer.ggml.token_type", .array(tokens.indices.map { .int32($0 >= eosID ? 3 : 1) }))
        writer.set("tokenizer.ggml.merges", .array(merges.map { .string($0) }))
        writer.set("tokenizer.ggml.eos_token_id", .uint32(UInt32(eosID)))
        writer.set("tokenizer.ggml.add_bos_token", .bool(false))
        writer.set("tokenizer.chat_template", .string(chatTemplate))
    }
}

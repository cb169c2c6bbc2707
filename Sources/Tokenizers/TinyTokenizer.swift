// A tiny byte-level BPE vocabulary for tests and TestSupport's TinyModelFactory: the 256 byte tokens in
// GPT-2's bytes_to_unicode spelling, 41 merges of common English pairs, and <|endoftext|>, <|im_start|>,
// <|im_end|> — 300 tokens in all. It can be embedded in a tiny GGUF (metadata below) or HF folder (tokenizer.json).
import Checkpoints
import Foundation

extension TokenizerLoader {
    /// The tiny vocabulary's merges, in rank order (vocabulary spellings: Ġ is a space).
    public static let tinyMerges: [(String, String)] = [
        ("Ġ", "t"), ("Ġ", "a"), ("h", "e"), ("i", "n"), ("r", "e"), ("o", "n"), ("Ġt", "he"), ("e", "r"), ("Ġ", "s"),
        ("a", "t"), ("Ġ", "w"), ("Ġ", "o"), ("e", "n"), ("Ġ", "c"), ("i", "t"), ("i", "s"), ("a", "n"), ("o", "r"),
        ("e", "s"), ("Ġ", "b"), ("e", "d"), ("Ġ", "f"), ("in", "g"), ("Ġ", "p"), ("o", "u"), ("Ġa", "n"), ("a", "l"),
        ("a", "r"), ("Ġt", "o"), ("Ġ", "m"), ("Ġo", "f"), ("Ġ", "in"), ("Ġ", "d"), ("Ġ", "h"), ("Ġan", "d"), ("i", "c"),
        ("a", "s"), ("l", "e"), ("Ġt", "h"), ("i", "on"), ("o", "m"),
    ]

    /// The tiny vocabulary: 256 byte tokens, then one token per merge, then the three special tokens.
    public static var tinyVocabulary: (tokens: [String], kinds: [TokenKind]) {
        var tokens = (0..<256).map { ByteEncoder.encode([UInt8($0)]) }
        tokens += tinyMerges.map { $0.0 + $0.1 }
        tokens += ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
        return (tokens, [TokenKind](repeating: .normal, count: 256 + tinyMerges.count) + [.control, .control, .control])
    }

    /// A ready tokenizer over the tiny vocabulary (GPT-2 splitting; BOS = `<|endoftext|>` 297, EOS = `<|im_end|>` 299; no BOS added).
    public static func byteLevelTestTokenizer() throws -> ByteLevelBPETokenizer {
        let v = tinyVocabulary
        return try ByteLevelBPETokenizer(tokens: v.tokens, kinds: v.kinds, merges: tinyMerges, preTokenizer: .gpt2,
                                         bosTokenID: 297, eosTokenIDs: [299], addsBOS: false, source: "<tiny>")
    }

    /// `tokenizer.ggml.*` metadata for the tiny vocabulary, to add to a `GGUFWriter` (`for (k, v) in … { w.set(k, v) }`).
    public static func tinyGGUFMetadata() -> [(String, GGUFValue)] {
        let v = tinyVocabulary
        return [
            ("tokenizer.ggml.model", .string("gpt2")),
            ("tokenizer.ggml.pre", .string("gpt2")),
            ("tokenizer.ggml.tokens", .array(v.tokens.map { .string($0) })),
            ("tokenizer.ggml.token_type", .array(v.kinds.map { .int32(Int32($0.rawValue)) })),
            ("tokenizer.ggml.merges", .array(tinyMerges.map { .string("\($0.0) \($0.1)") })),
            ("tokenizer.ggml.bos_token_id", .uint32(297)),
            ("tokenizer.ggml.eos_token_id", .uint32(299)),
            ("tokenizer.ggml.add_bos_token", .bool(false)),
            ("tokenizer.chat_template", .string("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}")),
        ]
    }

    /// Writes `tokenizer.json` and `tokenizer_config.json` for the tiny vocabulary into `folder`.
    public static func writeTinyTokenizerFiles(to folder: URL) throws {
        let v = tinyVocabulary
        var vocab = [String: Int]()
        for i in 0..<(256 + tinyMerges.count) { vocab[v.tokens[i]] = i }
        let added: [[String: Any]] = (297..<300).map { ["id": $0, "content": v.tokens[$0], "special": true] }
        let tj: [String: Any] = [
            "version": "1.0",
            "added_tokens": added,
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "use_regex": true],
            "model": ["type": "BPE", "vocab": vocab, "merges": tinyMerges.map { "\($0.0) \($0.1)" }],
        ]
        let config: [String: Any] = ["bos_token": "<|endoftext|>", "eos_token": "<|im_end|>", "add_bos_token": false]
        do {
            try JSONSerialization.data(withJSONObject: tj, options: [.sortedKeys]).write(to: folder.appendingPathComponent("tokenizer.json"))
            try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys]).write(to: folder.appendingPathComponent("tokenizer_config.json"))
        } catch {
            throw TokenizerError.unreadable(path: folder.path, reason: "cannot write tokenizer files: \(error.localizedDescription)")
        }
    }
}

// Hugging Face tokenizer files for a checkpoint trained from a GGUF file, which carries its vocabulary
// only as `tokenizer.ggml.*` metadata: tokenizer.json (BPE model, the pre-tokenizer of the GGUF's
// `tokenizer.ggml.pre` family spelled as the original HF repos spell it, ByteLevel decoder),
// tokenizer_config.json (bos/eos, add_bos_token, chat template), special_tokens_map.json and
// generation_config.json, so `transformers` and our own loader read the checkpoint folder without the
// original repository. Byte-level BPE only (SentencePiece GGUFs have no tokenizer.json equivalent here).
// It lives beside `TokenizerLoader` because it is the loader's inverse: the round-trip tests read the
// written files back with the folder loader.

import Checkpoints
import Foundation

/// Writes HF tokenizer files from a GGUF vocabulary.
public enum TokenizerExport {
    /// File name → contents for a GGUF's byte-level BPE tokenizer.
    public static func huggingFaceFiles(gguf url: URL) throws -> [String: Data] {
        let gguf: GGUFFile, tok: ByteLevelBPETokenizer
        do {
            gguf = try GGUFFile(url: url)
            tok = try TokenizerLoader.byteLevelBPE(gguf: gguf)
        } catch {
            throw TokenizerError.notExportable(file: url.lastPathComponent, reason: error.localizedDescription)
        }
        let merges = gguf.metadata["tokenizer.ggml.merges"]?.stringArray ?? []
        let eosID = gguf.metadata["tokenizer.ggml.eos_token_id"]?.int
        return try files(tokenizer: tok, merges: merges, eosTokenID: eosID)
    }

    /// What a round trip must preserve, as plain values (for tests, which compare the GGUF's tokenizer
    /// with the one our folder loader reads from the written files).
    struct Fingerprint: Equatable {
        var tokens: [String], special: [Bool], family: String, bos: Int?, addsBOS: Bool, eos: Set<Int>, chatTemplate: String?
        var encodings: [[Int]]
        init(_ t: ByteLevelBPETokenizer, texts: [String]) {
            tokens = t.tokens; special = t.kinds.map { $0 == .control || $0 == .unknown }; family = t.preTokenizer.rawValue
            bos = t.bosTokenID; addsBOS = t.addsBOS; eos = t.eosTokenIDs; chatTemplate = t.chatTemplate
            encodings = texts.map { t.encode($0, addSpecialTokens: true) }
        }
    }

    static func fingerprint(gguf url: URL, texts: [String]) throws -> Fingerprint {
        try Fingerprint(TokenizerLoader.byteLevelBPE(gguf: GGUFFile(url: url)), texts: texts)
    }

    static func fingerprint(folder url: URL, texts: [String]) throws -> Fingerprint {
        try Fingerprint(TokenizerLoader.byteLevelBPE(folder: url), texts: texts)
    }

    /// Each family's pre_tokenizer node, written alone into `folder`, and the family our loader detects back.
    static func familiesReadBack(folder: URL) throws -> [(written: String, detected: String)] {
        try PreTokenizerKind.allCases.map { kind in
            let tj: [String: Any] = ["model": ["type": "BPE", "vocab": ["a": 0, "b": 1], "merges": [String]()] as [String: Any],
                                     "pre_tokenizer": preTokenizer(kind)]
            try JSONSerialization.data(withJSONObject: tj).write(to: folder.appendingPathComponent("tokenizer.json"))
            let detected = try TokenizerLoader.byteLevelBPE(folder: folder).preTokenizer.rawValue
            return (written: kind.rawValue, detected: detected)
        }
    }

    /// The pre_tokenizer node HF repos of each family use (SmolLM2, GPT-2, Llama-3, Qwen2 tokenizer.json).
    static func preTokenizer(_ kind: PreTokenizerKind) -> [String: Any] {
        let byteLevel: (Bool) -> [String: Any] = { regex in
            ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": regex]
        }
        func split(_ digits: String) -> [String: Any] {
            let pattern = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|" + digits
                + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
            return ["type": "Sequence", "pretokenizers": [
                ["type": "Split", "pattern": ["Regex": pattern], "behavior": "Isolated", "invert": false] as [String: Any],
                byteLevel(false)]]
        }
        switch kind {
        case .gpt2: return byteLevel(true)
        case .smollm:
            return ["type": "Sequence", "pretokenizers": [["type": "Digits", "individual_digits": true] as [String: Any], byteLevel(true)]]
        case .llama3: return split("\\p{N}{1,3}")
        case .qwen2: return split("\\p{N}")
        }
    }

    /// The files for `tokenizer`; `merges` as GGUF spells them ("a b"), `eosTokenID` the GGUF's main EOS.
    static func files(tokenizer t: ByteLevelBPETokenizer, merges: [String], eosTokenID: Int?) throws -> [String: Data] {
        var vocab: [String: Int] = [:], added: [[String: Any]] = []
        for (i, s) in t.tokens.enumerated() {
            if vocab[s] == nil { vocab[s] = i }
            switch t.kinds[i] {
            case .control, .unknown:
                added.append(["id": i, "content": s, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true])
            case .userDefined:
                added.append(["id": i, "content": s, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": false])
            default: break
            }
        }
        let bos = t.bosTokenID.map { t.tokens[$0] }
        let eosID = eosTokenID ?? t.eosTokenIDs.min()
        let eos = eosID.map { t.tokens[$0] }
        var post: [String: Any] = ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true]
        if t.addsBOS, let bos, let bosID = t.bosTokenID {
            // As Llama-3's tokenizer.json: BOS prepended by the post-processor.
            func special(_ typeID: Int) -> [String: Any] { ["SpecialToken": ["id": bos, "type_id": typeID] as [String: Any]] }
            func sequence(_ id: String, _ typeID: Int) -> [String: Any] { ["Sequence": ["id": id, "type_id": typeID] as [String: Any]] }
            let entry: [String: Any] = ["id": bos, "ids": [bosID], "tokens": [bos]]
            post = ["type": "TemplateProcessing", "single": [special(0), sequence("A", 0)],
                    "pair": [special(0), sequence("A", 0), special(1), sequence("B", 1)], "special_tokens": [bos: entry]]
        }
        let tokenizerJSON: [String: Any] = [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": added,
            "normalizer": NSNull(), "pre_tokenizer": preTokenizer(t.preTokenizer), "post_processor": post,
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true] as [String: Any],
            "model": ["type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": NSNull(),
                      "end_of_word_suffix": NSNull(), "fuse_unk": false, "byte_fallback": false, "ignore_merges": t.preTokenizer == .llama3,
                      "vocab": vocab, "merges": merges] as [String: Any],
        ]
        var config: [String: Any] = ["tokenizer_class": "PreTrainedTokenizerFast", "add_bos_token": t.addsBOS,
                                     "clean_up_tokenization_spaces": false]
        var specialMap: [String: Any] = [:]
        if let bos { config["bos_token"] = bos; specialMap["bos_token"] = bos }
        if let eos { config["eos_token"] = eos; specialMap["eos_token"] = eos }
        if let template = t.chatTemplate { config["chat_template"] = template }
        var generation: [String: Any] = ["_from_model_config": true]
        if let b = t.bosTokenID { generation["bos_token_id"] = b }
        if let eosID { generation["eos_token_id"] = eosID }
        func json(_ o: Any) throws -> Data {
            do { return try JSONSerialization.data(withJSONObject: o, options: [.prettyPrinted, .sortedKeys]) } catch {
                throw TokenizerError.notExportable(file: "tokenizer files", reason: "cannot encode JSON: \(error.localizedDescription)")
            }
        }
        return ["tokenizer.json": try json(tokenizerJSON), "tokenizer_config.json": try json(config),
                "special_tokens_map.json": try json(specialMap), "generation_config.json": try json(generation)]
    }
}

// Builds tokenizers from GGUF metadata (`tokenizer.ggml.*`, as llama.cpp llama_vocab::impl::load reads them)
// or from a Hugging Face folder (tokenizer.json + tokenizer_config.json, as HF tokenizers' BPE model).
import Checkpoints
import Foundation

/// Loads the tokenizer that ships with a checkpoint.
public enum TokenizerLoader {
    /// From GGUF metadata: byte-level BPE (`tokenizer.ggml.model == "gpt2"`) or SentencePiece (`"llama"`, e.g. Gemma).
    public static func load(gguf: GGUFFile) throws -> any Tokenizer {
        if gguf.metadata["tokenizer.ggml.model"]?.string == "llama" { return try sentencePiece(gguf: gguf) }
        return try byteLevelBPE(gguf: gguf)
    }

    /// The SentencePiece tokenizer of a GGUF file (`tokenizer.ggml.model == "llama"`).
    public static func sentencePiece(gguf: GGUFFile) throws -> SentencePieceTokenizer {
        let file = gguf.url.lastPathComponent
        let m = gguf.metadata
        guard let tokens = m["tokenizer.ggml.tokens"]?.stringArray else { throw TokenizerError.missingKey(file: file, key: "tokenizer.ggml.tokens") }
        guard let scores = m["tokenizer.ggml.scores"]?.doubleArray else { throw TokenizerError.missingKey(file: file, key: "tokenizer.ggml.scores") }
        guard let types = m["tokenizer.ggml.token_type"]?.intArray else { throw TokenizerError.missingKey(file: file, key: "tokenizer.ggml.token_type") }
        func id(_ key: String) -> Int? { m[key]?.int.flatMap { $0 >= 0 && $0 < tokens.count ? $0 : nil } }
        var eos = Set<Int>()
        for k in ["tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"] { if let i = id(k) { eos.insert(i) } }
        // llama.cpp's SPM defaults: add BOS and a space prefix unless the file says otherwise.
        return try SentencePieceTokenizer(tokens: tokens, kinds: types.map { TokenKind(rawValue: $0) ?? .normal },
                                          scores: scores.map { Float($0) }, bosTokenID: id("tokenizer.ggml.bos_token_id"),
                                          eosTokenIDs: eos, addsBOS: m["tokenizer.ggml.add_bos_token"]?.bool ?? true,
                                          addsSpacePrefix: m["tokenizer.ggml.add_space_prefix"]?.bool ?? true,
                                          chatTemplate: m["tokenizer.chat_template"]?.string, source: file)
    }

    /// The concrete byte-level BPE tokenizer of a GGUF file.
    public static func byteLevelBPE(gguf: GGUFFile) throws -> ByteLevelBPETokenizer {
        let file = gguf.url.lastPathComponent
        let m = gguf.metadata
        guard let model = m["tokenizer.ggml.model"]?.string else { throw TokenizerError.missingKey(file: file, key: "tokenizer.ggml.model") }
        guard model == "gpt2" else { throw TokenizerError.unsupportedModel(file: file, model: model) }
        guard let tokens = m["tokenizer.ggml.tokens"]?.stringArray else { throw TokenizerError.missingKey(file: file, key: "tokenizer.ggml.tokens") }
        guard let mergeStrings = m["tokenizer.ggml.merges"]?.stringArray else { throw TokenizerError.missingKey(file: file, key: "tokenizer.ggml.merges") }
        var kinds: [TokenKind]? = nil
        if let types = m["tokenizer.ggml.token_type"]?.intArray {
            guard types.count == tokens.count else {
                throw TokenizerError.invalidVocabulary(file: file, reason: "\(tokens.count) tokens but \(types.count) token types")
            }
            kinds = types.map { TokenKind(rawValue: $0) ?? .normal }
        }
        let merges = try mergeStrings.enumerated().map { (i, s) -> (String, String) in
            // llama.cpp splits at the first space after the first character.
            guard let sp = s.dropFirst().firstIndex(of: " ") else {
                throw TokenizerError.invalidVocabulary(file: file, reason: "merge \(i) '\(s)' has no space")
            }
            return (String(s[..<sp]), String(s[s.index(after: sp)...]))
        }
        let preName = m["tokenizer.ggml.pre"]?.string ?? "default"
        let pre = PreTokenizerKind(ggufName: preName) ?? .gpt2
        func id(_ key: String) -> Int? { m[key]?.int.flatMap { $0 >= 0 && $0 < tokens.count ? $0 : nil } }
        var eos = Set<Int>()
        for k in ["tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"] { if let i = id(k) { eos.insert(i) } }
        // llama.cpp: BPE vocabularies add BOS unless tokenizer.ggml.add_bos_token says otherwise (llama3 forces it on).
        let addBOS = m["tokenizer.ggml.add_bos_token"]?.bool ?? (pre == .llama3)
        return try ByteLevelBPETokenizer(tokens: tokens, kinds: kinds, merges: merges, preTokenizer: pre,
                                         bosTokenID: id("tokenizer.ggml.bos_token_id"), eosTokenIDs: eos, addsBOS: addBOS,
                                         chatTemplate: m["tokenizer.chat_template"]?.string, source: file)
    }

    /// From a Hugging Face folder: `tokenizer.json` (model BPE with a ByteLevel pre-tokenizer) and `tokenizer_config.json`.
    public static func load(folder: URL) throws -> any Tokenizer {
        try byteLevelBPE(folder: folder)
    }

    /// The concrete byte-level BPE tokenizer of a Hugging Face folder.
    public static func byteLevelBPE(folder: URL) throws -> ByteLevelBPETokenizer {
        let tjURL = folder.appendingPathComponent("tokenizer.json")
        let file = tjURL.path
        guard let data = FileManager.default.contents(atPath: file) else { throw TokenizerError.unreadable(path: file, reason: "no such file") }
        guard let tj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw TokenizerError.unreadable(path: file, reason: "not a JSON object")
        }
        guard let model = tj["model"] as? [String: Any] else { throw TokenizerError.missingKey(file: file, key: "model") }
        let type = model["type"] as? String ?? "BPE"
        guard type == "BPE" else { throw TokenizerError.unsupportedModel(file: file, model: type) }
        guard let vocab = model["vocab"] as? [String: Int] else { throw TokenizerError.missingKey(file: file, key: "model.vocab") }
        var merges = [(String, String)]()
        for (i, e) in ((model["merges"] as? [Any]) ?? []).enumerated() {
            if let s = e as? String, let sp = s.dropFirst().firstIndex(of: " ") {
                merges.append((String(s[..<sp]), String(s[s.index(after: sp)...])))
            } else if let p = e as? [String], p.count == 2 {
                merges.append((p[0], p[1]))
            } else {
                throw TokenizerError.invalidVocabulary(file: file, reason: "merge \(i) is neither \"a b\" nor [a, b]")
            }
        }
        var byID = [Int: (String, TokenKind)]()
        for (t, i) in vocab { byID[i] = (t, .normal) }
        for a in (tj["added_tokens"] as? [[String: Any]]) ?? [] {
            guard let i = a["id"] as? Int, let c = a["content"] as? String else { continue }
            byID[i] = (c, (a["special"] as? Bool ?? false) ? .control : .userDefined)
        }
        let n = (byID.keys.max() ?? -1) + 1
        guard n > 0, n <= 10_000_000 else { throw TokenizerError.invalidVocabulary(file: file, reason: "vocabulary of \(n) ids") }
        var tokens = [String](repeating: "", count: n), kinds = [TokenKind](repeating: .unused, count: n)
        for (i, (t, k)) in byID where i >= 0 { tokens[i] = t; kinds[i] = k }

        let pre = detectPreTokenizer(tj["pre_tokenizer"])
        var config = [String: Any]()
        if let c = FileManager.default.contents(atPath: folder.appendingPathComponent("tokenizer_config.json").path),
           let o = (try? JSONSerialization.jsonObject(with: c)) as? [String: Any] { config = o }
        func tokenText(_ v: Any?) -> String? { (v as? String) ?? ((v as? [String: Any])?["content"] as? String) }
        func lookup(_ v: Any?) -> Int? { tokenText(v).flatMap { t in tokens.firstIndex(of: t) } }
        let bos = lookup(config["bos_token"])
        var eos = Set<Int>()
        if let e = lookup(config["eos_token"]) { eos.insert(e) }
        let addBOS = config["add_bos_token"] as? Bool ?? (pre == .llama3)
        return try ByteLevelBPETokenizer(tokens: tokens, kinds: kinds, merges: merges, preTokenizer: pre, bosTokenID: bos,
                                         eosTokenIDs: eos, addsBOS: addBOS && bos != nil,
                                         chatTemplate: config["chat_template"] as? String, source: file)
    }

    /// Maps a tokenizer.json `pre_tokenizer` to a pattern family by the regex it uses.
    static func detectPreTokenizer(_ node: Any?) -> PreTokenizerKind {
        let text = node.flatMap { try? JSONSerialization.data(withJSONObject: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        if text.contains("\\\\p{N}{1,3}") { return .llama3 }
        if text.contains("?\\\\p{L}+|\\\\p{N}|") { return .qwen2 }
        if text.contains("\"Digits\"") && text.contains("\"individual_digits\":true") { return .smollm }
        return .gpt2
    }
}

extension TokenizerLoader {
    /// From a model path: a `.gguf` file (its embedded vocabulary) or a Hugging Face folder (`tokenizer.json`).
    public static func load(path: URL) throws -> any Tokenizer {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDir) else {
            throw TokenizerError.unreadable(path: path.path, reason: "no such file or folder")
        }
        if isDir.boolValue { return try load(folder: path) }
        return try load(gguf: GGUFFile(url: path))
    }
}

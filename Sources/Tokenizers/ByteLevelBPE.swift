// Byte-level BPE (GPT-2 family: SmolLM2, Qwen2, Llama-3), following llama.cpp src/llama-vocab.cpp
// (llm_tokenizer_bpe_session::tokenize, tokenizer_st_partition) and src/unicode.cpp (bytes_to_unicode):
// special tokens are cut out first, the rest is pre-tokenized into words, each word's bytes are merged
// pairwise by lowest merge rank (leftmost first on ties), and symbols missing from the vocabulary fall back to byte tokens.

/// GPT-2's reversible byte ↔ printable-character map (`bytes_to_unicode`).
enum ByteEncoder {
    /// The character standing for each byte.
    static let byteToScalar: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var n: UInt32 = 0
        for b in 0..<256 {
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
                table[b] = UInt32(b)
            } else {
                table[b] = 256 + n; n += 1
            }
        }
        return table
    }()
    /// Inverse of `byteToScalar`, indexed by scalar value (all mapped scalars are below 512); -1 where unmapped.
    static let scalarToByte: [Int16] = {
        var m = [Int16](repeating: -1, count: 512)
        for (b, s) in byteToScalar.enumerated() { m[Int(s)] = Int16(b) }
        return m
    }()
    /// The vocabulary spelling of raw bytes.
    static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var s = String.UnicodeScalarView()
        for b in bytes { if let u = Unicode.Scalar(byteToScalar[Int(b)]) { s.append(u) } }
        return String(s)
    }
    /// Raw bytes of a vocabulary spelling (characters outside the map are kept as their UTF-8).
    static func decode(_ text: String) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        for u in text.unicodeScalars {
            if u.value < 512, scalarToByte[Int(u.value)] >= 0 { out.append(UInt8(scalarToByte[Int(u.value)])) } else { out += Array(String(u).utf8) }
        }
        return out
    }
}

/// GGUF token types (`tokenizer.ggml.token_type`, llama_token_type).
public enum TokenKind: Int, Sendable {
    case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
}

/// A byte-level BPE tokenizer built from a vocabulary, merges and special tokens.
public struct ByteLevelBPETokenizer: Tokenizer {
    /// See `Tokenizer.vocabularySize`.
    public let vocabularySize: Int
    /// See `Tokenizer.bosTokenID`.
    public let bosTokenID: Int?
    /// See `Tokenizer.eosTokenIDs`.
    public let eosTokenIDs: Set<Int>
    /// See `Tokenizer.addsBOS`.
    public let addsBOS: Bool
    /// The pre-tokenizer pattern family.
    public let preTokenizer: PreTokenizerKind
    /// Vocabulary entries as stored (`Ġthe`).
    public let tokens: [String]
    /// Token kinds (normal, control …).
    public let kinds: [TokenKind]
    /// The chat template source (Jinja), if the model ships one.
    public let chatTemplate: String?

    private let bytesOf: [[UInt8]]
    private let idOf: [String: Int]
    private let byteToken: [Int32]
    /// (left << 32 | right) → (rank << 32 | merged id); merged ids ≥ vocabularySize are pieces missing from the vocabulary.
    private let mergeTable: [UInt64: UInt64]
    private let extraPieces: [[UInt8]]
    /// Special and user-defined tokens, cut out before pre-tokenization.
    private let specials: SpecialTokenMatcher
    private let ignoreMerges: Bool
    private let splitter: PreTokenizer

    /// Builds a tokenizer. `merges` are pairs of vocabulary spellings in rank order; `kinds` defaults to normal.
    public init(tokens: [String], kinds: [TokenKind]? = nil, merges: [(String, String)], preTokenizer: PreTokenizerKind,
                bosTokenID: Int?, eosTokenIDs: Set<Int>, addsBOS: Bool, chatTemplate: String? = nil, source: String = "<memory>") throws {
        let kinds = kinds ?? [TokenKind](repeating: .normal, count: tokens.count)
        guard kinds.count == tokens.count else {
            throw TokenizerError.invalidVocabulary(file: source, reason: "\(tokens.count) tokens but \(kinds.count) token types")
        }
        vocabularySize = tokens.count
        self.tokens = tokens; self.kinds = kinds
        self.bosTokenID = bosTokenID; self.addsBOS = addsBOS; self.chatTemplate = chatTemplate
        self.preTokenizer = preTokenizer
        splitter = PreTokenizer(kind: preTokenizer)
        ignoreMerges = preTokenizer == .llama3

        var ids = [String: Int](minimumCapacity: tokens.count)
        var bytes = [[UInt8]](); bytes.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() {
            if ids[t] == nil { ids[t] = i }
            switch kinds[i] {
            case .control, .userDefined, .unknown: bytes.append(Array(t.utf8))
            case .byte: bytes.append(Self.byteTokenValue(t).map { [$0] } ?? Array(t.utf8))
            default: bytes.append(ByteEncoder.decode(t))
            }
        }
        idOf = ids; bytesOf = bytes
        byteToken = (0..<256).map { b in Int32(ids[ByteEncoder.encode([UInt8(b)])] ?? -1) }

        var extra = [[UInt8]](), extraIDs = [String: Int]()
        func intern(_ s: String) -> Int {
            if let i = ids[s] { return i }
            if let i = extraIDs[s] { return i }
            let i = tokens.count + extra.count
            extra.append(ByteEncoder.decode(s)); extraIDs[s] = i
            return i
        }
        var table = [UInt64: UInt64](minimumCapacity: merges.count)
        for (rank, (a, b)) in merges.enumerated() {
            let l = intern(a), r = intern(b), m = intern(a + b)
            let key = UInt64(l) << 32 | UInt64(r)
            if table[key] == nil { table[key] = UInt64(rank) << 32 | UInt64(m) }
        }
        mergeTable = table; extraPieces = extra

        specials = SpecialTokenMatcher(kinds.indices.filter { [.control, .userDefined, .unknown].contains(kinds[$0]) }.map { (tokens[$0], $0) })

        var eos = eosTokenIDs
        let endOfTurn: Set<String> = ["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>", "<|eom_id|>"]
        for (i, t) in tokens.enumerated() where kinds[i] == .control && endOfTurn.contains(t) { eos.insert(i) }
        self.eosTokenIDs = eos
    }

    static func byteTokenValue(_ t: String) -> UInt8? {
        guard t.hasPrefix("<0x"), t.hasSuffix(">"), t.count == 6 else { return nil }
        return UInt8(t.dropFirst(3).dropLast(), radix: 16)
    }

    /// See `Tokenizer.encode`.
    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int] {
        var out = [Int]()
        if addSpecialTokens && addsBOS, let b = bosTokenID { out.append(b) }
        let utf8 = Array(text.utf8)
        for f in specials.partition(utf8) {
            if let id = f.id { out.append(id) } else { encodeFragment(utf8[f.range], into: &out) }
        }
        return out
    }

    /// Pre-tokenizes and merges one fragment free of special tokens.
    private func encodeFragment(_ bytes: ArraySlice<UInt8>, into out: inout [Int]) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            encodeFragment(ArraySlice(Array(String(decoding: bytes, as: UTF8.self).utf8)), into: &out); return
        }
        var cps = [UInt32](); cps.reserveCapacity(bytes.count)
        var byteStart = [Int](); byteStart.reserveCapacity(bytes.count + 1)
        var off = bytes.startIndex
        for u in text.unicodeScalars {
            cps.append(u.value); byteStart.append(off)
            off += UTF8.width(u)
        }
        byteStart.append(off)
        for w in splitter.split(cps) { encodeWord(bytes[byteStart[w.lowerBound]..<byteStart[w.upperBound]], into: &out) }
    }

    /// BPE over one word's bytes.
    private func encodeWord(_ word: ArraySlice<UInt8>, into out: inout [Int]) {
        if ignoreMerges, let id = idOf[ByteEncoder.encode(word)] { out.append(id); return }
        var syms = word.map { byteToken[Int($0)] }
        if syms.count > 1 {
            @inline(__always) func rank(_ i: Int) -> UInt64 {
                guard syms[i] >= 0, syms[i + 1] >= 0 else { return .max }
                return mergeTable[UInt64(syms[i]) << 32 | UInt64(syms[i + 1])] ?? .max
            }
            var ranks = (0..<(syms.count - 1)).map(rank)
            while true {
                var best = -1, bestRank = UInt64.max
                for i in 0..<ranks.count where ranks[i] >> 32 < bestRank >> 32 { best = i; bestRank = ranks[i] }
                guard best >= 0, bestRank != .max else { break }
                syms[best] = Int32(truncatingIfNeeded: bestRank & 0xFFFF_FFFF)
                syms.remove(at: best + 1); ranks.remove(at: best)
                if best < ranks.count { ranks[best] = rank(best) }
                if best > 0 { ranks[best - 1] = rank(best - 1) }
            }
        }
        for s in syms where s >= 0 {
            let id = Int(s)
            if id < vocabularySize { out.append(id); continue }
            for b in extraPieces[id - vocabularySize] where byteToken[Int(b)] >= 0 { out.append(Int(byteToken[Int(b)])) }
        }
    }

    /// See `Tokenizer.decode`.
    public func decode(_ ids: [Int]) -> String {
        var bytes = [UInt8]()
        for id in ids { bytes += tokenBytes(id) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// See `Tokenizer.tokenBytes`.
    public func tokenBytes(_ id: Int) -> [UInt8] { id >= 0 && id < bytesOf.count ? bytesOf[id] : [] }

    /// See `Tokenizer.tokenString`.
    public func tokenString(_ id: Int) -> String { id >= 0 && id < tokens.count ? tokens[id] : "" }

    /// The id of an exact vocabulary entry (e.g. `<|im_end|>`).
    public func tokenID(_ text: String) -> Int? { idOf[text] }

    /// See `Tokenizer.applyChatTemplate`.
    public func applyChatTemplate(_ messages: [(role: String, content: String)], addGenerationPrompt: Bool) -> String {
        ChatTemplate(source: chatTemplate, hasChatML: idOf["<|im_start|>"] != nil).render(messages, addGenerationPrompt: addGenerationPrompt)
    }
}

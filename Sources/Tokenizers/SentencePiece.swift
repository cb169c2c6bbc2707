// SentencePiece-style tokenizer for GGUF vocabularies with `tokenizer.ggml.model == "llama"` (Gemma, Llama-2),
// following llama.cpp src/llama-vocab.cpp: llm_tokenizer_spm_session (merge the adjacent pair whose joined text is
// the highest-scoring vocabulary entry, leftmost on ties; unknown pieces fall back to <0xXX> byte tokens),
// llama_escape_whitespace (' ' → '▁'), add_space_prefix, and tokenizer_st_partition (special and user-defined
// tokens are cut out first: SpecialTokens.swift).

/// A SentencePiece (unigram-score BPE) tokenizer built from GGUF metadata.
public struct SentencePieceTokenizer: Tokenizer {
    /// See `Tokenizer.vocabularySize`.
    public let vocabularySize: Int
    /// See `Tokenizer.bosTokenID`.
    public let bosTokenID: Int?
    /// See `Tokenizer.eosTokenIDs`.
    public let eosTokenIDs: Set<Int>
    /// See `Tokenizer.addsBOS`.
    public let addsBOS: Bool
    /// Whether a space is prepended to text at the start and after special tokens (`tokenizer.ggml.add_space_prefix`).
    public let addsSpacePrefix: Bool
    /// Vocabulary entries as stored (`▁the`).
    public let tokens: [String]
    /// Token kinds.
    public let kinds: [TokenKind]
    /// The chat template source, if any.
    public let chatTemplate: String?

    private let scores: [Float]
    private let idOf: [[UInt8]: Int]
    private let bytesOf: [[UInt8]]
    private let byteToken: [Int]
    /// Special and user-defined tokens, cut out before merging.
    private let specials: SpecialTokenMatcher

    /// Builds the tokenizer. `scores` has one entry per token (higher merges first).
    public init(tokens: [String], kinds: [TokenKind], scores: [Float], bosTokenID: Int?, eosTokenIDs: Set<Int>,
                addsBOS: Bool, addsSpacePrefix: Bool, chatTemplate: String? = nil, source: String = "<memory>") throws {
        guard kinds.count == tokens.count, scores.count == tokens.count else {
            throw TokenizerError.invalidVocabulary(file: source, reason: "\(tokens.count) tokens, \(kinds.count) types, \(scores.count) scores")
        }
        vocabularySize = tokens.count
        self.tokens = tokens; self.kinds = kinds; self.scores = scores
        self.bosTokenID = bosTokenID; self.addsBOS = addsBOS; self.addsSpacePrefix = addsSpacePrefix
        self.chatTemplate = chatTemplate
        var ids = [[UInt8]: Int](minimumCapacity: tokens.count)
        var bytes = [[UInt8]](); bytes.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() {
            let raw = Array(t.utf8)
            if ids[raw] == nil { ids[raw] = i }
            switch kinds[i] {
            case .byte: bytes.append(ByteLevelBPETokenizer.byteTokenValue(t).map { [$0] } ?? raw)
            case .control: bytes.append(raw)
            default: bytes.append(Self.unescape(raw))
            }
        }
        idOf = ids; bytesOf = bytes
        let hex = Array("0123456789ABCDEF".utf8)
        byteToken = (0..<256).map { b in
            ids[Array("<0x".utf8) + [hex[b >> 4], hex[b & 15], UInt8(ascii: ">")]] ?? ids[[UInt8(b)]] ?? -1
        }
        specials = SpecialTokenMatcher(kinds.indices.filter { [.control, .userDefined, .unknown].contains(kinds[$0]) }.map { (tokens[$0], $0) })
        var eos = eosTokenIDs
        let endOfTurn: Set<String> = ["<end_of_turn>", "<|eot_id|>", "<|im_end|>", "<|end|>", "<EOT>"]
        for (i, t) in tokens.enumerated() where kinds[i] == .control && endOfTurn.contains(t) { eos.insert(i) }
        self.eosTokenIDs = eos
    }

    /// '▁' (E2 96 81) → ' '.
    static func unescape(_ b: [UInt8]) -> [UInt8] {
        var out = [UInt8](); out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if i + 2 < b.count, b[i] == 0xE2, b[i + 1] == 0x96, b[i + 2] == 0x81 { out.append(0x20); i += 3 } else { out.append(b[i]); i += 1 }
        }
        return out
    }

    /// See `Tokenizer.encode`.
    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int] {
        var out = [Int]()
        if addSpecialTokens && addsBOS, let b = bosTokenID { out.append(b) }
        let bytes = Array(text.utf8)
        var prevSpecial = true
        for f in specials.partition(bytes) {
            if let id = f.id { out.append(id); prevSpecial = true; continue }
            let r = f.range
            var piece = [UInt8]()
            if addsSpacePrefix && prevSpecial { piece += [0xE2, 0x96, 0x81] }
            for b in bytes[r] { if b == 0x20 { piece += [0xE2, 0x96, 0x81] } else { piece.append(b) } }
            encodeFragment(piece, into: &out)
            prevSpecial = false
        }
        return out
    }

    /// llm_tokenizer_spm_session::tokenize over one escaped fragment.
    private func encodeFragment(_ text: [UInt8], into out: inout [Int]) {
        // Symbols are UTF-8 characters: (start, length), linked through prev/next.
        var start = [Int](), len = [Int]()
        var o = 0
        while o < text.count {
            let b = text[o]
            let w = b < 0x80 ? 1 : b >> 5 == 0x6 ? 2 : b >> 4 == 0xE ? 3 : b >> 3 == 0x1E ? 4 : 1
            let n = min(w, text.count - o)
            start.append(o); len.append(n); o += n
        }
        let count = start.count
        guard count > 0 else { return }
        var prev = (0..<count).map { $0 - 1 }, next = (0..<count).map { $0 + 1 == count ? -1 : $0 + 1 }
        var heap = BigramHeap()
        func tryAdd(_ l: Int, _ r: Int) {
            guard l >= 0, r >= 0 else { return }
            let size = len[l] + len[r]
            guard let id = idOf[Array(text[start[l]..<(start[l] + size)])], id < vocabularySize else { return }
            heap.push(Bigram(score: scores[id], left: l, right: r, size: size))
        }
        for i in 1..<count { tryAdd(i - 1, i) }
        while let bg = heap.pop() {
            let l = bg.left, r = bg.right
            if len[l] == 0 || len[r] == 0 || len[l] + len[r] != bg.size { continue }
            len[l] += len[r]; len[r] = 0
            next[l] = next[r]
            if next[r] >= 0 { prev[next[r]] = l }
            tryAdd(prev[l], l)
            tryAdd(l, next[l])
        }
        var i = 0
        while i != -1 {
            let piece = Array(text[start[i]..<(start[i] + len[i])])
            if let id = idOf[piece] { out.append(id) } else {
                for b in piece where byteToken[Int(b)] >= 0 { out.append(byteToken[Int(b)]) }
            }
            i = next[i]
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

    /// See `Tokenizer.applyChatTemplate`.
    public func applyChatTemplate(_ messages: [(role: String, content: String)], addGenerationPrompt: Bool) -> String {
        ChatTemplate(source: chatTemplate, hasChatML: idOf[Array("<|im_start|>".utf8)] != nil,
                     hasGemmaTurns: idOf[Array("<start_of_turn>".utf8)] != nil)
            .render(messages, addGenerationPrompt: addGenerationPrompt)
    }
}

/// A candidate merge (llm_bigram_spm): higher score first, then the leftmost.
struct Bigram {
    let score: Float
    let left: Int, right: Int, size: Int
    /// Whether `self` pops before `o`.
    func before(_ o: Bigram) -> Bool { score > o.score || (score == o.score && left < o.left) }
}

/// A binary max-heap of bigrams.
struct BigramHeap {
    private var items = [Bigram]()
    mutating func push(_ b: Bigram) {
        items.append(b)
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard items[i].before(items[p]) else { break }
            items.swapAt(i, p); i = p
        }
    }
    mutating func pop() -> Bigram? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && items[l].before(items[m]) { m = l }
                if r < items.count && items[r].before(items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m); i = m
            }
        }
        return top
    }
}

// SentencePiece-style tokenizer for GGUF vocabularies with `tokenizer.ggml.model == "llama"` (Gemma, Llama-2),
// following llama.cpp src/llama-vocab.cpp: llm_tokenizer_spm_session (merge the adjacent pair whose joined text is
// the highest-scoring vocabulary entry, leftmost on ties; unknown pieces fall back to <0xXX> byte tokens),
// llama_escape_whitespace (' ' → '▁'), add_space_prefix, and tokenizer_st_partition (special and user-defined
// tokens are cut out first, longest first).

/// A SentencePiece (unigram-score BPE) tokenizer built from GGUF metadata.
public struct SentencePieceTokenizer: Tokenizer {
    public let vocabularySize: Int
    public let bosTokenID: Int?
    public let eosTokenIDs: Set<Int>
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
    /// Special and user-defined tokens, longest first (the order llama.cpp cuts them out in).
    private let specials: [(bytes: [UInt8], id: Int)]

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
        var sp = [(bytes: [UInt8], id: Int)]()
        for (i, k) in kinds.enumerated() where k == .control || k == .userDefined || k == .unknown {
            let b = Array(tokens[i].utf8)
            if !b.isEmpty { sp.append((b, i)) }
        }
        sp.sort { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id }
        specials = sp
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

    /// Fragments of `text`: raw byte ranges or special token ids (tokenizer_st_partition, longest token first).
    private func partition(_ text: [UInt8]) -> [(range: Range<Int>?, id: Int)] {
        var frags: [(range: Range<Int>?, id: Int)] = [(0..<text.count, -1)]
        guard !text.isEmpty else { return [] }
        for s in specials {
            guard let first = s.bytes.first, text.contains(first) else { continue }
            var next = [(range: Range<Int>?, id: Int)]()
            var changed = false
            for f in frags {
                guard let r = f.range else { next.append(f); continue }
                var start = r.lowerBound, i = r.lowerBound
                while i + s.bytes.count <= r.upperBound {
                    if text[i] == first && text[i..<(i + s.bytes.count)].elementsEqual(s.bytes) {
                        if i > start { next.append((start..<i, -1)) }
                        next.append((nil, s.id)); changed = true
                        i += s.bytes.count; start = i
                    } else { i += 1 }
                }
                if start < r.upperBound { next.append((start..<r.upperBound, -1)) }
            }
            if changed { frags = next }
        }
        return frags
    }

    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int] {
        var out = [Int]()
        if addSpecialTokens && addsBOS, let b = bosTokenID { out.append(b) }
        let bytes = Array(text.utf8)
        var prevSpecial = true
        for f in partition(bytes) {
            guard let r = f.range else { out.append(f.id); prevSpecial = true; continue }
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

    public func decode(_ ids: [Int]) -> String {
        var bytes = [UInt8]()
        for id in ids { bytes += tokenBytes(id) }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func tokenBytes(_ id: Int) -> [UInt8] { id >= 0 && id < bytesOf.count ? bytesOf[id] : [] }

    public func tokenString(_ id: Int) -> String { id >= 0 && id < tokens.count ? tokens[id] : "" }

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

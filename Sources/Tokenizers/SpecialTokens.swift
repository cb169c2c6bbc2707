// Cutting special and user-defined tokens out of text before pre-tokenization, with the result of llama.cpp
// src/llama-vocab.cpp tokenizer_st_partition: tokens are taken longest first (ties by id), each one greedily left to
// right over the text not yet claimed. Occurrences are found in one pass with a byte trie instead of one scan per token.

/// The special tokens of a vocabulary and where they occur in a text.
struct SpecialTokenMatcher: Sendable {
    /// Trie nodes: `children[node]` maps a byte to the next node; `terminal[node]` is the rank of the token ending there.
    private var children: [[UInt8: Int32]] = [[:]]
    private var terminal: [Int32] = [-1]
    /// Tokens in cut order (longest first, then lowest id): (byte length, token id).
    private let ordered: [(length: Int, id: Int)]

    /// `tokens` are (text, id) pairs of control, user-defined and unknown tokens.
    init(_ tokens: [(text: String, id: Int)]) {
        let sorted = tokens.map { (bytes: Array($0.text.utf8), id: $0.id) }.filter { !$0.bytes.isEmpty }
            .sorted { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id }
        ordered = sorted.map { ($0.bytes.count, $0.id) }
        for (rank, t) in sorted.enumerated() {
            var node = 0
            for b in t.bytes {
                if let next = children[node][b] { node = Int(next) } else {
                    children.append([:]); terminal.append(-1)
                    children[node][b] = Int32(children.count - 1)
                    node = children.count - 1
                }
            }
            if terminal[node] < 0 { terminal[node] = Int32(rank) }  // duplicate texts: the first in cut order wins
        }
    }

    /// Whether there are no special tokens at all.
    var isEmpty: Bool { ordered.isEmpty }

    /// The text split into raw byte ranges (`id == nil`) and special tokens, in order.
    func partition(_ text: [UInt8]) -> [(range: Range<Int>, id: Int?)] {
        guard !text.isEmpty else { return [] }
        guard !ordered.isEmpty else { return [(0..<text.count, nil)] }
        // Every occurrence of every token, grouped by the token's rank.
        var occurrences = [Int: [Int]]()
        for start in 0..<text.count {
            var node = 0, i = start
            while i < text.count, let next = children[node][text[i]] {
                node = Int(next); i += 1
                if terminal[node] >= 0 { occurrences[Int(terminal[node]), default: []].append(start) }
            }
        }
        guard !occurrences.isEmpty else { return [(0..<text.count, nil)] }
        var claimed = [Bool](repeating: false, count: text.count)
        var hits = [(start: Int, length: Int, id: Int)]()
        for rank in occurrences.keys.sorted() {
            let (length, id) = ordered[rank]
            var nextFree = 0
            for s in occurrences[rank] ?? [] where s >= nextFree {
                if claimed[s..<(s + length)].contains(true) { continue }
                for k in s..<(s + length) { claimed[k] = true }
                hits.append((s, length, id)); nextFree = s + length
            }
        }
        hits.sort { $0.start < $1.start }
        var out = [(range: Range<Int>, id: Int?)](), pos = 0
        for h in hits {
            if h.start > pos { out.append((pos..<h.start, nil)) }
            out.append((h.start..<(h.start + h.length), h.id)); pos = h.start + h.length
        }
        if pos < text.count { out.append((pos..<text.count, nil)) }
        return out
    }
}

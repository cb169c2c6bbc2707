// Pre-tokenizer splitting written as code-point scanners, one per regex family. The patterns are those of
// llama.cpp src/llama-vocab.cpp (llm_tokenizer_bpe) and the splitting semantics of src/unicode.cpp
// (unicode_regex_split_custom_gpt2 / _llama3 / _qwen2; SmolLM first isolates every \p{N} code point):
//   GPT-2:  's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)
//   Llama3: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//   Qwen2:  as Llama3 with \p{N} (single digits)
// Character classes: \p{L} and \p{N} from Unicode general categories; \s is llama.cpp's White_Space list.

/// Which split pattern a byte-level BPE vocabulary uses (GGUF `tokenizer.ggml.pre`).
public enum PreTokenizerKind: String, Sendable, CaseIterable {
    /// GPT-2's pattern (also mpt, olmo…).
    case gpt2
    /// Llama-3 (`llama-bpe`): case-insensitive contractions, digits in groups of up to 3.
    case llama3
    /// Qwen2: as Llama-3 with single digits.
    case qwen2
    /// SmolLM / StarCoder: every digit isolated, then GPT-2's pattern.
    case smollm

    /// The kind for a GGUF `tokenizer.ggml.pre` value (nil when unknown).
    public init?(ggufName: String) {
        switch ggufName {
        case "gpt2", "mpt", "olmo", "jais", "trillion", "default": self = .gpt2
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral": self = .llama3
        case "qwen2", "deepseek-r1-qwen", "stablelm2": self = .qwen2
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b": self = .smollm
        default: return nil
        }
    }
}

/// Code-point flags used by the scanners.
struct CodepointClass {
    static let letter: UInt8 = 1, number: UInt8 = 2, whitespace: UInt8 = 4, inRange: UInt8 = 8

    /// Flags of one scalar (`inRange` always set).
    @inline(__always)
    static func of(_ v: UInt32) -> UInt8 {
        if v < 128 { return ascii[Int(v)] }
        var f = inRange
        switch v {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: f |= whitespace
        default: break
        }
        guard let s = Unicode.Scalar(v) else { return f }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: f |= letter
        case .decimalNumber, .letterNumber, .otherNumber: f |= number
        default: break
        }
        return f
    }

    static let ascii: [UInt8] = (0..<128).map { (c: Int) -> UInt8 in
        var f = inRange
        if (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) { f |= letter }
        if c >= 0x30 && c <= 0x39 { f |= number }
        if (c >= 0x09 && c <= 0x0D) || c == 0x20 { f |= whitespace }
        return f
    }
}

/// Splits code points into words (ranges of code-point indices).
struct PreTokenizer: Sendable {
    let kind: PreTokenizerKind

    /// Word ranges over `cps` (all of it, in order, no gaps).
    func split(_ cps: [UInt32]) -> [Range<Int>] {
        let flags = cps.map { CodepointClass.of($0) }
        var out = [Range<Int>]()
        out.reserveCapacity(cps.count / 3 + 1)
        switch kind {
        case .gpt2: scanGPT2(cps, flags, 0..<cps.count, &out)
        case .llama3: scanLlama3(cps, flags, 0..<cps.count, maxDigits: 3, &out)
        case .qwen2: scanLlama3(cps, flags, 0..<cps.count, maxDigits: 1, &out)
        case .smollm:
            // First pass (regex \p{N}): each number code point is its own segment, runs of others are segments.
            var i = 0
            while i < cps.count {
                if flags[i] & CodepointClass.number != 0 { out.append(i..<(i + 1)); i += 1; continue }
                var j = i
                while j < cps.count && flags[j] & CodepointClass.number == 0 { j += 1 }
                scanGPT2(cps, flags, i..<j, &out)
                i = j
            }
        }
        return out
    }

    /// unicode_regex_split_custom_gpt2 over one segment.
    private func scanGPT2(_ cps: [UInt32], _ fl: [UInt8], _ seg: Range<Int>, _ out: inout [Range<Int>]) {
        let end = seg.upperBound
        @inline(__always) func f(_ p: Int) -> UInt8 { p < end ? fl[p] : 0 }
        @inline(__always) func c(_ p: Int) -> UInt32 { p < end ? cps[p] : 0xFFFF_FFFF }
        var prev = seg.lowerBound
        @inline(__always) func add(_ e: Int) { if e > prev { out.append(prev..<e) }; prev = e }
        let L = CodepointClass.letter, N = CodepointClass.number, W = CodepointClass.whitespace
        var pos = seg.lowerBound
        while pos < end {
            let cpt = c(pos)
            if cpt == 0x27 && pos + 1 < end {  // 's|'t|'re|'ve|'m|'ll|'d
                let n1 = c(pos + 1)
                if n1 == 0x73 || n1 == 0x74 || n1 == 0x6D || n1 == 0x64 { add(pos + 2); pos += 2; continue }
                if pos + 2 < end {
                    let n2 = c(pos + 2)
                    if (n1 == 0x72 && n2 == 0x65) || (n1 == 0x76 && n2 == 0x65) || (n1 == 0x6C && n2 == 0x6C) { add(pos + 3); pos += 3; continue }
                }
            }
            var f2 = cpt == 0x20 ? f(pos + 1) : f(pos)
            if f2 & L != 0 {  // ' ?\p{L}+'
                if cpt == 0x20 { pos += 1 }
                while f2 & L != 0 { pos += 1; f2 = f(pos) }
                add(pos); continue
            }
            if f2 & N != 0 {  // ' ?\p{N}+'
                if cpt == 0x20 { pos += 1 }
                while f2 & N != 0 { pos += 1; f2 = f(pos) }
                add(pos); continue
            }
            if f2 & (W | L | N) == 0 && f2 != 0 {  // ' ?[^\s\p{L}\p{N}]+'
                if cpt == 0x20 { pos += 1 }
                while f2 & (W | L | N) == 0 && f2 != 0 { pos += 1; f2 = f(pos) }
                add(pos); continue
            }
            var nws = 0
            while f(pos + nws) & W != 0 { nws += 1 }
            if nws > 1 && pos + nws < end { pos += nws - 1; add(pos); continue }  // \s+(?!\S)
            if nws > 0 { pos += nws; add(pos); continue }                          // \s+
            pos += 1; add(pos)
        }
    }

    /// unicode_regex_split_custom_llama3 (maxDigits 3) and _qwen2 (maxDigits 1) over one segment.
    private func scanLlama3(_ cps: [UInt32], _ fl: [UInt8], _ seg: Range<Int>, maxDigits: Int, _ out: inout [Range<Int>]) {
        let end = seg.upperBound
        @inline(__always) func f(_ p: Int) -> UInt8 { p < end ? fl[p] : 0 }
        @inline(__always) func c(_ p: Int) -> UInt32 { p < end ? cps[p] : 0xFFFF_FFFF }
        @inline(__always) func lower(_ v: UInt32) -> UInt32 { (v >= 0x41 && v <= 0x5A) ? v + 32 : v }
        var prev = seg.lowerBound
        @inline(__always) func add(_ e: Int) { if e > prev { out.append(prev..<e) }; prev = e }
        let L = CodepointClass.letter, N = CodepointClass.number, W = CodepointClass.whitespace
        var pos = seg.lowerBound
        while pos < end {
            let cpt = c(pos), fc = f(pos)
            if cpt == 0x27 && pos + 1 < end {  // (?i:'s|'t|'re|'ve|'m|'ll|'d)
                let n1 = lower(c(pos + 1))
                if n1 == 0x73 || n1 == 0x74 || n1 == 0x6D || n1 == 0x64 { add(pos + 2); pos += 2; continue }
                if pos + 2 < end {
                    let n2 = lower(c(pos + 2))
                    if (n1 == 0x72 && n2 == 0x65) || (n1 == 0x76 && n2 == 0x65) || (n1 == 0x6C && n2 == 0x6C) { add(pos + 3); pos += 3; continue }
                }
            }
            if !(cpt == 0x0D || cpt == 0x0A || fc & N != 0) {  // [^\r\n\p{L}\p{N}]?\p{L}+
                if fc & L != 0 || f(pos + 1) & L != 0 {
                    pos += 1
                    while f(pos) & L != 0 { pos += 1 }
                    add(pos); continue
                }
            }
            if fc & N != 0 {  // \p{N}{1,maxDigits}
                var ini = pos
                while f(pos) & N != 0 {
                    pos += 1
                    if pos - ini >= maxDigits { add(pos); ini = pos }
                }
                add(pos); continue
            }
            var f2 = cpt == 0x20 ? f(pos + 1) : fc
            if f2 & (W | L | N) == 0 && fc != 0 {  // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
                if cpt == 0x20 { pos += 1 }
                while f2 & (W | L | N) == 0 && f2 != 0 { pos += 1; f2 = f(pos) }
                var c2 = c(pos)
                while c2 == 0x0D || c2 == 0x0A { pos += 1; c2 = c(pos) }
                add(pos); continue
            }
            var nws = 0, lastRN = 0
            while f(pos + nws) & W != 0 {
                let c2 = c(pos + nws)
                if c2 == 0x0D || c2 == 0x0A { lastRN = pos + nws + 1 }
                nws += 1
            }
            if lastRN > 0 { pos = lastRN; add(pos); continue }                   // \s*[\r\n]+
            if nws > 1 && pos + nws < end { pos += nws - 1; add(pos); continue }  // \s+(?!\S)
            if nws > 0 { pos += nws; add(pos); continue }                          // \s+
            pos += 1; add(pos)
        }
    }
}

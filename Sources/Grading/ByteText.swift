// Byte-level trimming, searching and replacing for the (mostly ASCII) answer strings. Foundation's
// `trimmingCharacters`/`replacingOccurrences` went through CFString and dominated the verifier's
// profile; these work on UTF-8 bytes and leave multi-byte characters untouched.
import Foundation

/// UTF-8 string helpers used by normalisation and extraction.
enum ByteText {
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    /// `s` without leading and trailing ASCII whitespace.
    static func trim<S: StringProtocol>(_ s: S) -> String {
        let u = Array(s.utf8)
        var start = 0, end = u.count
        while start < end, isSpace(u[start]) { start += 1 }
        while end > start, isSpace(u[end - 1]) { end -= 1 }
        if start == 0, end == u.count, let whole = s as? String { return whole }
        return String(decoding: u[start..<end], as: UTF8.self)
    }

    /// Whether `s` contains `needle` (byte-wise).
    static func contains(_ s: String, _ needle: String) -> Bool {
        let h = Array(s.utf8), n = Array(needle.utf8)
        return index(of: n, in: h, from: 0) != nil
    }

    /// The first index ≥ `from` where `needle` starts in `h`.
    static func index(of n: [UInt8], in h: [UInt8], from: Int) -> Int? {
        guard let first = n.first, h.count >= n.count else { return nil }
        var i = from
        let last = h.count - n.count
        while i <= last {
            if h[i] == first {
                var k = 1
                while k < n.count, h[i + k] == n[k] { k += 1 }
                if k == n.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Replaces every occurrence of each needle (earlier pairs win at a position) in one pass.
    static func replacing(_ s: String, _ pairs: [(String, String)]) -> String {
        replacing(s, Rewriter(pairs))
    }

    /// Needles and replacements as bytes, built once.
    struct Rewriter: Sendable {
        let rules: [([UInt8], [UInt8])]
        let firsts: [Bool]
        init(_ pairs: [(String, String)]) {
            rules = pairs.map { (Array($0.0.utf8), Array($0.1.utf8)) }
            var f = [Bool](repeating: false, count: 256)
            for r in rules { if let b = r.0.first { f[Int(b)] = true } }
            firsts = f
        }
    }

    /// Applies a prebuilt `Rewriter` in one pass.
    static func replacing(_ s: String, _ rewriter: Rewriter) -> String {
        let h = Array(s.utf8)
        let rules = rewriter.rules, firsts = rewriter.firsts
        if !h.contains(where: { firsts[Int($0)] }) { return s }
        var out: [UInt8] = []
        out.reserveCapacity(h.count)
        var i = 0, changed = false
        scan: while i < h.count {
            if firsts[Int(h[i])] {
                for (n, r) in rules where i + n.count <= h.count && h[i] == n[0] {
                    var k = 1
                    while k < n.count, h[i + k] == n[k] { k += 1 }
                    if k == n.count { out += r; i += n.count; changed = true; continue scan }
                }
            }
            out.append(h[i]); i += 1
        }
        return changed ? String(decoding: out, as: UTF8.self) : s
    }
}

// ROUGE-L (Lin 2004): the longest common subsequence of tokens, as precision, recall and F-measure.
// Tokenisation follows Google's `rouge-score` package (the reference the contamination probe's figures are
// checked against, scripts/rouge-goldens): lowercase, every run of characters other than a–z and 0–9
// becomes a space, split on spaces; no stemming (its default). F = 2PR / (P + R), 0 when either is 0.
import Foundation

/// ROUGE-L precision, recall and F-measure of a candidate against a reference.
public struct RougeLScore: Sendable, Codable, Hashable {
    public var precision: Double
    public var recall: Double
    public var fmeasure: Double
}

/// ROUGE-L scoring (the contamination probe compares a greedy continuation with the true rest of a problem).
public enum RougeL {
    /// Longer token lists are cut to this many tokens, so the O(m·n) LCS stays bounded on model output.
    public static let maximumTokens = 4096

    /// rouge-score's default tokenizer: lowercase, non-[a-z0-9] runs to spaces, split.
    public static func tokens(_ text: String) -> [Substring] {
        // Unicode scalars, not Characters, so "e\u{301}" splits as rouge-score's regex splits it.
        let lowered = Substring(text.lowercased())
        let scalars = lowered.unicodeScalars
        var out = [Substring]()
        var start: String.UnicodeScalarView.Index? = nil
        var i = scalars.startIndex
        while i < scalars.endIndex, out.count < maximumTokens {
            let v = scalars[i].value
            let keep = (0x61...0x7A).contains(v) || (0x30...0x39).contains(v)
            if keep { if start == nil { start = i } } else if let s = start { out.append(Substring(scalars[s..<i])); start = nil }
            i = scalars.index(after: i)
        }
        if let s = start, out.count < maximumTokens { out.append(Substring(scalars[s..<scalars.endIndex])) }
        return out
    }

    /// LCS length by the two-row dynamic programme (O(m·n) time, O(n) memory).
    static func lcsLength(_ a: [Substring], _ b: [Substring]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var prev = [Int](repeating: 0, count: b.count + 1), cur = prev
        for x in a {
            for j in 1...b.count {
                cur[j] = x == b[j - 1] ? prev[j - 1] + 1 : max(prev[j], cur[j - 1])
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }

    /// The score of `candidate` against `reference`, as rouge_score's `RougeScorer(["rougeL"]).score(reference, candidate)`.
    public static func score(candidate: String, reference: String) -> RougeLScore {
        let c = tokens(candidate), r = tokens(reference)
        let lcs = Double(lcsLength(c, r))
        let p = c.isEmpty ? 0 : lcs / Double(c.count)
        let rc = r.isEmpty ? 0 : lcs / Double(r.count)
        let f = p + rc > 0 ? 2 * p * rc / (p + rc) : 0
        return RougeLScore(precision: p, recall: rc, fmeasure: f)
    }
}

// Keyword detector of self-reflection (paper §2.3 and appendix C; analysis/keyword_count.py and
// sr_detection.py of sail-sg/understand-r1-zero): the paper's 15-keyword pool, case-insensitive,
// counted per keyword, per response and per question (a question reflects if any of its k responses does).
import Foundation

/// How a keyword must sit in the text to count.
public enum KeywordMatching: String, Sendable, Codable, Hashable, CaseIterable {
    /// The paper's rule: raw lower-cased substring (`keyword in response.lower()`), so "precheck" counts as "recheck".
    case substring
    /// Default: the keyword must start a word, and may only be followed by a non-letter or an inflection
    /// ("s", "es", "d", "ed", "ing", "ion", "ation", "ations"), so "rethinking" and "double-checked" count
    /// but "prechecked" and "rethinkable" do not.
    case wordBoundary
}

/// Detects self-reflection keywords in responses.
public struct KeywordDetector: Sendable, Hashable {
    /// The paper's pool, in the paper's order.
    public static let paperPool: [String] = [
        "recheck", "rethink", "reassess", "reevaluate", "re-evaluate", "reevaluation", "re-examine", "reexamine",
        "reconsider", "reanalyze", "double-check", "check again", "think again", "verify again", "go over the steps",
    ]
    /// Inflections allowed after a keyword under `.wordBoundary`.
    static let suffixes: Set<String> = ["", "s", "es", "d", "ed", "ing", "ion", "ions", "ation", "ations"]

    /// Lower-cased keywords, in the order given.
    public let keywords: [String]
    public let matching: KeywordMatching

    public init(keywords: [String] = KeywordDetector.paperPool, matching: KeywordMatching = .wordBoundary) {
        self.keywords = keywords.map { $0.lowercased() }
        self.matching = matching
    }

    /// Reads a keyword file: one keyword per line, blank lines and `#` comments skipped.
    public static func loadKeywords(from url: URL) throws -> [String] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw AnalysesError.keywordFile(path: url.path, reason: "cannot be read as UTF-8 (\(error.localizedDescription))")
        }
        let words = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !words.isEmpty else { throw AnalysesError.keywordFile(path: url.path, reason: "holds no keywords") }
        return words
    }

    /// Occurrences of each keyword in one response (keywords that do not occur are absent).
    public func counts(in response: String) -> [String: Int] {
        let text = response.lowercased()
        var out = [String: Int]()
        for keyword in keywords where !keyword.isEmpty {
            var n = 0, from = text.startIndex
            while let r = text.range(of: keyword, range: from..<text.endIndex) {
                if matching == .substring || isWordMatch(text, r) { n += 1 }
                from = r.upperBound
            }
            if n > 0 { out[keyword] = n }
        }
        return out
    }

    /// Whether any keyword occurs in the response.
    public func detects(_ response: String) -> Bool { !counts(in: response).isEmpty }

    private func isWordMatch(_ text: String, _ r: Range<String.Index>) -> Bool {
        if r.lowerBound > text.startIndex, text[text.index(before: r.lowerBound)].isLetter { return false }
        var end = r.upperBound
        while end < text.endIndex, text[end].isLetter { end = text.index(after: end) }
        return Self.suffixes.contains(String(text[r.upperBound..<end]))
    }
}

/// Keyword counts over a set of questions with k responses each (the paper's Fig. 9 and Fig. 11 "keyword").
public struct KeywordTally: Sendable, Codable, Hashable {
    /// Total occurrences of each keyword over all responses.
    public var occurrences: [String: Int]
    /// Number of responses containing each keyword at least once.
    public var responsesWithKeyword: [String: Int]
    /// Responses with any keyword / all responses.
    public var responsesDetected: Int
    public var responses: Int
    /// Questions with any keyword in any of their responses / all questions.
    public var questionsDetected: Int
    public var questions: Int

    /// Tallies responses grouped by question.
    public init(detector: KeywordDetector, responsesByQuestion: [[String]]) {
        occurrences = [:]; responsesWithKeyword = [:]
        responsesDetected = 0; responses = 0; questionsDetected = 0; questions = responsesByQuestion.count
        for group in responsesByQuestion {
            var any = false
            for response in group {
                responses += 1
                let c = detector.counts(in: response)
                if !c.isEmpty { responsesDetected += 1; any = true }
                for (k, v) in c { occurrences[k, default: 0] += v; responsesWithKeyword[k, default: 0] += 1 }
            }
            if any { questionsDetected += 1 }
        }
    }
}

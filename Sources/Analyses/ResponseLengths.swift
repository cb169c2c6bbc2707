// Response length by category (paper appendix D, Table 5, and §2.1's format/truncation rates): every
// response falls in exactly one category, truncation first because a cut-off response's length is the budget.

/// Where a graded response falls.
public enum ResponseCategory: String, Sendable, Codable, CodingKeyRepresentable, Hashable, CaseIterable {
    /// Hit the max-token budget (finish reason "length").
    case truncated
    /// Finished but no answer could be extracted (the paper's "unformatted").
    case noAnswer
    case correct
    case incorrect

    /// Classifies one response.
    public static func of(truncated: Bool, hasAnswer: Bool, correct: Bool) -> ResponseCategory {
        if truncated { return .truncated }
        if !hasAnswer { return .noAnswer }
        return correct ? .correct : .incorrect
    }
}

/// Summary of lengths (in completion tokens) of one category.
public struct LengthSummary: Sendable, Codable, Hashable {
    public var count: Int
    public var mean: Double?
    public var median: Double?
    public var min: Int?
    public var max: Int?

    /// Summarises the lengths (median = mean of the two middle values for even counts).
    public init(_ lengths: [Int]) {
        count = lengths.count
        guard !lengths.isEmpty else { mean = nil; median = nil; min = nil; max = nil; return }
        let s = lengths.sorted()
        mean = Double(s.reduce(0, +)) / Double(s.count)
        median = s.count % 2 == 1 ? Double(s[s.count / 2]) : Double(s[s.count / 2 - 1] + s[s.count / 2]) / 2
        min = s.first; max = s.last
    }
}

/// Lengths per category, plus the rates the paper always shows.
public struct LengthsByCategory: Sendable, Codable, Hashable {
    public var byCategory: [ResponseCategory: LengthSummary]
    public var total: Int
    /// Share of truncated responses.
    public var truncationRate: Double
    /// Share of responses (truncated or not) from which the grader extracted an answer (any extraction,
    /// the plain-text fallback included). Not a format rate: those are `FormatRates`.
    public var answeredRate: Double

    /// Summarises (category, completion tokens, has answer) triples.
    public init(_ items: [(category: ResponseCategory, tokens: Int, hasAnswer: Bool)]) {
        var groups = [ResponseCategory: [Int]]()
        for c in ResponseCategory.allCases { groups[c] = [] }
        for i in items { groups[i.category, default: []].append(i.tokens) }
        byCategory = groups.mapValues(LengthSummary.init)
        total = items.count
        truncationRate = items.isEmpty ? 0 : Double(groups[.truncated]?.count ?? 0) / Double(items.count)
        answeredRate = items.isEmpty ? 0 : Double(items.filter(\.hasAnswer).count) / Double(items.count)
    }
}

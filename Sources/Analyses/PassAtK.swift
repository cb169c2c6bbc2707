// The unbiased pass@k estimator of Chen et al. 2021 ("Evaluating Large Language Models Trained
// on Code", §2.1 and its numerically stable numpy snippet): pass@k = 1 − C(n−c, k) / C(n, k),
// computed as 1 − ∏_{i=n−c+1}^{n} (1 − k/i) so no binomial coefficient is ever formed.

/// Unbiased pass@k from n graded samples of which c are correct.
public enum PassAtK {
    /// pass@k for one question. Requires 1 ≤ k ≤ n and 0 ≤ c ≤ n.
    /// Edge cases: c = 0 gives 0; n − c < k (every k-subset holds a correct sample, e.g. k = n with c ≥ 1) gives 1.
    public static func estimate(n: Int, c: Int, k: Int) throws -> Double {
        try checkCounts(n: n, c: c)
        guard (1...n).contains(k) else {
            throw AnalysesError.invalidArgument(name: "k", value: "\(k)", expected: "1...\(n) (k cannot exceed the samples drawn)")
        }
        if c == 0 { return 0 }
        if n - c < k { return 1 }
        var failAll = 1.0
        for i in (n - c + 1)...n { failAll *= 1 - Double(k) / Double(i) }
        return 1 - failAll
    }

    /// Throws unless n ≥ 1 and 0 ≤ c ≤ n (shared with `PassAtKCurve`).
    static func checkCounts(n: Int, c: Int) throws {
        guard n >= 1 else { throw AnalysesError.invalidArgument(name: "n", value: "\(n)", expected: "at least 1 sample") }
        guard (0...n).contains(c) else {
            throw AnalysesError.invalidArgument(name: "c", value: "\(c)", expected: "0...\(n) correct samples")
        }
    }

    /// pass@1 … pass@maxK for one question (maxK defaults to n).
    public static func curve(n: Int, c: Int, maxK: Int? = nil) throws -> [Double] {
        let top = maxK ?? n
        guard top >= 1 else { throw AnalysesError.invalidArgument(name: "k", value: "\(top)", expected: "at least 1") }
        return try (1...top).map { try estimate(n: n, c: c, k: $0) }
    }

    /// Mean pass@k over questions, each given as (n, c).
    public static func mean(_ counts: [(n: Int, c: Int)], k: Int) throws -> Double {
        guard !counts.isEmpty else { throw AnalysesError.noQuestions(source: "pass@\(k)") }
        var sum = 0.0
        for q in counts { sum += try estimate(n: q.n, c: q.c, k: k) }
        return sum / Double(counts.count)
    }
}

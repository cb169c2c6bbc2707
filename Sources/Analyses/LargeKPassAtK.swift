// pass@k at large k (up to n, e.g. 256) from one stored sample set per question, computed
// incrementally: the failure probability C(n−c, k)/C(n, k) satisfies
//   F(k) = F(k−1) · (n−c−k+1)/(n−k+1),
// so one pass over k = 1…n in log space gives the whole curve in O(n) per question
// (instead of O(c) per k with PassAtK.estimate), and re-analysis at every k is cheap.
import Foundation

/// The whole pass@k curve of one question, from its (n, c).
public struct PassAtKCurve: Sendable, Codable, Hashable {
    public var n: Int
    public var c: Int
    /// values[k − 1] = pass@k for k = 1…maxK.
    public var values: [Double]

    /// Builds pass@1 … pass@maxK (maxK defaults to n) with the log-space recurrence.
    public init(n: Int, c: Int, maxK: Int? = nil) throws {
        try PassAtK.checkCounts(n: n, c: c)
        let top = maxK ?? n
        guard (1...n).contains(top) else {
            throw AnalysesError.invalidArgument(name: "maxK", value: "\(top)", expected: "1...\(n) (k cannot exceed the samples drawn)")
        }
        self.n = n; self.c = c
        var out = [Double](); out.reserveCapacity(top)
        var logFail = 0.0
        for k in 1...top {
            if c == 0 { out.append(0); continue }
            if n - c < k { out.append(1); continue }
            logFail += log(Double(n - c - k + 1)) - log(Double(n - k + 1))
            out.append(1 - exp(logFail))
        }
        values = out
    }

    /// pass@k for 1 ≤ k ≤ values.count.
    public func at(_ k: Int) throws -> Double {
        guard (1...values.count).contains(k) else {
            throw AnalysesError.invalidArgument(name: "k", value: "\(k)", expected: "1...\(values.count)")
        }
        return values[k - 1]
    }
}

/// One point of a benchmark's pass@k curve with its bootstrap interval over questions.
public struct PassAtKPoint: Sendable, Codable, Hashable {
    public var k: Int
    public var passAtK: ConfidenceInterval
}

/// The mean pass@k curve over questions at one temperature.
public struct LargeKPassAtK: Sendable, Codable, Hashable {
    public var temperature: Double
    public var questions: Int
    public var points: [PassAtKPoint]

    /// The k values reported by default: powers of two up to maxK, and maxK itself.
    public static func defaultKs(maxK: Int) -> [Int] {
        var ks = [Int](), k = 1
        while k < maxK { ks.append(k); k *= 2 }
        if maxK >= 1 { ks.append(maxK) }
        return ks
    }

    /// Curves for every question (each with its own n; maxK is capped at the smallest n), then the
    /// mean at each k with a seeded percentile bootstrap over questions.
    public init(temperature: Double, counts: [(n: Int, c: Int)], ks: [Int]? = nil,
                resamples: Int = 1000, level: Double = 0.95, seed: UInt64) throws {
        guard let minN = counts.map(\.n).min() else { throw AnalysesError.noQuestions(source: "pass@k at T=\(temperature)") }
        let wanted = ks ?? Self.defaultKs(maxK: minN)
        guard let top = wanted.max(), top <= minN, wanted.allSatisfy({ $0 >= 1 }) else {
            throw AnalysesError.invalidArgument(name: "k", value: "\(wanted)", expected: "values in 1...\(minN) (the fewest samples of any question)")
        }
        let curves = try counts.map { try PassAtKCurve(n: $0.n, c: $0.c, maxK: top) }
        self.temperature = temperature
        self.questions = counts.count
        self.points = try wanted.map { k in
            let vals = curves.map { $0.values[k - 1] }
            return PassAtKPoint(k: k, passAtK: try Bootstrap.meanInterval(vals, resamples: resamples, level: level,
                                                                       seed: seed &+ UInt64(k)))
        }
    }
}

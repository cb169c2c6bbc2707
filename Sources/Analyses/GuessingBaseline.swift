// The pass@k a uniform guesser over the benchmark's answer space reaches: each guess is right with
// probability 1/S, so pass@k = 1 − (1 − 1/S)^k (independent guesses, with replacement). AIME's
// 1,000 integers give 1 − 0.999^256 ≈ 22.6% at k = 256; five choices give 1 − 0.8^k.
import Foundation

/// The answer space a blind guesser draws from.
public enum AnswerSpace: Sendable, Codable, Hashable {
    /// AIME: the integers 0…999.
    case aimeIntegers
    /// Multiple choice with this many options (A–E is 5).
    case multipleChoice(options: Int)
    /// Any answer space of this size.
    case size(Int)

    public var count: Int {
        switch self {
        case .aimeIntegers: return 1000
        case let .multipleChoice(options): return options
        case let .size(s): return s
        }
    }
}

/// Uniform-guesser pass@k and the 10% flag.
public enum GuessingBaseline {
    /// Above this share, pass@k at that k says little about capability.
    public static let flagThreshold = 0.10

    /// 1 − (1 − 1/S)^k, computed as −expm1(k · log1p(−1/S)) for accuracy at large S.
    public static func passAtK(space: AnswerSpace, k: Int) throws -> Double {
        let s = space.count
        guard s >= 1 else { throw AnalysesError.invalidArgument(name: "answer space", value: "\(s)", expected: "at least 1 answer") }
        guard k >= 1 else { throw AnalysesError.invalidArgument(name: "k", value: "\(k)", expected: "at least 1") }
        if s == 1 { return 1 }
        return -expm1(Double(k) * log1p(-1 / Double(s)))
    }

    /// True where the guesser's pass@k exceeds 10%.
    public static func flagged(space: AnswerSpace, k: Int) throws -> Bool {
        try passAtK(space: space, k: k) > flagThreshold
    }

    /// The smallest k at which the baseline exceeds 10% (nil if never up to maxK).
    public static func firstFlaggedK(space: AnswerSpace, maxK: Int) throws -> Int? {
        guard maxK >= 1 else { return nil }
        for k in 1...maxK where try flagged(space: space, k: k) { return k }
        return nil
    }
}

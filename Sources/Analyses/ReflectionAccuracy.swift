// Reflection vs accuracy per question (paper appendix D, Fig. 13): for each question whose k responses
// include both reflecting and non-reflecting ones, accuracy with reflection minus accuracy without,
// and the distribution of that difference over questions.

/// One response's reflection decision and grade.
public struct ReflectionOutcome: Sendable, Codable, Hashable {
    public var reflects: Bool
    public var correct: Bool
    public init(reflects: Bool, correct: Bool) { self.reflects = reflects; self.correct = correct }
}

/// One question's accuracy gap.
public struct QuestionReflectionGap: Sendable, Codable, Hashable {
    public var questionID: String
    public var withReflection: Int
    public var withoutReflection: Int
    public var accuracyWith: Double
    public var accuracyWithout: Double
    /// accuracyWith − accuracyWithout.
    public var delta: Double
}

/// The Fig. 13 summary.
public struct ReflectionAccuracy: Sendable, Codable, Hashable {
    /// Questions with both kinds of responses, in input order.
    public var gaps: [QuestionReflectionGap]
    /// Questions where every response or no response reflects (no gap defined).
    public var skippedQuestions: Int
    public var meanDelta: Double?
    /// Questions with delta > 0, = 0, < 0.
    public var positive: Int
    public var zero: Int
    public var negative: Int
    /// Histogram of deltas over [−1, 1] in `bins` equal bins (the last bin includes 1).
    public var histogram: [Int]

    /// Computes the gaps from (question id, its responses' outcomes).
    public init(questions: [(id: String, outcomes: [ReflectionOutcome])], bins: Int = 10) {
        gaps = []; skippedQuestions = 0; positive = 0; zero = 0; negative = 0
        let binCount = max(1, bins)
        histogram = Array(repeating: 0, count: binCount)
        for q in questions {
            let with = q.outcomes.filter(\.reflects), without = q.outcomes.filter { !$0.reflects }
            guard !with.isEmpty, !without.isEmpty else { skippedQuestions += 1; continue }
            let aw = Double(with.filter(\.correct).count) / Double(with.count)
            let ao = Double(without.filter(\.correct).count) / Double(without.count)
            let d = aw - ao
            gaps.append(QuestionReflectionGap(questionID: q.id, withReflection: with.count, withoutReflection: without.count,
                                              accuracyWith: aw, accuracyWithout: ao, delta: d))
            if d > 0 { positive += 1 } else if d < 0 { negative += 1 } else { zero += 1 }
            let b = min(binCount - 1, max(0, Int(((d + 1) / 2 * Double(binCount)).rounded(.down))))
            histogram[b] += 1
        }
        meanDelta = gaps.isEmpty ? nil : gaps.map(\.delta).reduce(0, +) / Double(gaps.count)
    }
}

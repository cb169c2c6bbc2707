// The one extraction policy shared by the audit, the training reward and the exported reward.py, so
// the three cannot disagree about where an answer is read and when a response earns credit.
//
// The rule (docs/GRADING.md, "Extraction policy"):
//  1. The template's own format is read first: the last `\boxed{}` (`.boxed`), the last closed
//     `<answer>…</answer>` (`.answerTag`, a `\boxed{}` inside it wins), either (`.auto`), or none (`nil`,
//     a template without an answer format).
//  2. Only when that format is absent, and `plainTextFallback` is on, the plain-text finals are read
//     ("The answer is …", `#### …`, the last LaTeX math environment, the last number).
//  3. A response whose finish reason is `length` (cut at the token limit) gets no fallback credit: a
//     truncated response is graded on the template's own format only, since its last number is
//     whatever the text had reached when it was cut.
// Both R1 format rules are exposed: the paper's strict `</think> <answer>…</answer>` and the lenient
// "a closed answer tag anywhere".
import Foundation

/// Where answers are read and when the plain-text fallback may give credit. Codable so that the
/// exported reward and the audit's run records carry the same value.
public struct ExtractionPolicy: Sendable, Codable, Hashable {
    /// The template's own answer format; nil for a template that has none (plain text only).
    public var format: ExtractionMode?
    /// Whether plain-text finals count when the template's format is absent.
    public var plainTextFallback: Bool
    /// Whether a response cut at the token limit may earn fallback credit (false by the rule above).
    public var fallbackOnTruncation: Bool
    /// Decimal places at which answers with decimals are compared (Math-Verify's `float_rounding`, 6).
    public var floatRounding: Int

    /// Creates a policy; the defaults are the rule above with Math-Verify's rounding at 6 decimal places.
    public init(format: ExtractionMode?, plainTextFallback: Bool = true, fallbackOnTruncation: Bool = false,
                floatRounding: Int = 6) {
        self.format = format
        self.plainTextFallback = plainTextFallback
        self.fallbackOnTruncation = fallbackOnTruncation
        self.floatRounding = floatRounding
    }

    /// The paper's choices (Liu et al. 2025): the template's format only, no fallback at all.
    public static func paperParity(format: ExtractionMode?) -> ExtractionPolicy {
        ExtractionPolicy(format: format, plainTextFallback: false)
    }

    /// The policy for a template whose answer format is `extraction` (a template's `extraction` field).
    /// The audit, the training reward and the exported reward.py all build their policy here, so one
    /// template and one pair of flags always mean one rule:
    /// - `paperParity`: the template's own format only (last `\boxed{}` or the R1 answer tag), no fallback —
    ///   the paper's reward and the trainer's default;
    /// - otherwise: either answer format (`.auto`), then the plain-text finals when `plainTextFallback` is on.
    /// A template with no answer format (`none`) is read as plain text in both cases.
    public static func forTemplate(extraction: AnswerExtraction, paperParity: Bool, plainTextFallback: Bool) -> ExtractionPolicy {
        forTemplate(format: extraction.ownMode, paperParity: paperParity, plainTextFallback: plainTextFallback)
    }

    /// The same policy from the template's own extractor mode (`AnswerExtraction.ownMode`).
    public static func forTemplate(format own: ExtractionMode?, paperParity: Bool, plainTextFallback: Bool) -> ExtractionPolicy {
        if paperParity { return .paperParity(format: own) }
        return ExtractionPolicy(format: own == nil ? nil : .auto, plainTextFallback: plainTextFallback)
    }

    /// Whether `response` holds the policy's own answer format (no fallback): the format rate's test.
    public func hasOwnFormat(_ response: String) -> Bool {
        format != nil && verifier.extractor.extract(response) != nil
    }

    /// The name verdicts are stored under: `paper:boxed`, `paper:answer-tag`, `paper:plain`, `auto`,
    /// `auto+fallback` or `plain` (a template without a format), plus `@r<k>` when the rounding is not 6.
    public var graderName: String {
        let base: String
        switch (format, plainTextFallback) {
        case (nil, _): base = plainTextFallback ? "plain" : "paper:plain"
        case (.auto?, true): base = "auto+fallback"
        case (.auto?, false): base = "auto"
        case (let f?, false): base = "paper:" + f.rawValue
        case (let f?, true): base = f.rawValue + "+fallback"
        }
        return floatRounding == 6 ? base : base + "@r\(floatRounding)"
    }

    /// The verifier for answers read under this policy.
    public var verifier: AnswerVerifier {
        AnswerVerifier(extractor: AnswerExtractor(mode: format ?? .auto, plainTextFallback: false),
                       floatRounding: floatRounding)
    }

    /// Grades one response under the policy: the template's format first, then (if allowed and the
    /// response was not cut at the token limit: `truncated`, finish reason `length`) the plain-text fallback.
    public func grade(response: String, golds: [String], truncated: Bool) -> GradeResult {
        let v = verifier
        if format != nil, let own = v.extractor.extract(response) {
            return v.judge(own, response: response, golds: golds, boxListAllowed: format != .answerTag)
        }
        // A template without an answer format is read as plain text (there is nothing else to read);
        // otherwise the plain text is a fallback that the policy must allow.
        guard plainTextFallback || format == nil, !truncated || fallbackOnTruncation else {
            return GradeResult(extracted: nil, status: .noAnswer)
        }
        return v.judge(v.extractor.extractPlainText(response), response: response, golds: golds, boxListAllowed: true)
    }
}

/// The R1 template's format rules.
public enum R1Format {
    /// The paper's strict rule (understand-r1-zero's `answer_tag_reward_fn`): the literal
    /// `</think> <answer>` followed later by `</answer>`.
    public static func isStrict(_ response: String) -> Bool {
        let b = Array(response.utf8)
        guard let open = ByteText.index(of: Array("</think> <answer>".utf8), in: b, from: 0) else { return false }
        return ByteText.index(of: Array("</answer>".utf8), in: b, from: open + 17) != nil
    }

    /// The lenient rule: a closed `<answer>…</answer>` anywhere (what the answer-tag extraction reads).
    public static func isLenient(_ response: String) -> Bool {
        AnswerExtractor.answerTag(Array(response.utf8)) != nil
    }
}

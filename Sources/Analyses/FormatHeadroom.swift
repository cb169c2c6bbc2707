// Format headroom (the spurious-rewards finding, Shao et al. 2025; the Dr. GRPO paper §2.2 on templates):
// much of an early RL gain can be the model learning the reward's format, not the mathematics. Per
// template: accuracy crediting any extracted answer, accuracy crediting only the paper's strict format and
// the lenient one, and the share of responses that write code or mention Python (Qwen-Math's "code
// reasoning") with accuracy split by it.
import Foundation

/// One graded response as the headroom needs it.
public struct HeadroomSample: Sendable, Hashable {
    public var correct: Bool
    /// The template's own format under the strict rule (R1: `</think> <answer>`; boxed templates: a box).
    public var strictFormat: Bool
    /// The lenient rule (R1: an `<answer>` span anywhere; boxed templates: the same as strict).
    public var lenientFormat: Bool
    public var response: String
    public init(correct: Bool, strictFormat: Bool, lenientFormat: Bool, response: String) {
        self.correct = correct; self.strictFormat = strictFormat; self.lenientFormat = lenientFormat; self.response = response
    }
}

/// The headroom figures of one template.
public struct FormatHeadroom: Sendable, Codable, Hashable {
    public var template: String
    public var responses: Int
    /// Correct, whatever the format (the grader's plain-text fallback included).
    public var accuracy: ConfidenceInterval
    /// Correct and in the strict format (what the paper's format reward credits).
    public var strictAccuracy: ConfidenceInterval
    /// Correct and in the lenient format.
    public var lenientAccuracy: ConfidenceInterval
    /// accuracy − strict accuracy: what RL can gain by learning the format alone.
    public var formatGap: Double
    /// Responses that write code or mention Python.
    public var codeShare: ConfidenceInterval
    public var accuracyWithCode: ConfidenceInterval
    public var accuracyWithoutCode: ConfidenceInterval

    public init(template: String, samples: [HeadroomSample]) throws {
        func rate(_ xs: [HeadroomSample], _ p: (HeadroomSample) -> Bool) throws -> ConfidenceInterval {
            try WilsonInterval.interval(successes: xs.filter(p).count, trials: xs.count)
        }
        let withCode = samples.filter { Self.writesCode($0.response) }
        let withoutCode = samples.filter { !Self.writesCode($0.response) }
        self.template = template
        responses = samples.count
        accuracy = try rate(samples) { $0.correct }
        strictAccuracy = try rate(samples) { $0.correct && $0.strictFormat }
        lenientAccuracy = try rate(samples) { $0.correct && $0.lenientFormat }
        formatGap = accuracy.estimate - strictAccuracy.estimate
        codeShare = try WilsonInterval.interval(successes: withCode.count, trials: samples.count)
        accuracyWithCode = try rate(withCode) { $0.correct }
        accuracyWithoutCode = try rate(withoutCode) { $0.correct }
    }

    /// Code markers, matched case-insensitively: a fenced code block, a Python keyword line or call, or the
    /// word "python" (Shao et al. count "code reasoning" as writing Python, run or not).
    static let codeMarkers = ["```", "python", "def ", "import ", "print(", "return ", "for i in range", "sympy"]

    /// Whether a response writes code or mentions Python.
    public static func writesCode(_ response: String) -> Bool {
        let lower = response.lowercased()
        return codeMarkers.contains { lower.contains($0) }
    }
}

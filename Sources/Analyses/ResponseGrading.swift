// Grading stored samples for the analyses (paper §2.2): each response is graded with the extraction its
// template implies, and its template format (no plain-text fallback) is recorded separately under both
// rules, strict and lenient (`FormatRule`), so format rates are never inflated by the fallback. A sample
// is graded once per grader: its verdict is written to the run store under the grader's name, and every
// later analysis reads that verdict back instead of grading the response again.
import Foundation
import Grading
import Prompts
import RunStore

/// How responses are graded.
public struct GraderSettings: Sendable, Codable, Hashable {
    /// The paper's choices: the template's own format only (last `\boxed`, or the R1 answer tag), no fallback.
    public var paperParity: Bool
    /// Default mode: also accept "The answer is 42", "#### 42" or a final number when the template's format is absent.
    public var plainTextFallback: Bool

    public init(paperParity: Bool = false, plainTextFallback: Bool = true) {
        self.paperParity = paperParity; self.plainTextFallback = plainTextFallback
    }

    /// The one extraction policy (`Grading.ExtractionPolicy.forTemplate`) for a template's answer format —
    /// the same function the training reward and the exported reward.py are built from.
    public func policy(extraction: AnswerExtraction) -> ExtractionPolicy {
        ExtractionPolicy.forTemplate(extraction: extraction, paperParity: paperParity, plainTextFallback: plainTextFallback)
    }

    /// The name verdicts are stored under, e.g. `auto+fallback` or `paper:answer-tag`.
    public func graderName(extraction: AnswerExtraction) -> String { policy(extraction: extraction).graderName }

    /// The short name results are keyed under: `paper`, `auto+fallback` or `auto`.
    public var key: String { paperParity ? "paper" : (plainTextFallback ? "auto+fallback" : "auto") }

    /// The format rule the format rate uses: the paper's strict rule under paper parity, else the lenient one.
    public var formatRule: FormatRule { paperParity ? .strict : .lenient }

    /// A one-line description for figure captions.
    public var summary: String {
        paperParity ? "paper parity (template format only, no fallback)"
            : (plainTextFallback ? "auto (boxed, answer tag, then plain-text fallback)" : "auto (boxed, answer tag)")
    }
}

/// Which answer-format rule a format rate counts (issue 16). They differ only for the R1 template:
/// strict is the paper's `</think> <answer>…</answer>` (`R1Format.isStrict`), lenient a closed
/// `<answer>…</answer>` anywhere (`R1Format.isLenient`); for a boxed template both are "has a `\boxed{}`".
public enum FormatRule: String, Sendable, Codable, Hashable, CaseIterable {
    case strict, lenient
}

/// A template's answer format under both rules, for one response.
public struct FormatCheck: Sendable, Hashable {
    /// The template has an answer format at all (`none` does not: both rules are then false).
    public var hasFormat: Bool
    public var strict: Bool
    public var lenient: Bool

    /// Checks `response` against the format of a template whose `extraction` value is given.
    public static func of(_ response: String, extraction: AnswerExtraction) -> FormatCheck {
        switch extraction.ownMode {
        case .answerTag?:
            return FormatCheck(hasFormat: true, strict: R1Format.isStrict(response), lenient: R1Format.isLenient(response))
        case nil:
            return FormatCheck(hasFormat: false, strict: false, lenient: false)
        case let f?:
            let boxed = ExtractionPolicy.paperParity(format: f).hasOwnFormat(response)
            return FormatCheck(hasFormat: true, strict: boxed, lenient: boxed)
        }
    }

    public func holds(_ rule: FormatRule) -> Bool { rule == .strict ? strict : lenient }
}

/// Strict and lenient format rates of a set of graded responses, side by side, and the rule in force.
public struct FormatRates: Sendable, Codable, Hashable {
    /// Share in the paper's strict format; nil when the template has no answer format.
    public var strict: Double?
    /// Share in the lenient format; nil when the template has no answer format.
    public var lenient: Double?
    /// The rule the format rate (and the format reward) uses: strict under `--paper-parity`, else lenient.
    public var rule: FormatRule

    public init(strict: Double?, lenient: Double?, rule: FormatRule) {
        self.strict = strict; self.lenient = lenient; self.rule = rule
    }

    /// The rates of `graded` (all of one template).
    public init(_ graded: [GradedSample], rule: FormatRule) {
        self.rule = rule
        guard !graded.isEmpty, graded.allSatisfy(\.format.hasFormat) else { strict = nil; lenient = nil; return }
        let n = Double(graded.count)
        strict = Double(graded.filter(\.format.strict).count) / n
        lenient = Double(graded.filter(\.format.lenient).count) / n
    }

    /// The format rate under the rule in force (not stored separately: one figure, one value).
    public var rate: Double? { rule == .strict ? strict : lenient }
}

/// One stored sample with its grade.
public struct GradedSample: Sendable, Hashable {
    public var sample: StoredSample
    public var grade: GradeResult
    /// The grader name the verdict is stored under.
    public var grader: String
    /// The template's answer format under both rules (no fallback).
    public var format: FormatCheck
    /// The format rule in force (strict under paper parity).
    public var formatRule: FormatRule
    public var category: ResponseCategory

    /// The response has the template's own answer format under the rule in force.
    public var formatted: Bool { format.holds(formatRule) }

    public var truncated: Bool { sample.finishReason == .length }
}

/// Grades stored samples once per grader: a sample with a stored verdict of the grader is read back, the
/// others are graded and their verdicts stored.
public struct SampleGrader: Sendable {
    public var settings: GraderSettings
    public init(settings: GraderSettings) { self.settings = settings }

    /// The graded samples (their questions and templates must be in the store), in order.
    public func grade(_ samples: [StoredSample], database: RunDatabase) throws -> [GradedSample] {
        let golds = Dictionary(try database.questions().map { ($0.id, $0.golds) }, uniquingKeysWith: { a, _ in a })
        let extraction = Dictionary(try database.prompts().map { ($0.template, $0.extraction) }, uniquingKeysWith: { a, _ in a })
        // One format and policy per template, looked up once. A template with no stored prompt has no
        // known answer format: refused, never graded under a guessed one.
        var byTemplate: [String: (format: AnswerExtraction, policy: ExtractionPolicy)] = [:]
        for t in Set(samples.map(\.template)).sorted() {
            guard let e = extraction[t] else { throw AnalysesError.templateNotStored(template: t) }
            byTemplate[t] = (e, settings.policy(extraction: e))
        }
        let names = Set(byTemplate.values.map(\.policy.graderName))
        var stored: [String: [Int64: StoredVerdict]] = [:]
        for name in names {
            stored[name] = Dictionary(try database.verdicts(grader: name).map { ($0.sampleID, $0) }, uniquingKeysWith: { a, _ in a })
        }
        var out = [GradedSample](), fresh = [StoredVerdict]()
        out.reserveCapacity(samples.count)
        for s in samples {
            guard let (ex, p) = byTemplate[s.template] else { throw AnalysesError.templateNotStored(template: s.template) }
            let name = p.graderName
            let result: GradeResult
            if let id = s.id, let v = stored[name]?[id] {
                result = GradeResult(extracted: v.extracted, status: v.status)
            } else {
                result = p.grade(response: s.response, golds: golds[s.questionID] ?? [], truncated: s.finishReason == .length)
                if let id = s.id {
                    fresh.append(StoredVerdict(sampleID: id, grader: name, extracted: result.extracted, status: result.status))
                }
            }
            out.append(GradedSample(sample: s, grade: result, grader: name, format: .of(s.response, extraction: ex),
                                    formatRule: settings.formatRule,
                                    category: .of(truncated: s.finishReason == .length, hasAnswer: result.extracted != nil,
                                                  correct: result.correct)))
        }
        if !fresh.isEmpty { try database.put(verdicts: fresh) }
        return out
    }
}

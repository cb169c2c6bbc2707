// Grading stored samples for the analyses (paper §2.2): each response is graded with the extraction its
// template implies, and its strict template format (no plain-text fallback) is recorded separately, so
// format rates are never inflated by the fallback. Verdicts are written to the run store under the
// grader's name (re-grading replaces them, which keeps a resumed run consistent).
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

    /// A template's own answer format from its stored `extraction` value; an unreadable value (a
    /// hand-edited store) is graded as the boxed format, the templates' default.
    static func templateFormat(extraction: String) -> ExtractionMode? {
        (try? ExtractionPolicy.templateFormat(extraction: extraction)) ?? .boxed
    }

    /// The one extraction policy (`Grading.ExtractionPolicy.forTemplate`) for a template's `extraction`
    /// value — the same function the training reward and the exported reward.py are built from.
    public func policy(extraction: String) -> ExtractionPolicy {
        ExtractionPolicy.forTemplate(format: Self.templateFormat(extraction: extraction), paperParity: paperParity,
                                     plainTextFallback: plainTextFallback)
    }

    /// The name verdicts are stored under, e.g. `auto+fallback` or `paper:answer-tag`.
    public func graderName(extraction: String) -> String { policy(extraction: extraction).graderName }

    /// A one-line description for figure captions.
    public var summary: String {
        paperParity ? "paper parity (template format only, no fallback)"
            : (plainTextFallback ? "auto (boxed, answer tag, then plain-text fallback)" : "auto (boxed, answer tag)")
    }
}

/// One stored sample with its grade.
public struct GradedSample: Sendable, Hashable {
    public var sample: StoredSample
    public var grade: GradeResult
    /// The response has the template's own answer format (strict, no fallback).
    public var formatted: Bool
    public var category: ResponseCategory

    public var truncated: Bool { sample.finishReason == "length" }
}

/// Grades stored samples and writes their verdicts.
public struct SampleGrader: Sendable {
    public var settings: GraderSettings
    public init(settings: GraderSettings) { self.settings = settings }

    /// Grades `samples` (their questions and templates must be in the store), stores the verdicts, returns them in order.
    public func grade(_ samples: [StoredSample], database: RunDatabase) throws -> [GradedSample] {
        let golds = Dictionary(try database.questions().map { ($0.id, $0.golds) }, uniquingKeysWith: { a, _ in a })
        let extraction = Dictionary(try database.prompts().map { ($0.template, $0.extraction) }, uniquingKeysWith: { a, _ in a })
        var out = [GradedSample](), verdicts = [StoredVerdict]()
        out.reserveCapacity(samples.count)
        // One grading policy and one format-only policy (the format rate's) per extraction value.
        var policies: [String: (grade: ExtractionPolicy, format: ExtractionPolicy, name: String)] = [:]
        for s in samples {
            let ex = extraction[s.template] ?? AnswerExtraction.boxed.rawValue
            let p = policies[ex] ?? {
                let grade = settings.policy(extraction: ex)
                return (grade, .paperParity(format: GraderSettings.templateFormat(extraction: ex)), grade.graderName)
            }()
            policies[ex] = p
            let result = p.grade.grade(response: s.response, golds: golds[s.questionID] ?? [], finishReason: s.finishReason)
            let graded = GradedSample(sample: s, grade: result, formatted: p.format.hasOwnFormat(s.response),
                                      category: .of(truncated: s.finishReason == "length", hasAnswer: result.extracted != nil,
                                                    correct: result.correct))
            out.append(graded)
            if let id = s.id {
                verdicts.append(StoredVerdict(sampleID: id, grader: p.name,
                                              extracted: result.extracted, status: result.status.rawValue))
            }
        }
        try database.put(verdicts: verdicts)
        return out
    }
}

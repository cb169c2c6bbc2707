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

    /// The extraction mode of a template (`answer-tag` → R1 tag, anything else → boxed).
    static func mode(forExtraction extraction: String) -> ExtractionMode {
        extraction == AnswerExtraction.answerTag.rawValue ? .answerTag : .boxed
    }

    /// The verifier for one template.
    func verifier(extraction: String) -> AnswerVerifier {
        let mode = Self.mode(forExtraction: extraction)
        if paperParity { return AnswerVerifier.paperParity(mode: mode) }
        return AnswerVerifier(extractor: AnswerExtractor(mode: .auto, plainTextFallback: plainTextFallback))
    }

    /// The name verdicts are stored under, e.g. `auto+fallback` or `paper:answer-tag`.
    public func graderName(extraction: String) -> String {
        if paperParity { return "paper:" + Self.mode(forExtraction: extraction).rawValue }
        return plainTextFallback ? "auto+fallback" : "auto"
    }

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
        for s in samples {
            let ex = extraction[s.template] ?? AnswerExtraction.boxed.rawValue
            let result = settings.verifier(extraction: ex).grade(response: s.response, golds: golds[s.questionID] ?? [])
            let strict = AnswerExtractor(mode: GraderSettings.mode(forExtraction: ex), plainTextFallback: false)
            let graded = GradedSample(sample: s, grade: result, formatted: strict.extract(s.response) != nil,
                                      category: .of(truncated: s.finishReason == "length", hasAnswer: result.extracted != nil,
                                                    correct: result.correct))
            out.append(graded)
            if let id = s.id {
                verdicts.append(StoredVerdict(sampleID: id, grader: settings.graderName(extraction: ex),
                                              extracted: result.extracted, status: result.status.rawValue))
            }
        }
        try database.put(verdicts: verdicts)
        return out
    }
}

// What an audit hands the RL stage (issue 18): its chosen template, its grader, the sampling temperature
// and, from the exploration's stored correct-per-question counts at that temperature, which questions can
// give GRPO / Dr. GRPO a gradient. A question none of whose k samples was correct gives every group the
// same reward 0 (zero advantage); one whose k samples were all correct gives reward 1 throughout.
import Foundation
import Datasets
import RunStore

/// Which questions a training run keeps, and why the others were dropped.
public struct TrainingQuestionSelection: Sendable, Codable, Hashable {
    /// Kept question ids, in the store's order.
    public var kept: [String]
    /// Dropped: no correct sample in the audit.
    public var droppedUnsolved: [String]
    /// Dropped: every sample correct in the audit (empty with `keepSolved`).
    public var droppedSolved: [String]
    /// Questions with no complete audit record (not all k samples stored): dropped.
    public var droppedUnmeasured: [String]
    public var keepSolved: Bool

    /// Splits `ids` by `correct[id]` of `k`: 0 is dropped, `k` is dropped unless `keepSolved`, the rest kept.
    public static func select(ids: [String], correct: [String: Int], k: Int, keepSolved: Bool) -> TrainingQuestionSelection {
        var s = TrainingQuestionSelection(kept: [], droppedUnsolved: [], droppedSolved: [], droppedUnmeasured: [], keepSolved: keepSolved)
        for id in ids {
            guard let c = correct[id] else { s.droppedUnmeasured.append(id); continue }
            if c <= 0 { s.droppedUnsolved.append(id) } else if c >= k && !keepSolved { s.droppedSolved.append(id) } else { s.kept.append(id) }
        }
        return s
    }
}

/// The settings and questions `train --from-audit RUN` takes from an audit run's store.
public struct AuditTrainingPlan: Sendable, Codable, Hashable {
    /// The audit run's name (or store path), for the record.
    public var auditRun: String
    /// The template the audit chose (answerability's best, the one exploration ran with).
    public var template: String
    /// The exploration temperature with the highest pass@k (ties: the higher temperature).
    public var temperature: Double
    /// The audit's grader.
    public var grader: GraderSettings
    /// The audit's samples per question (k) at `temperature`.
    public var k: Int
    /// Correct samples of k per question at `temperature`.
    public var correctPerQuestion: [String: Int]
    /// The audit's questions, as stored.
    public var questions: [Question]

    /// Reads the plan from an audit run's store; fails with what to run when the audit is missing.
    public static func load(from database: RunDatabase, run: String) throws -> AuditTrainingPlan {
        guard let audit = try AuditResult.loadAll(from: database).last else {
            throw AnalysesError.storedResult(key: AuditResult.analysis,
                                             reason: "run '\(run)' holds no audit; run `r1audit audit --run \(run)` first")
        }
        let ex = audit.exploration
        guard let best = ex.temperatures.max(by: { a, b in
            let pa = a.passAtK.last?.estimate ?? 0, pb = b.passAtK.last?.estimate ?? 0
            return pa == pb ? a.temperature < b.temperature : pa < pb
        }) else {
            throw AnalysesError.storedResult(key: AuditResult.analysis, reason: "run '\(run)' has an audit with no exploration temperature")
        }
        let questions = try database.questions().map { Question(id: $0.id, problem: $0.problem, golds: $0.golds) }
        return AuditTrainingPlan(auditRun: run, template: audit.template, temperature: best.temperature,
                                 grader: GraderSettings(context: ex.context), k: ex.k,
                                 correctPerQuestion: best.correctPerQuestion, questions: questions)
    }

    /// The training questions: those with some but not all samples correct (all solved ones too with `keepSolved`).
    public func selection(keepSolved: Bool) -> TrainingQuestionSelection {
        TrainingQuestionSelection.select(ids: questions.map(\.id), correct: correctPerQuestion, k: k, keepSolved: keepSolved)
    }

    /// The kept questions themselves.
    public func selectedQuestions(keepSolved: Bool) -> [Question] {
        let kept = Set(selection(keepSolved: keepSolved).kept)
        return questions.filter { kept.contains($0.id) }
    }
}

extension GraderSettings {
    /// The grader a figure was made with, read back from its context (paper parity, else the summary's
    /// fallback wording).
    public init(context: FigureContext) {
        if context.paperParity { self.init(paperParity: true, plainTextFallback: false); return }
        let noFallback = GraderSettings(paperParity: false, plainTextFallback: false)
        self.init(paperParity: false, plainTextFallback: context.grader != noFallback.summary)
    }
}

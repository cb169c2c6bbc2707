// The job every analysis uses: draw a plan's samples through any Backend into the run store,
// skipping those already stored and storing each completion the moment it arrives, so a killed
// run loses only the requests in flight and a rerun requests nothing twice (issue 2, run store).
import Foundation
import Datasets
import Inference
import Prompts
import RunStore

/// What one `SamplingJob.run` did.
public struct SamplingSummary: Sendable, Codable, Hashable {
    /// Samples in the plan.
    public var planned: Int
    /// Planned samples found in the store before this run (not requested again).
    public var alreadyStored: Int
    /// Samples requested from the backend by this run.
    public var requested: Int
    /// Samples this run received and stored.
    public var stored: Int
    /// Tokens of the samples this run stored.
    public var promptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int
    /// Wall-clock seconds of this run.
    public var elapsedSeconds: Double
    /// The backend's model name.
    public var model: String
    /// The whole run's accounting after this job (every sample in the store).
    public var runUsage: TokenUsage

    /// Samples stored per second by this run.
    public var samplesPerSecond: Double { elapsedSeconds > 0 ? Double(stored) / elapsedSeconds : 0 }
    /// Completion tokens per second by this run.
    public var completionTokensPerSecond: Double { elapsedSeconds > 0 ? Double(completionTokens) / elapsedSeconds : 0 }
}

/// Runs sampling plans against a backend into a run store.
public enum SamplingJob {
    /// The configuration key of the settings a resumed run must keep (top-p, max tokens, seed, model).
    public static let settingsKey = "sampling.settings"
    /// The configuration key of the plan summary (templates, temperatures, k…).
    public static let planKey = "sampling.plan"

    /// Draws every sample of `plan` not yet in `database`.
    /// - Throws: `SamplingError` for a bad plan or a store made with other settings, the backend's
    ///   error when a request fails for good, `CancellationError` when the task is cancelled
    ///   (everything received until then is stored).
    public static func run(plan: SamplingPlan, backend: any Backend, database: RunDatabase,
                           progress: ProgressHandler? = nil) async throws -> SamplingSummary {
        try plan.validate()
        let start = Date()
        try recordPlan(plan, model: backend.modelName, database: database)

        let planned = plan.plannedSamples()
        let existing = try database.existingSampleKeys()
        let pending = planned.filter { !existing.contains($0.key) }
        let alreadyStored = planned.count - pending.count
        var summary = SamplingSummary(planned: planned.count, alreadyStored: alreadyStored, requested: 0, stored: 0,
                                      promptTokens: 0, completionTokens: 0, elapsedSeconds: 0,
                                      model: backend.modelName, runUsage: TokenUsage(samples: 0, promptTokens: 0, completionTokens: 0))
        progress?(ProgressUpdate(phase: "sampling", completed: alreadyStored, total: planned.count,
                                 detail: alreadyStored > 0 ? "resuming: \(alreadyStored) already stored" : ""))

        let templates = Dictionary(plan.templates.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var offset = 0
        while offset < pending.count {
            try Task.checkCancellation()
            let chunk = Array(pending[offset..<min(offset + plan.chunkSize, pending.count)])
            offset += chunk.count
            summary.requested += chunk.count
            for try await item in backend.complete(chunk.map(\.request)) {
                guard chunk.indices.contains(item.index) else { continue }
                let p = chunk[item.index], c = item.completion
                let text = templates[p.key.template].map { restoringAnswerClose(c.text, finish: c.finishReason, template: $0) } ?? c.text
                try database.insert(sample: StoredSample(
                    questionID: p.key.questionID, template: p.key.template, temperature: p.key.temperature,
                    topP: p.parameters.topP, sampleIndex: p.key.sampleIndex, seed: p.parameters.seed ?? 0,
                    prompt: p.prompt, response: text, promptTokens: c.promptTokens,
                    completionTokens: c.completionTokens, finishReason: c.finishReason,
                    latency: c.latency, model: backend.modelName))
                summary.stored += 1
                summary.promptTokens += c.promptTokens
                summary.completionTokens += c.completionTokens
                if let progress {
                    let seconds = Date().timeIntervalSince(start)
                    let rate = seconds > 0 ? Double(summary.completionTokens) / seconds : 0
                    progress(ProgressUpdate(phase: "sampling", completed: alreadyStored + summary.stored,
                                            total: planned.count, detail: String(format: "%.0f tok/s", rate)))
                }
            }
            try Task.checkCancellation()
        }
        summary.elapsedSeconds = Date().timeIntervalSince(start)
        summary.runUsage = try database.tokenUsage()
        return summary
    }

    /// The R1 template stops generation at `</answer>`, and backends drop the stop string from the
    /// text (OpenAI semantics). The paper's sampler keeps it (oat/vLLM `include_stop_str_in_output=True`),
    /// and answer-tag extraction needs the closed tag, so for answer-tag templates a response that
    /// stopped with an `<answer>` still open gets its `</answer>` back.
    static func restoringAnswerClose(_ text: String, finish: FinishReason, template: PromptTemplate) -> String {
        let close = "</answer>"
        guard template.extraction == .answerTag, finish == .stop, template.stop.contains(close),
              let open = text.range(of: "<answer>", options: .backwards) else { return text }
        if text[open.upperBound...].contains(close) { return text }
        return text + close
    }

    /// Records questions, templates and settings; refuses a store whose samples used other settings.
    static func recordPlan(_ plan: SamplingPlan, model: String, database: RunDatabase) throws {
        let settings = StoredSamplingSettings(topP: plan.topP, maxTokens: plan.maxTokens, runSeed: plan.runSeed, model: model)
        if let stored = try database.config(settingsKey, as: StoredSamplingSettings.self), try database.sampleCount() > 0 {
            if stored.model != settings.model {
                throw SamplingError.settingsMismatch(setting: "model", stored: stored.model, requested: settings.model)
            }
            if stored.topP != settings.topP {
                throw SamplingError.settingsMismatch(setting: "top-p", stored: "\(stored.topP)", requested: "\(settings.topP)")
            }
            if stored.maxTokens != settings.maxTokens {
                throw SamplingError.settingsMismatch(setting: "max-tokens", stored: "\(stored.maxTokens)", requested: "\(settings.maxTokens)")
            }
            if stored.runSeed != settings.runSeed {
                throw SamplingError.settingsMismatch(setting: "seed", stored: "\(stored.runSeed)", requested: "\(settings.runSeed)")
            }
        }
        let storedPrompts = Dictionary(try database.prompts().map { ($0.template, $0) }, uniquingKeysWith: { a, _ in a })
        let sampledTemplates = Set(try database.existingSampleKeys().map(\.template))
        for t in plan.templates {
            if let old = storedPrompts[t.name], sampledTemplates.contains(t.name),
               old.body != t.body || old.stop != t.stop {
                throw SamplingError.templateChanged(name: t.name)
            }
        }
        if !plan.allowChangedQuestions { try checkQuestionsUnchanged(plan, database: database) }
        try database.setConfig(settingsKey, value: settings)
        try database.setConfig(planKey, value: PlanRecord(plan))
        try database.setQuestionHashes(Dictionary(plan.questions.map { ($0.id, QuestionHash.of($0)) },
                                                  uniquingKeysWith: { a, _ in a }))
        try database.upsert(questions: plan.questions.map {
            StoredQuestion(id: $0.id, problem: $0.problem, golds: $0.golds, source: plan.questionSource)
        })
        for t in plan.templates {
            try database.upsert(prompt: StoredPrompt(template: t.name, body: t.body, stop: t.stop, extraction: t.extraction))
        }
    }

    /// Records `questions` as the run's current text (hashes and rows), so the next job accepts them even
    /// where they changed: what `--allow-changed-questions` does before an analysis samples.
    public static func acceptChangedQuestions(_ questions: [Question], source: String, database: RunDatabase) throws {
        try database.setQuestionHashes(Dictionary(questions.map { ($0.id, QuestionHash.of($0)) }, uniquingKeysWith: { a, _ in a }))
        try database.upsert(questions: questions.map {
            StoredQuestion(id: $0.id, problem: $0.problem, golds: $0.golds, source: source)
        })
    }

    /// Refuses a plan whose question (same id) has another problem text or other golds than the one this
    /// run already sampled. The run's recorded hash is compared; a store from before hashes were kept
    /// is compared with its stored question row. Questions without samples may change freely.
    static func checkQuestionsUnchanged(_ plan: SamplingPlan, database: RunDatabase) throws {
        let sampled = try database.sampledQuestionIDs()
        guard !sampled.isEmpty else { return }
        var hashes = try database.questionHashes()
        if plan.questions.contains(where: { sampled.contains($0.id) && hashes[$0.id] == nil }) {
            for q in try database.questions() where hashes[q.id] == nil {
                hashes[q.id] = QuestionHash.of(problem: q.problem, golds: q.golds)
            }
        }
        for q in plan.questions where sampled.contains(q.id) {
            if let stored = hashes[q.id], stored != QuestionHash.of(q) {
                throw SamplingError.questionChanged(id: q.id, source: plan.questionSource, store: database.path)
            }
        }
    }
}

/// The hash a run records for each question: 64-bit FNV-1a over the problem text and the golds, each
/// length-prefixed (so moving text between problem and golds changes it), as 16 hex digits.
public enum QuestionHash {
    /// The hash of `question`'s problem and golds (its id is not part of it).
    public static func of(_ question: Question) -> String { of(problem: question.problem, golds: question.golds) }

    /// The hash of a problem text and its golds.
    public static func of(problem: String, golds: [String]) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ text: String) {
            let bytes = Array(text.utf8)
            for b in "\(bytes.count):".utf8 + bytes { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01B3 }
        }
        mix(problem)
        mix("\(golds.count)")
        golds.forEach(mix)
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// The plan as recorded in the run's configuration (for reports and `export`).
struct PlanRecord: Codable {
    var questionSource: String
    var questions: Int
    var templates: [String]
    var temperatures: [Double]
    var k: Int
    var topP: Double
    var maxTokens: Int
    var runSeed: UInt64
    init(_ p: SamplingPlan) {
        questionSource = p.questionSource; questions = p.questions.count; templates = p.templates.map(\.name)
        temperatures = p.temperatures; k = p.k; topP = p.topP; maxTokens = p.maxTokens; runSeed = p.runSeed
    }
}

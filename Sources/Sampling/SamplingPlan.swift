// What to sample: questions × templates × temperatures × k, with the shared sampling settings.
// Each planned sample gets its own seed from SeedDerivation (never one fixed seed k times: that
// collapses pass@k, a known lm-eval bug), so a resumed run re-derives exactly the same requests.
import Foundation
import Datasets
import Inference
import Prompts
import RunStore

/// The grid of samples a job draws.
public struct SamplingPlan: Sendable, Hashable {
    /// The questions, in order.
    public var questions: [Question]
    /// Where the questions came from (recorded with them).
    public var questionSource: String
    /// The templates to render each question with.
    public var templates: [PromptTemplate]
    /// The temperatures to sample at.
    public var temperatures: [Double]
    /// Samples per (question, template, temperature).
    public var k: Int
    /// The nucleus-sampling mass.
    public var topP: Double
    /// The most tokens per response.
    public var maxTokens: Int
    /// The run seed every sample's seed derives from.
    public var runSeed: UInt64
    /// How many requests are handed to the backend at once (it bounds its own concurrency inside).
    public var chunkSize: Int
    /// Continue a run although a question it already sampled (same id) now has another problem text or
    /// other golds (`--allow-changed-questions`); the samples already stored are kept. Off: refused.
    public var allowChangedQuestions: Bool

    public init(questions: [Question], questionSource: String = "", templates: [PromptTemplate],
                temperatures: [Double], k: Int, topP: Double = 1.0, maxTokens: Int = 512, runSeed: UInt64 = 0,
                chunkSize: Int = 256, allowChangedQuestions: Bool = false) {
        self.questions = questions; self.questionSource = questionSource; self.templates = templates
        self.temperatures = temperatures; self.k = k; self.topP = topP; self.maxTokens = maxTokens
        self.runSeed = runSeed; self.chunkSize = chunkSize; self.allowChangedQuestions = allowChangedQuestions
    }

    /// How many samples the plan asks for.
    public var totalSamples: Int { questions.count * templates.count * temperatures.count * k }

    /// Checks the plan's numbers; throws `SamplingError.invalidPlan` naming the bad setting.
    public func validate() throws {
        if questions.isEmpty { throw SamplingError.invalidPlan("the plan has no questions") }
        if templates.isEmpty { throw SamplingError.invalidPlan("the plan has no templates") }
        if temperatures.isEmpty { throw SamplingError.invalidPlan("the plan has no temperatures") }
        if k < 1 { throw SamplingError.invalidPlan("k must be at least 1 (got \(k))") }
        if maxTokens < 1 { throw SamplingError.invalidPlan("max tokens must be at least 1 (got \(maxTokens))") }
        if !(topP > 0 && topP <= 1) { throw SamplingError.invalidPlan("top-p must be in (0, 1] (got \(topP))") }
        if let t = temperatures.first(where: { !($0 >= 0 && $0.isFinite) }) {
            throw SamplingError.invalidPlan("temperatures must be finite and ≥ 0 (got \(t))")
        }
        if chunkSize < 1 { throw SamplingError.invalidPlan("chunk size must be at least 1 (got \(chunkSize))") }
        let names = templates.map(\.name)
        if Set(names).count != names.count {
            throw SamplingError.invalidPlan("two templates share a name (\(names.joined(separator: ", "))); template names identify samples")
        }
    }

    /// Every planned sample in request order: question, then template, then temperature, then index
    /// (so the k samples of one prompt are adjacent, which lets a local engine share their prefill).
    public func plannedSamples() -> [PlannedSample] {
        var out: [PlannedSample] = []
        out.reserveCapacity(totalSamples)
        for q in questions {
            for t in templates {
                let prompt = t.render(question: q.problem)
                for temperature in temperatures {
                    for i in 0..<max(k, 0) {
                        let seed = SeedDerivation.seed(runSeed: runSeed, questionID: q.id, template: t.name,
                                                       temperature: temperature, sampleIndex: i)
                        let parameters = SamplingParameters(temperature: temperature, topP: topP, maxTokens: maxTokens,
                                                            stop: t.stop, seed: seed)
                        out.append(PlannedSample(key: SampleKey(questionID: q.id, template: t.name,
                                                                temperature: temperature, sampleIndex: i),
                                                 prompt: prompt, parameters: parameters))
                    }
                }
            }
        }
        return out
    }
}

/// One sample of a plan: its key in the store, the rendered prompt and its own parameters (with seed).
public struct PlannedSample: Sendable, Hashable {
    /// The sample's identity in the store.
    public var key: SampleKey
    /// The exact prompt text sent.
    public var prompt: String
    /// Temperature, top-p, max tokens, stop strings and this sample's own seed.
    public var parameters: SamplingParameters

    /// The backend request for this sample.
    public var request: CompletionRequest { CompletionRequest(prompt: .text(prompt), parameters: parameters) }
}

/// The settings that must not change between runs into the same store (else samples would mix).
struct StoredSamplingSettings: Codable, Equatable {
    var topP: Double
    var maxTokens: Int
    var runSeed: UInt64
    var model: String
}

/// Everything that can go wrong in a sampling job.
public enum SamplingError: Error, Sendable, Equatable, LocalizedError {
    case invalidPlan(String)
    /// The store already holds samples made with other settings.
    case settingsMismatch(setting: String, stored: String, requested: String)
    /// The store holds a template of the same name with another text.
    case templateChanged(name: String)
    /// A question this run already sampled now has another problem text or other golds under the same id.
    case questionChanged(id: String, source: String, store: String)

    public var errorDescription: String? {
        switch self {
        case .invalidPlan(let reason): return "invalid sampling plan: \(reason)."
        case .settingsMismatch(let setting, let stored, let requested):
            return "this run already holds samples with \(setting) = \(stored), but \(requested) was requested. Resume with the same settings, or start a new --run."
        case .templateChanged(let name):
            return "this run already holds samples of template \"\(name)\" with a different text. Rename the edited template, or start a new --run."
        case .questionChanged(let id, let source, let store):
            return "question \"\(id)\" in \(source.isEmpty ? "the dataset" : source) has another problem text or other golds than "
                + "when this run (\(store)) sampled it: its stored answers are to the old question. Restore the dataset, "
                + "start a new --run, or pass --allow-changed-questions to keep the stored samples and continue."
        }
    }
}

// The typed rows of a run store. Plain value types, so callers never import GRDB; the SQL that
// reads and writes them lives in RunDatabase+*.swift. Column meanings are in docs/RUNSTORE.md.
import Foundation
import Grading
import Inference

/// A question as stored with the run (a copy of `Datasets.Question`, which RunStore does not import).
public struct StoredQuestion: Sendable, Codable, Hashable {
    /// The question's stable id.
    public var id: String
    /// The problem text.
    public var problem: String
    /// Accepted gold answers.
    public var golds: [String]
    /// The dataset it came from (a path, `builtin` or a suite name).
    public var source: String
    public init(id: String, problem: String, golds: [String], source: String) {
        self.id = id; self.problem = problem; self.golds = golds; self.source = source
    }
}

/// A prompt template as used by the run (so a report can show the exact text).
public struct StoredPrompt: Sendable, Codable, Hashable {
    /// The template's name (`r1`, `qwen-math`, `none`, …).
    public var template: String
    /// The template text with its placeholders.
    public var body: String
    /// Stop strings sent with every request made with it.
    public var stop: [String]
    /// How its answers are read (stored as the raw value: `boxed`, `answer-tag` or `none`).
    public var extraction: AnswerExtraction
    public init(template: String, body: String, stop: [String], extraction: AnswerExtraction) {
        self.template = template; self.body = body; self.stop = stop; self.extraction = extraction
    }
}

/// What identifies one sample of a run: no two stored samples share a key, and a resumed run skips
/// every key already stored.
public struct SampleKey: Sendable, Codable, Hashable, Comparable {
    /// The question's id.
    public var questionID: String
    /// The template's name (`r1`, `qwen-math`, `none`, …).
    public var template: String
    /// The sampling temperature (0 is greedy).
    public var temperature: Double
    /// Which of the k samples (0-based).
    public var sampleIndex: Int
    public init(questionID: String, template: String, temperature: Double, sampleIndex: Int) {
        self.questionID = questionID; self.template = template; self.temperature = temperature
        self.sampleIndex = sampleIndex
    }
    public static func < (a: SampleKey, b: SampleKey) -> Bool {
        (a.questionID, a.template, a.temperature, a.sampleIndex) < (b.questionID, b.template, b.temperature, b.sampleIndex)
    }
}

/// One stored response.
public struct StoredSample: Sendable, Codable, Hashable {
    /// The row id (nil before insertion); verdicts refer to it.
    public var id: Int64?
    /// The question's id.
    public var questionID: String
    /// The template's name (`r1`, `qwen-math`, `none`, …).
    public var template: String
    /// The sampling temperature (0 is greedy).
    public var temperature: Double
    /// The nucleus-sampling mass.
    public var topP: Double
    /// Which of the k samples (0-based).
    public var sampleIndex: Int
    /// The seed sent with the request (`SeedDerivation.seed`).
    public var seed: UInt64
    /// The exact prompt text sent.
    public var prompt: String
    /// The generated text.
    public var response: String
    /// Tokens in the prompt, as the backend counted them.
    public var promptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int
    /// Why generation ended (stored as its raw value, `stop` or `length`).
    public var finishReason: FinishReason
    /// Seconds from request to last token.
    public var latency: Double
    /// The backend's model name.
    public var model: String
    /// When the row was written.
    public var created: Date

    public init(id: Int64? = nil, questionID: String, template: String, temperature: Double, topP: Double,
                sampleIndex: Int, seed: UInt64, prompt: String, response: String, promptTokens: Int,
                completionTokens: Int, finishReason: FinishReason, latency: Double, model: String, created: Date = Date()) {
        self.id = id; self.questionID = questionID; self.template = template; self.temperature = temperature
        self.topP = topP; self.sampleIndex = sampleIndex; self.seed = seed; self.prompt = prompt
        self.response = response; self.promptTokens = promptTokens; self.completionTokens = completionTokens
        self.finishReason = finishReason; self.latency = latency; self.model = model; self.created = created
    }

    /// The sample's identity within the run.
    public var key: SampleKey {
        SampleKey(questionID: questionID, template: template, temperature: temperature, sampleIndex: sampleIndex)
    }
}

/// One grader's verdict on one sample.
public struct StoredVerdict: Sendable, Codable, Hashable {
    /// The row id of the judged sample.
    public var sampleID: Int64
    /// The grader's name (e.g. `math-verify`, `boxed-strict`).
    public var grader: String
    /// The extracted answer, nil when none was found.
    public var extracted: String?
    /// The grader's status (stored as its raw value: `correct`, `incorrect`, `no-answer`).
    public var status: GradeStatus
    public init(sampleID: Int64, grader: String, extracted: String?, status: GradeStatus) {
        self.sampleID = sampleID; self.grader = grader; self.extracted = extracted; self.status = status
    }
}

/// One judge call, cached by a hash of judge model + prompt so a repeated call is served from the store.
public struct StoredJudgment: Sendable, Codable, Hashable {
    /// `RunDatabase.judgmentKey(model:prompt:)`.
    public var key: String
    /// The judge's model name.
    public var judgeModel: String
    /// The exact prompt text sent.
    public var prompt: String
    /// The judge's raw reply.
    public var reply: String
    /// The parsed verdict (0/1 answerability, 0–3 reflection), nil when the reply did not parse.
    public var value: Double?
    /// What was judged: e.g. `answerability`, `reflection`.
    public var kind: String
    /// When the row was written.
    public var created: Date
    public init(key: String, judgeModel: String, prompt: String, reply: String, value: Double?, kind: String,
                created: Date = Date()) {
        self.key = key; self.judgeModel = judgeModel; self.prompt = prompt; self.reply = reply
        self.value = value; self.kind = kind; self.created = created
    }
}

/// One named measurement at one step (analyses use step 0; training uses its step number).
public struct StoredMetric: Sendable, Codable, Hashable {
    /// Dotted name, e.g. `passk.r1.t0.6.k8` or `train.reward`.
    public var name: String
    /// 0 for analyses; the optimiser step for training.
    public var step: Int
    /// The measured value.
    public var value: Double
    /// Optional JSON with detail (a table, a histogram, a config).
    public var payload: String?
    /// When the row was written.
    public var created: Date
    public init(name: String, step: Int, value: Double, payload: String? = nil, created: Date = Date()) {
        self.name = name; self.step = step; self.value = value; self.payload = payload; self.created = created
    }
}

/// Token usage and sample count of a run.
public struct TokenUsage: Sendable, Codable, Hashable {
    /// Samples stored.
    public var samples: Int
    /// Tokens in the prompt, as the backend counted them.
    public var promptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int
    public init(samples: Int, promptTokens: Int, completionTokens: Int) {
        self.samples = samples; self.promptTokens = promptTokens; self.completionTokens = completionTokens
    }
}

/// What identifies one stored analysis result: a call with the same key replaces it, a call with any other
/// key (another template, temperature, grader or judge) is stored beside it.
public struct ResultKey: Sendable, Codable, Hashable, Comparable {
    /// The analysis (`exploration`, `reflection`, `answerability`, `audit`, `benchmarks`).
    public var analysis: String
    /// The template, or the compared templates joined by commas (answerability, audit).
    public var template: String
    /// The sampling temperature of the figure (answerability's and the audit's: their first).
    public var temperature: Double
    /// The grader settings' name (`auto+fallback`, `auto`, `paper`).
    public var grader: String
    /// The judge model, `heuristic`, or `none`.
    public var judge: String
    public init(analysis: String, template: String, temperature: Double, grader: String, judge: String) {
        self.analysis = analysis; self.template = template; self.temperature = temperature
        self.grader = grader; self.judge = judge
    }
    public static func < (a: ResultKey, b: ResultKey) -> Bool {
        (a.analysis, a.template, a.temperature, a.grader, a.judge) < (b.analysis, b.template, b.temperature, b.grader, b.judge)
    }
}

/// One stored analysis result: its key, headline number and JSON payload (the Analyses result type).
public struct StoredResult: Sendable, Codable, Hashable {
    public var key: ResultKey
    /// The result's headline number (e.g. the best pass@k).
    public var headline: Double
    /// The result as JSON.
    public var payload: String
    /// When the row was written.
    public var created: Date
    public init(key: ResultKey, headline: Double, payload: String, created: Date = Date()) {
        self.key = key; self.headline = headline; self.payload = payload; self.created = created
    }
}

/// One per-sample label made by an analysis: the answerability verdict with the heuristic's rule, or a
/// judge's reply with what it parsed to, so a user can audit the detector sample by sample.
public struct StoredLabel: Sendable, Codable, Hashable {
    /// The row id of the labelled sample.
    public var sampleID: Int64
    /// What was labelled: `answerability` or `reflection`.
    public var kind: String
    /// `heuristic`, `keywords` or `judge:<model>`.
    public var method: String
    /// The verdict (`answers`/`continues`, `reflects`/`none`, a category), nil when a reply did not parse.
    public var verdict: String?
    /// The heuristic rule that decided (`AnswerabilityRule` raw value), or the keywords found.
    public var rule: String?
    /// The judge's raw reply, nil without a judge.
    public var reply: String?
    /// The parsed value (0/1 answerability, 0–3 reflection), nil when it did not parse or no judge ran.
    public var value: Double?
    public init(sampleID: Int64, kind: String, method: String, verdict: String?, rule: String? = nil,
                reply: String? = nil, value: Double? = nil) {
        self.sampleID = sampleID; self.kind = kind; self.method = method; self.verdict = verdict
        self.rule = rule; self.reply = reply; self.value = value
    }
}

/// The samples a run holds for one (template, temperature): what the run's sampling plan really was.
public struct SampleGroup: Sendable, Codable, Hashable {
    public var template: String
    public var temperature: Double
    /// Distinct questions.
    public var questions: Int
    /// Samples per question (the largest sample index + 1).
    public var k: Int
    /// Samples stored.
    public var samples: Int
    public init(template: String, temperature: Double, questions: Int, k: Int, samples: Int) {
        self.template = template; self.temperature = temperature; self.questions = questions; self.k = k; self.samples = samples
    }
}

// `r1audit export --jsonl`: one JSON object per sample, with its question's golds, every
// grader's verdict and every per-sample label (answerability verdict and rule, judge reply and parse), for pandas (`pd.read_json(path, lines=True)`) or lm-eval-style analysis.
// Field names are snake_case and documented in docs/RUNSTORE.md.
import Foundation
import GRDB
import Grading
import Inference

/// One exported sample.
public struct ExportedSample: Sendable, Codable, Hashable {
    /// One grader's verdict on the sample.
    public struct Verdict: Sendable, Codable, Hashable {
        /// The extracted answer, nil when none was found.
        public var extracted: String?
        /// The grader's status.
        public var status: GradeStatus
    }
    /// One analysis' label of the sample (`StoredLabel` without its keys).
    public struct Label: Sendable, Codable, Hashable {
        /// `answers`/`continues`, `reflects`/`none`; nil when a judge reply did not parse.
        public var verdict: String?
        /// The heuristic rule that decided, or the keywords found.
        public var rule: String?
        /// The judge's raw reply (nil without a judge).
        public var reply: String?
        /// What the reply parsed to (nil when it did not, or no judge ran).
        public var value: Double?
    }
    /// The row id of the judged sample.
    public var sampleID: Int64
    /// The question's id.
    public var questionID: String
    /// The problem text (nil when the question row is missing).
    public var problem: String?
    /// Accepted gold answers.
    public var golds: [String]
    /// The template's name (`r1`, `qwen-math`, `none`, …).
    public var template: String
    /// The sampling temperature (0 is greedy).
    public var temperature: Double
    /// The nucleus-sampling mass.
    public var topP: Double
    /// Which of the k samples (0-based).
    public var sampleIndex: Int
    /// The seed as a decimal string (JSON numbers lose precision above 2^53).
    public var seed: String
    /// The exact prompt text sent.
    public var prompt: String
    /// The generated text.
    public var response: String
    /// Tokens in the prompt, as the backend counted them.
    public var promptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int
    /// `stop` or `length`.
    public var finishReason: FinishReason
    /// Seconds from request to last token.
    public var latency: Double
    /// The backend's model name.
    public var model: String
    /// When the sample was stored (unix seconds).
    public var created: Double
    /// Grader name → verdict.
    public var verdicts: [String: Verdict]
    /// Kind (`answerability`, `reflection`) → method (`heuristic`, `keywords`, `judge:<model>`) → label.
    public var labels: [String: [String: Label]]

    enum CodingKeys: String, CodingKey {
        case sampleID = "sample_id", questionID = "question_id", problem, golds, template, temperature
        case topP = "top_p", sampleIndex = "sample_index", seed, prompt, response
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        case finishReason = "finish_reason", latency, model, created, verdicts, labels
    }
}

extension RunDatabase {
    /// Calls `line` with one JSON line (no newline) per stored sample, optionally filtered, in
    /// sample-key order, and returns the number of lines. Samples are read before verdicts, so a
    /// grader writing at the same time can only add verdicts, never leave one pointing nowhere.
    @discardableResult
    public func exportJSONL(template: String? = nil, temperature: Double? = nil,
                            includePrompts: Bool = true, line: (String) throws -> Void) throws -> Int {
        let samples = try self.samples(template: template, temperature: temperature)
        let questions = Dictionary(try self.questions().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var verdictsBySample: [Int64: [String: ExportedSample.Verdict]] = [:]
        for v in try verdicts() {
            verdictsBySample[v.sampleID, default: [:]][v.grader] = .init(extracted: v.extracted, status: v.status)
        }
        var labelsBySample: [Int64: [String: [String: ExportedSample.Label]]] = [:]
        for l in try labels() {
            labelsBySample[l.sampleID, default: [:]][l.kind, default: [:]][l.method] =
                .init(verdict: l.verdict, rule: l.rule, reply: l.reply, value: l.value)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for s in samples {
            let id = s.id ?? 0
            let q = questions[s.questionID]
            let row = ExportedSample(sampleID: id, questionID: s.questionID, problem: q?.problem, golds: q?.golds ?? [],
                                     template: s.template, temperature: s.temperature, topP: s.topP,
                                     sampleIndex: s.sampleIndex, seed: String(s.seed),
                                     prompt: includePrompts ? s.prompt : "", response: s.response,
                                     promptTokens: s.promptTokens, completionTokens: s.completionTokens,
                                     finishReason: s.finishReason, latency: s.latency, model: s.model,
                                     created: s.created.timeIntervalSince1970, verdicts: verdictsBySample[id] ?? [:],
                                     labels: labelsBySample[id] ?? [:])
            let data: Data
            do { data = try encoder.encode(row) } catch {
                throw RunStoreError.badStoredValue(path: path, table: "samples", key: String(id), reason: error.localizedDescription)
            }
            try line(String(decoding: data, as: UTF8.self))
        }
        return samples.count
    }
}

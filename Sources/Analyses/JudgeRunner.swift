// Calls an LLM judge (paper appendix C–E: the answerability and self-reflection prompts, greedy, as the
// paper's gpt-4o-mini at temperature 0) through any `Backend`, with every call cached in the run store by
// a hash of judge model + prompt, so a resumed or repeated analysis never asks the same thing twice.
// Rate limits and retries are the backend's (Endpoint) job.
import Foundation
import Inference
import Prompts
import RunStore

/// What is being judged.
public enum JudgeKind: String, Sendable, Codable, Hashable {
    case answerability
    case reflection

    /// The paper's reply budget (100 tokens for answerability, 300 for reflection).
    public var maxTokens: Int { self == .answerability ? 100 : 300 }
    /// The longest reply kept, in UTF-8 bytes: the reply budget × 16 (no token of a real tokenizer is
    /// longer than 16 bytes), so a reply never costs more to parse and store than the judge could
    /// honestly have written (issue 22: a 10 MB reply took seconds to parse and bloated the store).
    public var maxReplyBytes: Int { maxTokens * 16 }
    /// A reply cut to `maxReplyBytes` (on a character boundary), as it is parsed and stored.
    public func capped(_ reply: String) -> String {
        guard reply.utf8.count > maxReplyBytes else { return reply }
        var out = "", bytes = 0
        for ch in reply {
            bytes += ch.utf8.count
            if bytes > maxReplyBytes { break }
            out.append(ch)
        }
        return out
    }
    /// The embedded judge prompt's name in `Prompts`.
    public var templateName: String {
        self == .answerability ? PromptTemplate.answerabilityJudgeName : PromptTemplate.reflectionJudgeName
    }

    /// Our robust parse of a reply, as stored with the judgment (0/1, 0–3, nil = unparsed).
    func parse(_ reply: String) -> Double? {
        switch self {
        case .answerability:
            switch JudgeReplyParser.answerability(reply) {
            case .answers: return 1
            case .continues: return 0
            case .unparsed: return nil
            }
        case .reflection: return JudgeReplyParser.reflection(reply).map { Double($0.rawValue) }
        }
    }
}

/// One thing to judge.
public struct JudgeItem: Sendable, Hashable {
    public var question: String
    public var response: String
    public init(question: String, response: String) { self.question = question; self.response = response }
}

/// A judge: a second backend (usually a chat endpoint) plus the store that caches its replies.
public struct JudgeRunner: Sendable {
    public var backend: any Backend
    /// Prompt template directory override (nil = embedded prompts only).
    public var promptDirectory: URL?
    /// Requests handed to the backend at once.
    public var chunkSize: Int

    public init(backend: any Backend, promptDirectory: URL? = nil, chunkSize: Int = 32) {
        self.backend = backend; self.promptDirectory = promptDirectory; self.chunkSize = max(1, chunkSize)
    }

    /// The judge's name for captions.
    public var name: String { backend.modelName }

    /// Replies for `items`, in order: cached ones from the store, the rest requested and stored as they arrive.
    public func replies(kind: JudgeKind, items: [JudgeItem], database: RunDatabase,
                        progress: ProgressHandler? = nil) async throws -> [String] {
        let template = try PromptTemplate.named(kind.templateName, directory: promptDirectory)
        let model = backend.modelName
        let prompts = items.map { template.render(question: $0.question, response: $0.response) }
        var replies = [String?](repeating: nil, count: items.count)
        var pending = [Int]()
        for (i, p) in prompts.enumerated() {
            if let cached = try database.cachedJudgment(model: model, prompt: p) {
                replies[i] = kind.capped(cached.reply)
            } else {
                pending.append(i)
            }
        }
        let phase = "judging \(kind.rawValue)"
        var done = items.count - pending.count
        progress?(ProgressUpdate(phase: phase, completed: done, total: items.count,
                                 detail: done > 0 ? "\(done) cached" : ""))
        var offset = 0
        while offset < pending.count {
            try Task.checkCancellation()
            let chunk = Array(pending[offset..<min(offset + chunkSize, pending.count)])
            offset += chunk.count
            let requests = chunk.map {
                CompletionRequest(prompt: .chat([ChatMessage(role: "user", content: prompts[$0])]),
                                  parameters: SamplingParameters(temperature: 0, topP: 1, maxTokens: kind.maxTokens, seed: 0))
            }
            for try await item in backend.complete(requests) {
                guard chunk.indices.contains(item.index) else { continue }
                let i = chunk[item.index], reply = kind.capped(item.completion.text)
                try database.put(judgment: StoredJudgment(key: RunDatabase.judgmentKey(model: model, prompt: prompts[i]),
                                                          judgeModel: model, prompt: prompts[i], reply: reply,
                                                          value: kind.parse(reply), kind: kind.rawValue))
                replies[i] = reply
                done += 1
                progress?(ProgressUpdate(phase: phase, completed: done, total: items.count))
            }
        }
        return try replies.enumerated().map { i, r in
            guard let r else { throw AnalysesError.judgeIncomplete(kind: kind.rawValue, index: i, judge: model) }
            return r
        }
    }
}

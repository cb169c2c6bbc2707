// End-to-end tiers across modules: the audit on a real local engine (a tiny random model the test writes,
// then the real SmolLM2 when cached), and sampling through `r1audit serve`'s server with our endpoint client
// — the path CI uses in place of llama.cpp's llama-server.
import Foundation
import Testing
import Analyses
import Datasets
import Endpoint
import Engine
import Inference
import Prompts
import Reports
import RunStore
import Sampling
import Server
import TestSupport

/// The embedded default model, when `scripts/fetch-models` has cached it.
let smolLM2Path: String? = {
    let base = ProcessInfo.processInfo.environment["R1AUDIT_MODELS"]
        ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/r1audit/models").path
    let path = base + "/SmolLM2-135M-Instruct.Q4_1.gguf"
    return FileManager.default.fileExists(atPath: path) ? path : nil
}()

@Suite struct AuditPipelineTests {
    /// The whole audit on a tiny random model: every stage stores its result, the counts add up, a rerun
    /// samples nothing new, and the report builds from the store.
    @Test func auditOnTinyModelAddsUpAndResumes() async throws {
        let dir = try TinyModelFactory.temporaryDirectory("audit")
        defer { try? FileManager.default.removeItem(at: dir) }
        var config = TinyModelFactory.configuration()
        config.maxPositionEmbeddings = 1024  // the r1 template alone is ~390 byte-level tokens
        try TinyModelFactory.writeFolder(to: dir.appendingPathComponent("model"), configuration: config,
                                         weights: TinyModelFactory.weights(config, seed: 7))
        let backend = try LocalBackend.load(path: dir.appendingPathComponent("model").path)
        let db = try RunDatabase(url: dir.appendingPathComponent("run.sqlite"))
        let questions = QuestionSet.builtin(count: 4, seed: 1).questions
        let settings = AnalysisSettings(questions: questions, questionSource: "builtin", maxTokens: 6,
                                        bootstrapResamples: 50, chunkSize: 16)
        let templates = try ["r1", "none"].map { try PromptTemplate.named($0) }
        let audit = Audit(settings: settings, templates: templates, temperatures: [0.6, 1.0], k: 2)

        let first = try await audit.run(backend: backend, database: db)
        #expect(first.answerability.templates.count == 2)
        for t in first.answerability.templates {
            #expect(t.samples == questions.count)
            #expect(t.answers + t.continues + t.unparsed == t.samples)
        }
        let stored = try db.sampleCount()
        #expect(stored == first.samples)
        // Answerability draws 1 per question per template at T0; exploration k per question per temperature
        // with the best template, sharing the answerability samples of index 0 at the first temperature.
        #expect(stored == questions.count * 2 + questions.count * 2 * 2 - questions.count)

        let second = try await audit.run(backend: backend, database: db)
        #expect(try db.sampleCount() == stored)
        #expect(second.exploration == first.exploration)

        let document = try ReportBuilder.build(database: db, runName: "tiny")
        let html = try ReportRenderer.html(document)
        #expect(html.contains("<svg"))
    }

    /// SmolLM2 served by our OpenAI-compatible server, sampled by our endpoint client into a store:
    /// a partial run, then the full plan, ends at exactly the planned count with nothing drawn twice.
    @Test(.enabled(if: smolLM2Path != nil))
    func sampleThroughServeResumesToExactCount() async throws {
        let backend = try LocalBackend.load(path: smolLM2Path!)
        let server = OpenAIServer(backend: backend, port: 0, modelID: "smollm2")
        let portBox = PortBox()
        let serverTask = Task { try await server.run(onListening: { await portBox.set($0) }) }
        defer { serverTask.cancel() }
        let port = try await portBox.wait()

        let client = try EndpointBackend(configuration: EndpointConfiguration(
            urls: [URL(string: "http://127.0.0.1:\(port)/v1")!], model: "smollm2", concurrency: 8, timeout: 300))
        let dir = try TinyModelFactory.temporaryDirectory("serve")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try RunDatabase(url: dir.appendingPathComponent("run.sqlite"))
        let questions = QuestionSet.builtin(count: 5, seed: 3).questions
        let templates = try ["r1", "qwen-math", "none"].map { try PromptTemplate.named($0) }
        func plan(_ qs: [Question]) -> SamplingPlan {
            SamplingPlan(questions: qs, questionSource: "builtin", templates: templates, temperatures: [0.8],
                         k: 2, maxTokens: 12, runSeed: 11, chunkSize: 8)
        }
        let partial = try await SamplingJob.run(plan: plan(Array(questions.prefix(2))), backend: client, database: db)
        #expect(partial.stored == 2 * 3 * 2)
        let full = try await SamplingJob.run(plan: plan(questions), backend: client, database: db)
        #expect(full.alreadyStored == 12)
        #expect(full.requested == 5 * 3 * 2 - 12)
        #expect(try db.sampleCount() == 5 * 3 * 2)
        let again = try await SamplingJob.run(plan: plan(questions), backend: client, database: db)
        #expect(again.requested == 0)
        // Every sample got its own seed, and every response came from the real model.
        let samples = try db.samples(template: nil, temperature: nil, questionID: nil)
        #expect(Set(samples.map(\.seed)).count == samples.count)
        #expect(samples.allSatisfy { $0.completionTokens > 0 })
        try await client.shutdown()
    }
}

/// Hands the server's bound port to the test.
actor PortBox {
    private var port: Int?
    func set(_ p: Int) { port = p }
    func wait() async throws -> Int {
        for _ in 0..<600 {
            if let port { return port }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CancellationError()
    }
}

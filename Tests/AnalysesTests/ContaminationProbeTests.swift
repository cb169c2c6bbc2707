// Issue 21: the contamination probe's cut, exact match, ROUGE-L of the continuation, the documented
// high/low rule, and the run over a backend that has memorised the benchmark (and not the control).
import Foundation
import Testing
import Datasets
import Grading
import Inference
@testable import Analyses

/// A backend that continues every prompt found in `memorised` with its true rest and anything else with
/// an unrelated sentence: the two extremes the probe must tell apart.
struct MemorisingBackend: Backend {
    let modelName = "memorising"
    let memorised: [String: String]
    func complete(_ requests: [CompletionRequest]) -> AsyncThrowingStream<IndexedCompletion, Error> {
        AsyncThrowingStream { c in
            for (i, r) in requests.enumerated() {
                guard case let .text(prompt) = r.prompt else { continue }
                let text = memorised[prompt].map { " " + $0 } ?? " and then the weather was fine all day long."
                c.yield(IndexedCompletion(index: i, completion: Completion(text: text, promptTokens: 1, completionTokens: 8, finishReason: .stop)))
            }
            c.finish()
        }
    }
}

@Suite("Readiness: contamination probe")
struct ContaminationProbeTests {
    @Test("Cut at a word boundary", arguments: [
        (0.4, "Tom has 3 red", "apples and 2 green ones."),
        (0.8, "Tom has 3 red apples and 2", "green ones."),
    ])
    func split(_ f: Double, _ prefix: String, _ rest: String) throws {
        // "Tom has 3 red apples and 2 green ones." has 9 words: 0.4 → round(3.6) = 4 words; 0.8 → round(7.2) = 7.
        let s = try #require(ContaminationProbe.split("Tom has 3 red apples and 2 green ones.", fraction: f))
        #expect(s.prefix == prefix)
        #expect(s.rest == rest)
    }

    @Test("Too short to cut, and fractions outside (0, 1) refused")
    func degenerate() {
        #expect(ContaminationProbe.split("Compute.", fraction: 0.5) == nil)
        #expect(throws: AnalysesError.self) { try ContaminationProbe(fractions: [0, 0.5]) }
        #expect(throws: AnalysesError.self) { try ContaminationProbe(fractions: []) }
    }

    @Test("Exact match and ROUGE-L of a continuation against the rest")
    func scores() {
        #expect(ContaminationProbe.exactMatch(continuation: "  apples and\n2 green ones. Then", rest: "apples and 2 green ones."))
        #expect(!ContaminationProbe.exactMatch(continuation: "apples and 3 green ones.", rest: "apples and 2 green ones."))
        // Rest: [apples, and, 2, green, ones]; continuation's first 5 tokens [apples, and, 3, green, ones]: LCS 4 → F = 0.8.
        #expect(abs(ContaminationProbe.rouge(continuation: "apples and 3 green ones plus more text", rest: "apples and 2 green ones.") - 0.8) < 1e-12)
        #expect(ContaminationProbe.rouge(continuation: "", rest: "x y") == 0)
    }

    static func figures(_ f: Double, rouge: (Double, Double, Double), exact: (Double, Double, Double)) -> ContaminationFigures {
        let ci = { (t: (Double, Double, Double)) in ConfidenceInterval(estimate: t.0, lower: t.1, upper: t.2, level: 0.95, method: "test") }
        return ContaminationFigures(fraction: f, items: 50, exactMatch: ci(exact), rougeL: ci(rouge), answerAccuracy: ci((0, 0, 0.1)))
    }

    @Test("The level rule: ROUGE-L 0.10 above with intervals apart, or exact match apart, is high")
    func levelRule() {
        let control = [Self.figures(0.6, rouge: (0.20, 0.15, 0.25), exact: (0, 0, 0.07))]
        let close = [Self.figures(0.6, rouge: (0.28, 0.22, 0.34), exact: (0, 0, 0.07))]
        #expect(ContaminationProbe.level(benchmark: close, control: control).0 == .low)
        let far = [Self.figures(0.6, rouge: (0.45, 0.38, 0.52), exact: (0, 0, 0.07))]
        #expect(ContaminationProbe.level(benchmark: far, control: control).0 == .high)
        let exact = [Self.figures(0.6, rouge: (0.25, 0.20, 0.30), exact: (0.2, 0.11, 0.33))]
        let (level, reason) = ContaminationProbe.level(benchmark: exact, control: control)
        #expect(level == .high && reason.contains("exact match"))
    }

    @Test("A backend that memorised the benchmark reads high against the generated control")
    func memorisedBenchmark() async throws {
        let bench = QuestionSet(source: "bench", questions: [
            Question(id: "a", problem: "A farmer has 17 sheep and all but 9 run away. How many are left?", golds: ["9"]),
            Question(id: "b", problem: "What is the sum of the first ten positive integers, written as a number?", golds: ["55"]),
            Question(id: "c", problem: "A train leaves at noon at sixty miles per hour. How far has it gone by three?", golds: ["180"]),
        ])
        let probe = try ContaminationProbe(fractions: [0.4, 0.8], seed: 5)
        var memorised: [String: String] = [:]
        for q in bench.questions { for f in probe.fractions { if let s = ContaminationProbe.split(q.problem, fraction: f) { memorised[s.prefix] = s.rest } } }
        let control = QuestionSet.builtin(count: 6, seed: 99)
        let r = try await probe.run(benchmark: bench, control: control, backend: MemorisingBackend(memorised: memorised))
        #expect(r.items.count == 6 && r.controlItems.count == 12)
        #expect(r.items.allSatisfy { $0.exactMatch && $0.rougeL == 1 })
        #expect(r.controlItems.allSatisfy { !$0.exactMatch })
        #expect(r.level == .high)
        #expect(r.benchmarkFigures.map(\.fraction) == [0.4, 0.8])
        // Nobody memorised anything: low.
        let clean = try await probe.run(benchmark: bench, control: control, backend: MemorisingBackend(memorised: [:]))
        #expect(clean.level == .low)
    }
}

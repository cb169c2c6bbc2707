// The 1,620 real responses of fixtures/corpus (3 local models × r1 / qwen-math / none × 60 questions × 3), graded
// as the audit grades them and as `r1audit verify --mode auto` does, beside Math-Verify 0.9.0's defaults
// (fixtures/corpus/mathverify-verdicts.jsonl, written by scripts/grade-corpus-mathverify). Golds are read from
// ../shared/datasets by (dataset, id) and never stored in the repo; the test is skipped when that folder is absent.
// Every disagreement is printed with both sides; docs/GRADING.md says who is right for each.
import Foundation
import Testing
@testable import Grading

/// One corpus line (fixtures/corpus/responses.jsonl).
struct CorpusResponse: Decodable, Sendable {
    let model: String
    let template: String
    let dataset: String
    let dataset_id: String
    let sample_index: Int
    let finish_reason: String?
    let response: String
}

/// Math-Verify's verdict on one corpus line, in the same order.
struct CorpusVerdict: Decodable, Sendable {
    let model: String
    let template: String
    let dataset_id: String
    let sample_index: Int
    let mathverify_correct: Bool
    let mathverify_extracted: [String]?
}

@Suite("Real responses beside Math-Verify")
struct RealCorpusTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let datasets = root.deletingLastPathComponent().appendingPathComponent("shared/datasets")
    static var datasetsPresent: Bool { FileManager.default.fileExists(atPath: datasets.path) }

    /// The shipped templates' `extraction` fields (prompts/*.txt).
    static let templateExtraction = ["r1": "answer-tag", "qwen-math": "boxed", "none": "boxed"]

    static func lines<T: Decodable>(_ url: URL, as: T.Type) throws -> [T] {
        let decoder = JSONDecoder()
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try decoder.decode(T.self, from: Data($0.utf8))
        }
    }

    /// Golds by dataset and id: `answer` first, then any further `answers`.
    static func golds(_ names: Set<String>) throws -> [String: [String: [String]]] {
        var out: [String: [String: [String]]] = [:]
        for name in names {
            let text = try String(contentsOf: datasets.appendingPathComponent(name + ".jsonl"), encoding: .utf8)
            var table: [String: [String]] = [:]
            for line in text.split(separator: "\n") {
                guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let id = o["id"] as? String else { continue }
                var g = (o["answers"] as? [Any])?.map { "\($0)" } ?? []
                if let a = o["answer"].map({ "\($0)" }), !g.contains(a) { g.insert(a, at: 0) }
                table[id] = g
            }
            out[name] = table
        }
        return out
    }

    struct Tally { var n = 0, agreeAudit = 0, agreeVerify = 0 }

    @Test("agreement with Math-Verify per template, as the audit grades and as verify --mode auto grades",
          .enabled(if: RealCorpusTests.datasetsPresent, "../shared/datasets is absent: the corpus' golds cannot be joined"))
    func agreementPerTemplate() throws {
        let corpus = try Self.lines(Self.root.appendingPathComponent("fixtures/corpus/responses.jsonl"), as: CorpusResponse.self)
        let verdicts = try Self.lines(Self.root.appendingPathComponent("fixtures/corpus/mathverify-verdicts.jsonl"),
                                      as: CorpusVerdict.self)
        try #require(corpus.count == verdicts.count, "rerun scripts/grade-corpus-mathverify: \(corpus.count) responses, \(verdicts.count) verdicts")
        #expect(corpus.count >= 1500)
        let golds = try Self.golds(Set(corpus.map(\.dataset)))
        let verify = AnswerVerifier(extractor: AnswerExtractor(mode: .auto))
        var tallies: [String: Tally] = [:]
        var disagreements: [String] = []
        for (r, v) in zip(corpus, verdicts) {
            try #require(r.dataset_id == v.dataset_id && r.sample_index == v.sample_index && r.model == v.model,
                         "verdicts out of order at \(r.model) \(r.dataset_id)#\(r.sample_index)")
            let g = try #require(golds[r.dataset]?[r.dataset_id], "no gold for \(r.dataset) \(r.dataset_id)")
            let extraction = try #require(Self.templateExtraction[r.template], "unknown template \(r.template)")
            let policy = ExtractionPolicy.forTemplate(extraction: try AnswerExtraction.parse(extraction), paperParity: false, plainTextFallback: true)
            let audit = policy.grade(response: r.response, golds: g, truncated: r.finish_reason == "length")
            let plain = verify.grade(response: r.response, golds: g)
            var t = tallies[r.template, default: Tally()]
            t.n += 1
            if audit.correct == v.mathverify_correct { t.agreeAudit += 1 }
            if plain.correct == v.mathverify_correct { t.agreeVerify += 1 }
            tallies[r.template] = t
            if audit.correct != v.mathverify_correct || plain.correct != v.mathverify_correct {
                disagreements.append("\(r.model) \(r.template) \(r.dataset_id)#\(r.sample_index) finish \(r.finish_reason ?? "-"): "
                    + "audit \(audit.status.rawValue) (\(audit.extracted.map { String($0.prefix(60)) } ?? "nil")), "
                    + "verify \(plain.status.rawValue) (\(plain.extracted.map { String($0.prefix(60)) } ?? "nil")), "
                    + "Math-Verify \(v.mathverify_correct) (\((v.mathverify_extracted ?? []).map { String($0.prefix(60)) }))")
            }
        }
        let summary = tallies.sorted { $0.key < $1.key }.map { k, t in
            "\(k): audit \(t.agreeAudit)/\(t.n), verify \(t.agreeVerify)/\(t.n)"
        }.joined(separator: "; ")
        let report = summary + "\n" + disagreements.joined(separator: "\n")
        print("RealCorpusTests: " + report)
        func rate(_ k: String, _ audit: Bool) -> Double {
            let t = tallies[k] ?? Tally()
            return Double(audit ? t.agreeAudit : t.agreeVerify) / Double(max(t.n, 1))
        }
        // Floors at what is measured (docs/GRADING.md "Real responses, three models").
        for (template, floor) in Self.floors {
            #expect(rate(template, true) >= floor, "audit on \(template): \(report)")
            #expect(rate(template, false) >= floor, "verify --mode auto on \(template): \(report)")
        }
        // Issue 16's targets: ≥ 98% on the r1 template, ≥ 99% on the boxed ones.
        for (template, target) in [("r1", 0.98), ("qwen-math", 0.99), ("none", 0.99)] where Self.floors[template, default: 0] < target {
            withKnownIssue("issue 16 target on \(template): ≥ \(target)") {
                #expect(rate(template, true) >= target, "\(report)")
            }
        }
    }

    /// The measured agreement per template (both graders), below which the test fails: r1 534/540 (audit) and
    /// 536/540 (verify), none 538/540 and 540/540, qwen-math 540/540 for both (2026-12-07). Every remaining
    /// disagreement is a Math-Verify error (docs/GRADING.md "Real responses, three models").
    static let floors: [String: Double] = ["r1": 0.988, "qwen-math": 1.0, "none": 0.996]
}

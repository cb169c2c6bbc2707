// The exported reward.py read by a real Python interpreter: its extraction follows the policy on the
// same responses the Swift reward grades. math-verify is replaced by an exact-string stand-in, so the
// test checks where reward.py reads the answer (the policy's part), not math-verify's equivalence.
import Foundation
import Grading
import Testing
@testable import Training

@Suite struct RewardScriptTests {
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Scores `cases` with the exported reward.py under `policy`, one 0/1 per case.
    static func scores(policy: ExtractionPolicy, _ cases: [(text: String, truncated: Bool)]) throws -> [Double] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reward-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var settings = ExportTests.settings(.drGRPO)
        settings.policy = policy
        let files = try TrainingExport.files(for: .trl, settings: settings, prompts: ExportTests.prompts)
        try Data((files["reward.py"] ?? "").utf8).write(to: dir.appendingPathComponent("reward.py"))
        try Data("""
        def parse(s):
            s = s.strip().strip("$").strip()
            return [s] if s else []
        def verify(g, p, float_rounding=6):
            return bool(g) and bool(p) and g[0] == p[0]
        """.utf8).write(to: dir.appendingPathComponent("math_verify.py"))
        let input = try JSONSerialization.data(withJSONObject: cases.map { [$0.text, $0.truncated] })
        try input.write(to: dir.appendingPathComponent("cases.json"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python ?? "/usr/bin/python3")
        p.currentDirectoryURL = dir
        p.arguments = ["-c", "import json, reward; print(json.dumps([reward.score(t, '4', bool(tr)) for t, tr in json.load(open('cases.json'))]))"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        return (try JSONSerialization.jsonObject(with: data) as? [Double]) ?? []
    }

    static let cases: [(text: String, truncated: Bool)] = [
        ("so the total is \\(\\boxed{4}\\).", false),
        ("<think>2+2</think> <answer>4</answer>", false),
        ("<think>x</think> <answer>so \\boxed{4}</answer> and \\boxed{5}", false),
        ("The answer is 4", false),
        ("we reach 4 and then", true),
        // A real SmolLM2 r1 response (corpus asdiv-0009): the span ends where the model opens a new turn.
        ("4 + 3 = 7 hours <answer> 4 hours\n\nThe User: How many hours does Ryan spend on 3 tasks?</answer>", false),
    ]

    @Test(.enabled(if: python != nil, "needs python3"),
          arguments: ["boxed", "answer-tag", "none"], [false, true])
    func rewardScriptAgreesWithTheSwiftReward(_ extraction: String, _ fallback: Bool) throws {
        let policy = ExtractionPolicy.forTemplate(extraction: try AnswerExtraction.parse(extraction), paperParity: !fallback, plainTextFallback: fallback)
        let swift = Self.cases.map { c in
            Double(VerifierReward(policy: policy).score(
                prompt: TrainingPrompt(id: "q", text: "2+2?", golds: ["4"]),
                response: SampledResponse(promptTokens: [1], completionTokens: [2], text: c.text, truncated: c.truncated)).reward)
        }
        let py = try Self.scores(policy: policy, Self.cases)
        // The plain-text fallback differs by design (math-verify reads the whole text, the stand-in cannot):
        // compare the cases where the policy reads its own format.
        let own = policy.format == nil ? [] : Array(0..<3)
        #expect(py.count == Self.cases.count)
        for i in own where i < py.count { #expect(py[i] == swift[i], "case \(i): reward.py \(py[i]), Swift \(swift[i]) under \(policy.graderName)") }
        #expect(py.last == 0, "a truncated plain-text response earns no fallback credit")
    }
}

// The JSONL contract of `r1audit verify --input` (issue 3, "Command"): output order equals input
// order, each line gains extracted/status/correct, and a bad line becomes a status "error" line.
import Foundation
import Testing
@testable import Grading

@Suite("JSONL grading")
struct VerificationLinesTests {
    private let verifier = AnswerVerifier.paperParity(mode: .boxed)

    private func object(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    @Test func gradesInOrderAndKeepsInputFields() {
        let input = """
        {"id": "a", "response": "\\\\boxed{4}", "answer": "4"}
        {"id": "b", "response": "\\\\boxed{5}", "answers": ["6", "5.0"]}

        {"id": "c", "response": "no box", "answer": "4"}
        {"id": "d", "response": "\\\\boxed{3}", "answer": "4"}
        """
        let (lines, summary) = VerificationLines.gradeAll(jsonl: input, verifier: verifier)
        #expect(lines.count == 4)
        #expect(lines.map { object($0)["id"] as? String } == ["a", "b", "c", "d"])
        #expect(lines.map { object($0)["status"] as? String } == ["correct", "correct", "no-answer", "incorrect"])
        #expect(object(lines[2])["extracted"] is NSNull)
        #expect(object(lines[0])["correct"] as? Bool == true)
        #expect(summary.total == 4 && summary.correct == 2 && summary.noAnswer == 1 && summary.incorrect == 1 && summary.errors == 0)
    }

    @Test(arguments: [
        ("not json", "not a JSON object"),
        ("[1, 2]", "not a JSON object"),
        ("{\"answer\": \"4\"}", "'response'"),
        ("{\"response\": \"\\\\boxed{4}\"}", "'answer'"),
    ])
    func badLinesBecomeErrorLines(_ line: String, _ messagePart: String) {
        let out = object(VerificationLines.gradeLine(line, lineNumber: 7, verifier: verifier))
        #expect(out["status"] as? String == "error")
        let message = out["message"] as? String ?? ""
        #expect(message.contains("line 7"))
        #expect(message.contains(messagePart))
    }

    @Test func itemParsingReportsTheLine() {
        #expect(throws: GradingError.missingField(line: 3, field: "response")) {
            try VerificationLines.item(fromLine: "{\"answer\": \"1\"}", lineNumber: 3)
        }
        let item = try? VerificationLines.item(fromLine: "{\"response\": \"r\", \"answer\": 12}", lineNumber: 1)
        #expect(item == VerificationItem(response: "r", golds: ["12"]))
    }

    @Test func benchmarkGradesEveryItem() {
        let items = [VerificationItem(response: "\\boxed{1}", golds: ["1"]), VerificationItem(response: "\\boxed{2}", golds: ["1"])]
        let r = VerificationBenchmark.run(items: items, verifier: verifier, minimumSeconds: 0)
        #expect(r.verifications == 2)
        #expect(r.correct == 1)
    }

    @Test func bareAnswerGrading() {
        let v = AnswerVerifier(extractor: AnswerExtractor(mode: .auto))
        #expect(v.grade(answer: "0.5", golds: ["\\frac12"]).correct)
        #expect(v.grade(answer: "so \\boxed{0.5}", golds: ["\\frac12"]).extracted == "0.5")
        #expect(v.grade(answer: "  ", golds: ["1"]).status == .noAnswer)
        #expect(v.grade(answer: "0.6", golds: ["\\frac12"]).status == .incorrect)
    }
}

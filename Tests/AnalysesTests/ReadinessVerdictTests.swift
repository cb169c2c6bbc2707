// Issue 21: format headroom on hand-checkable responses and the verdict's rules row by row.
import Testing
@testable import Analyses

@Suite("Readiness: format headroom and verdict")
struct ReadinessVerdictTests {
    @Test("Format headroom: 4 responses, 3 correct, 1 strictly formatted, 2 leniently, 2 writing code")
    func headroom() throws {
        let h = try FormatHeadroom(template: "r1", samples: [
            HeadroomSample(correct: true, strictFormat: true, lenientFormat: true, response: "</think> <answer>4</answer>"),
            HeadroomSample(correct: true, strictFormat: false, lenientFormat: true, response: "```python\nprint(4)\n``` <answer>4</answer>"),
            HeadroomSample(correct: true, strictFormat: false, lenientFormat: false, response: "Using Python: the answer is 4"),
            HeadroomSample(correct: false, strictFormat: false, lenientFormat: false, response: "It is 5."),
        ])
        #expect(h.accuracy.estimate == 0.75)
        #expect(h.strictAccuracy.estimate == 0.25)
        #expect(h.lenientAccuracy.estimate == 0.5)
        #expect(h.formatGap == 0.5)
        #expect(h.codeShare.estimate == 0.5)
        #expect(h.accuracyWithCode.estimate == 1)
        #expect(h.accuracyWithoutCode.estimate == 0.5)
        #expect(!FormatHeadroom.writesCode("The answer is 4."))
    }

    static func inputs(answerRate: Double = 0.9, kept: Int = 40, zero: Double? = 0.5, p1: Double = 0.3, pk: Double = 0.7,
                       guesser: Double? = nil, formatGap: Double? = 0.1) -> ReadinessInputs {
        ReadinessInputs(template: "qwen-math", answerRate: answerRate, questionsKept: kept, questionsTotal: 60,
                        zeroSignalShare: zero, passAt1: p1, passAtK: pk, k: 64, guessingBaseline: guesser,
                        formatGap: formatGap, contamination: .low)
    }

    @Test("Signal rules in order", arguments: [
        (inputs(), RLSignal.yes),
        (inputs(kept: 0), .none),
        (inputs(answerRate: 0.05), .none),
        (inputs(zero: 0.97), .none),
        (inputs(zero: 0.8), .weak),
        (inputs(p1: 0.68, pk: 0.7), .weak),
        (inputs(p1: 0.1, pk: 0.25, guesser: 0.226), .weak),
        (inputs(zero: nil), .yes),
    ])
    func signal(_ x: ReadinessInputs, _ expected: RLSignal) {
        #expect(ReadinessVerdict(x).signal == expected)
    }

    @Test("Expected gain: format when the format gap is at least the pass@k headroom; the line names every part")
    func gainAndLine() {
        #expect(ReadinessVerdict(Self.inputs(formatGap: 0.1)).gain == .mostlyCapability)
        #expect(ReadinessVerdict(Self.inputs(p1: 0.3, pk: 0.4, formatGap: 0.2)).gain == .mostlyFormat)
        let v = ReadinessVerdict(Self.inputs())
        #expect(v.line == "RL signal: yes; template: qwen-math; questions kept: 40 of 60; contamination: low; expected gain mostly capability")
        #expect(v.parts.map(\.name) == ["RL signal", "template", "questions kept", "contamination", "expected gain"])
        #expect(ReadinessVerdict(Self.inputs(zero: 0.8)).parts[0].rule.contains("groups with signal 20.0%"))
    }
}

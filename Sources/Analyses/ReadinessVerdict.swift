// The pre-RL readiness verdict (issue 21): one line and one card that combine answerability, the
// zero-signal share of the learnability forecast, pass@1 vs pass@k headroom (against a blind guesser),
// format headroom and the contamination probe. Every part carries the figure and the rule that made it;
// the rules are documented in docs/ANALYSES.md ("Readiness verdict") and tested there row by row.
import Foundation

/// What the verdict is computed from; nil parts were not measured and are said so.
public struct ReadinessInputs: Sendable, Codable, Hashable {
    public var template: String
    /// The chosen template's answer rate.
    public var answerRate: Double
    /// Training questions kept after dropping those with no correct (and, unless kept, always correct) samples.
    public var questionsKept: Int
    public var questionsTotal: Int
    /// Predicted share of zero-signal groups after the filtering (learnability forecast).
    public var zeroSignalShare: Double?
    public var passAt1: Double
    /// pass@k at the largest k measured, with that k.
    public var passAtK: Double
    public var k: Int
    /// A uniform guesser's pass@k at that k, when the benchmark's answer space is known.
    public var guessingBaseline: Double?
    /// accuracy − strict-format accuracy of the chosen template.
    public var formatGap: Double?
    public var contamination: ContaminationLevel?
    /// How the template was chosen, in words.
    public var templateRule = "the template the run's samples were read from"

    public init(template: String, answerRate: Double, questionsKept: Int, questionsTotal: Int, zeroSignalShare: Double?,
                passAt1: Double, passAtK: Double, k: Int, guessingBaseline: Double?, formatGap: Double?,
                contamination: ContaminationLevel?) {
        self.template = template; self.answerRate = answerRate; self.questionsKept = questionsKept
        self.questionsTotal = questionsTotal; self.zeroSignalShare = zeroSignalShare; self.passAt1 = passAt1
        self.passAtK = passAtK; self.k = k; self.guessingBaseline = guessingBaseline; self.formatGap = formatGap
        self.contamination = contamination
    }
}

/// One part of the card: its value, the figure behind it and the rule that decided.
public struct VerdictPart: Sendable, Codable, Hashable {
    public var name: String
    public var value: String
    public var figure: String
    public var rule: String
}

public enum RLSignal: String, Sendable, Codable, Hashable { case yes, weak, none }
public enum ExpectedGain: String, Sendable, Codable, Hashable { case mostlyFormat = "mostly format", mostlyCapability = "mostly capability" }

/// The verdict with its parts.
public struct ReadinessVerdict: Sendable, Codable, Hashable {
    public var signal: RLSignal
    public var gain: ExpectedGain
    public var parts: [VerdictPart]
    public var line: String

    /// Thresholds (docs/ANALYSES.md): an answer rate under 10% or under 5% of groups with signal is no signal;
    /// under 25% of groups with signal, under 5 points of pass@k headroom, or a pass@k within 5 points of
    /// the blind guesser is weak.
    public static let minimumAnswerRate = 0.10
    public static let minimumSignalShare = 0.05
    public static let weakSignalShare = 0.25
    public static let minimumHeadroom = 0.05
    public static let guesserMargin = 0.05

    public init(_ x: ReadinessInputs) {
        func pct(_ v: Double) -> String { String(format: "%.1f%%", 100 * v) }
        let headroom = x.passAtK - x.passAt1
        let signalShare = x.zeroSignalShare.map { 1 - $0 }
        var signal = RLSignal.yes, why = "no rule for none or weak fired"
        if x.questionsKept == 0 {
            signal = .none; why = "no training question has a correct sample"
        } else if x.answerRate < Self.minimumAnswerRate {
            signal = .none; why = "answer rate \(pct(x.answerRate)) < \(pct(Self.minimumAnswerRate))"
        } else if let s = signalShare, s < Self.minimumSignalShare {
            signal = .none; why = "groups with signal \(pct(s)) < \(pct(Self.minimumSignalShare))"
        } else if let s = signalShare, s < Self.weakSignalShare {
            signal = .weak; why = "groups with signal \(pct(s)) < \(pct(Self.weakSignalShare))"
        } else if headroom < Self.minimumHeadroom {
            signal = .weak; why = "pass@\(x.k) − pass@1 = \(pct(headroom)) < \(pct(Self.minimumHeadroom))"
        } else if let g = x.guessingBaseline, x.passAtK <= g + Self.guesserMargin {
            signal = .weak; why = "pass@\(x.k) \(pct(x.passAtK)) within \(pct(Self.guesserMargin)) of a blind guesser's \(pct(g))"
        }
        let formatGap = x.formatGap ?? 0
        let gain: ExpectedGain = formatGap >= headroom ? .mostlyFormat : .mostlyCapability
        let contamination = x.contamination?.rawValue ?? "not probed"
        parts = [
            VerdictPart(name: "RL signal", value: signal.rawValue,
                        figure: "answer rate \(pct(x.answerRate)); groups with signal \(signalShare.map(pct) ?? "not forecast"); pass@1 \(pct(x.passAt1)), pass@\(x.k) \(pct(x.passAtK))" + (x.guessingBaseline.map { "; guesser \(pct($0))" } ?? ""),
                        rule: why),
            VerdictPart(name: "template", value: x.template, figure: "answer rate \(pct(x.answerRate))", rule: x.templateRule),
            VerdictPart(name: "questions kept", value: "\(x.questionsKept) of \(x.questionsTotal)",
                        figure: "\(x.questionsTotal - x.questionsKept) dropped", rule: "questions with no correct sample (and always-correct ones unless kept) are dropped"),
            VerdictPart(name: "contamination", value: contamination, figure: contamination,
                        rule: "partial-prompt completion against a generated control (ContaminationProbe.level)"),
            VerdictPart(name: "expected gain", value: gain.rawValue,
                        figure: "format gap \(x.formatGap.map(pct) ?? "not measured") vs pass@\(x.k) headroom \(pct(headroom))",
                        rule: "mostly format when accuracy − strict-format accuracy ≥ pass@k − pass@1"),
        ]
        self.signal = signal
        self.gain = gain
        line = "RL signal: \(signal.rawValue); template: \(x.template); questions kept: \(x.questionsKept) of \(x.questionsTotal); contamination: \(contamination); expected gain \(gain.rawValue)"
    }
}

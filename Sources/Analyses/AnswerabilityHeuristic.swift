// The answerability heuristic used when no judge endpoint is given (paper §2.1 classifies with an
// LLM judge; this is our documented stand-in, described in docs/ANALYSES.md). A response "answers" when it
// addresses the question: the grader could extract an answer, or the text before any new question ends in
// a final numeric statement. It "continues" when it is empty, or only continues the prompt text / writes
// new questions without ever stating a result.
import Foundation

/// Classifies a response as answering the question or continuing the text, without a judge.
public enum AnswerabilityHeuristic {
    /// Line openings that start a new question (the typical base-model continuation).
    static let newQuestionMarkers = ["question:", "question ", "problem:", "problem ", "q:", "exercise", "example ",
                                     "### question", "### problem", "**question", "**problem", "user:", "human:"]
    /// Words that introduce a result in a final statement.
    static let resultCues = ["answer", "=", " is ", " are ", "total", "therefore", "thus", "so ", "result", "equals", "get "]

    /// The verdict for one response. `hasExtractedAnswer`: the grader found an answer (boxed, tag or plain-text fallback).
    public static func classify(response: String, hasExtractedAnswer: Bool) -> AnswerabilityVerdict {
        let trimmed = response.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .continues }
        if hasExtractedAnswer { return .answers }
        let attempt = textBeforeNewQuestion(trimmed)
        return hasFinalNumericStatement(attempt) ? .answers : .continues
    }

    /// The response up to (not including) the first line that opens a new question; "" if it opens with one.
    static func textBeforeNewQuestion(_ text: String) -> String {
        var kept = [Substring]()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let l = line.trimmingCharacters(in: .whitespaces).lowercased()
            if newQuestionMarkers.contains(where: { l.hasPrefix($0) }) { break }
            kept.append(line)
        }
        return kept.joined(separator: "\n")
    }

    /// Whether one of the last two non-empty lines states a number after a result cue ("= 12", "the answer is 5").
    static func hasFinalNumericStatement(_ text: String) -> Bool {
        let pieces = text.lowercased()
            .split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        for piece in pieces.suffix(2) {
            for cue in resultCues {
                guard let r = piece.range(of: cue) else { continue }
                if piece[r.upperBound...].contains(where: { $0.isASCII && $0.isNumber }) { return true }
            }
        }
        return false
    }
}

// Keyword detector, judge-reply parsing, the answerability heuristic, reflection vs accuracy, lengths.
import Foundation
import Testing
@testable import Analyses

@Suite struct KeywordTests {
    let text = "Let me RECHECK. I will Rethink, then double-checked it. A precheck is not one. Recheck again."

    @Test func wordBoundaryIsDefault() {
        let c = KeywordDetector().counts(in: text)
        #expect(c == ["recheck": 2, "rethink": 1, "double-check": 1])
    }

    @Test func paperParityCountsRawSubstrings() {
        let c = KeywordDetector(matching: .substring).counts(in: text)
        // "check again" inside "Recheck again" also counts under the paper's rule.
        #expect(c == ["recheck": 3, "rethink": 1, "double-check": 1, "check again": 1])
        #expect(KeywordDetector(matching: .substring).detects("unreconsidered") == true)
        #expect(KeywordDetector().detects("unreconsidered") == false)
        #expect(KeywordDetector().detects("I reconsidered the reconsideration") == true)
        #expect(KeywordDetector().detects("nothing to see") == false)
    }

    @Test func poolIsThePapers() {
        #expect(KeywordDetector.paperPool.count == 15)
        #expect(KeywordDetector.paperPool.contains("go over the steps"))
    }

    @Test func questionVersusResponseLevel() {
        let groups = [["recheck this", "no"], ["no", "no"], ["think again", "let me reconsider"]]
        let t = KeywordTally(detector: KeywordDetector(), responsesByQuestion: groups)
        #expect(t.responses == 6 && t.responsesDetected == 3)
        #expect(t.questions == 3 && t.questionsDetected == 2)
        #expect(t.occurrences == ["recheck": 1, "think again": 1, "reconsider": 1])
    }

    @Test func keywordFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kw-\(UUID().uuidString).txt")
        try "# comment\nrecheck\n\n  verify again \n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try KeywordDetector.loadKeywords(from: url) == ["recheck", "verify again"])
        let empty = url.appendingPathExtension("empty")
        try "# nothing\n".write(to: empty, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: AnalysesError.self) { try KeywordDetector.loadKeywords(from: empty) }
    }
}

@Suite struct JudgeReplyTests {
    @Test(arguments: [
        ("1: The response engages with the question.", AnswerabilityVerdict.answers),
        ("0", .continues),
        ("**1** — it engages", .answers),
        ("", .unparsed),
        ("I cannot decide.", .unparsed),
        ("2: neither", .unparsed),
        ("10 items were listed", .unparsed),
        ("3.5", .unparsed),
        ("  \n 1", .answers),
        // Hostile replies (issue 22): only a leading 0/1 counts.
        (#"<img src=x onerror="alert(1)"> 1"#, .unparsed),
        ("<b>1</b>", .unparsed),
        ("-1", .unparsed),
        ("-0", .unparsed),
        ("10", .unparsed),
        ("01", .unparsed),
        ("1.5", .unparsed),
        ("1st of all, yes", .unparsed),
        ("0/1", .unparsed),
        ("The output attempts an answer. 1", .unparsed),
        ("Return 0 → the output is off-topic", .unparsed),
        (String(repeating: "lorem ipsum ", count: 20_000) + "1", .unparsed),
    ])
    func answerability(_ reply: String, _ expected: AnswerabilityVerdict) {
        #expect(JudgeReplyParser.answerability(reply) == expected)
    }

    @Test func answerabilityPaperParity() {
        #expect(JudgeReplyParser.answerabilityPaperParity("1: yes") == .answers)
        #expect(JudgeReplyParser.answerabilityPaperParity("0") == .continues)
        #expect(JudgeReplyParser.answerabilityPaperParity(" 1") == .unparsed)
        #expect(JudgeReplyParser.answerabilityPaperParity("**1**") == .unparsed)
    }

    @Test(arguments: [
        ("The response demonstrates self-reflection. 2.", ReflectionCategory?.some(.reflection)),
        ("Category 1. The response does not revisit step 3.", .noReflection),
        ("**Category: 2** (it rechecks)", .reflection),
        ("It solves directly, never revisiting steps 2 and 3. 1", .noReflection),
        ("Only Python code. 3", .codeOnly),
        ("Off-topic rambling.\n\n0", .offTopic),
        ("", nil),
        ("garbage without a number", nil),
        ("The answer is 4.", nil),
        ("5", nil),
        // Hostile replies (issue 22).
        (#"<img src=x onerror="alert(1)">"#, nil),
        ("<b>2</b>", nil),
        ("-1", nil),
        ("-0", nil),
        ("Category -1", nil),
        ("10", nil),
        ("2 is what I would say, but no", nil),
        ("step x2", nil),
        ("0.2", nil),
        (String(repeating: "lorem ipsum ", count: 20_000) + "x", nil),
        ("**2**", .reflection),
    ])
    func reflection(_ reply: String, _ expected: ReflectionCategory?) {
        #expect(JudgeReplyParser.reflection(reply) == expected)
    }

    @Test(arguments: [JudgeKind.answerability, .reflection])
    func repliesAreCappedAtTheStatedBound(kind: JudgeKind) {
        #expect(kind.maxReplyBytes == kind.maxTokens * 16)
        let huge = String(repeating: "é", count: 10_000_000 / 2)  // 10 MB of two-byte characters
        let capped = kind.capped(huge)
        #expect(capped.utf8.count <= kind.maxReplyBytes)
        #expect(capped.utf8.count >= kind.maxReplyBytes - 1)
        #expect(huge.hasPrefix(capped))
        #expect(kind.capped("1: short") == "1: short")
    }

    @Test func reflectionPaperParityKeepsItsQuirks() {
        #expect(JudgeReplyParser.reflectionPaperParity("The response demonstrates self-reflection. 2."))
        #expect(!JudgeReplyParser.reflectionPaperParity("2. The response rechecks its work."))
        #expect(JudgeReplyParser.reflectionPaperParity("See step 12"))
    }
}

@Suite struct HeuristicTests {
    static let question = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May."

    @Test(arguments: [
        ("", false, AnswerabilityRule.empty),
        ("   \n", true, .empty),
        ("48 / 2 = 24, so 48 + 24 = 72.\nUser: what about June?", false, .newTurn),
        ("She sold 72.\n\nHuman: thanks", false, .newTurn),
        ("Assistant: The answer is 72", false, .newTurn),
        ("  Question: What is 2+2?\nAnswer: 4", false, .newTurn),
        ("Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many", true, .repeatsPrompt),
        ("First 48 / 2 = 24.\nSo the answer is 72.", false, .answerAttempt),
        ("The total is \\boxed{72}", true, .answerAttempt),
        ("In April she sold 48 clips and in May she sold half of that, which means we need to", true, .truncatedWithoutAnswer),
        ("and then the dragon flew over the mountains to the castle of the king", false, .offTopic),
        ("In April she sold 48 clips; May is half of April.", false, .noAnswerAttempt),
        ("She sold 72.\nWhat is the price of one clip if she earns $10?", false, .newQuestion),
        ("A. 48\nB. 72\nC. 96\nAnswer: B", false, .writesOptions),
        ("(a) 48\n(b) 72\n(c) 96", true, .writesOptions),
        ("Please reason step by step, and put your final answer within \\boxed{}.", false, .repeatsPrompt),
        ("<answer> answer here </answer>", false, .repeatsPrompt),
        ("<answer> </answer>", false, .offTopic),
        ("The answer is a number.", false, .offTopic),
        ("<answer> seventy-two </answer>", false, .answerAttempt),
        ("Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. So the answer is 72.", false, .answerAttempt),
        ("Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.\nNatalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. The answer is 72.", false, .repeatsPrompt),
        ("In April she sold 48 clips, and 48 / 2 gives May, and adding the two months", true, .truncatedWhileWorking),
        (String(repeating: "She sold 48 / 2 clips.\n", count: 10), true, .truncatedWithoutAnswer),
    ])
    func classify(_ response: String, _ truncated: Bool, _ expected: AnswerabilityRule) {
        let j = AnswerabilityHeuristic.classify(response: response, question: Self.question, truncated: truncated)
        #expect(j.rule == expected)
        #expect(j.verdict == ([.answerAttempt, .truncatedWhileWorking].contains(expected) ? .answers : .continues))
    }
}

@Suite struct ReflectionAccuracyTests {
    @Test func perQuestionGaps() {
        let r = ReflectionAccuracy(questions: [
            (id: "q1", outcomes: [.init(reflects: true, correct: true), .init(reflects: true, correct: false),
                                  .init(reflects: false, correct: false), .init(reflects: false, correct: false)]),
            (id: "q2", outcomes: [.init(reflects: true, correct: true)]),
            (id: "q3", outcomes: [.init(reflects: true, correct: false), .init(reflects: false, correct: true)]),
        ])
        #expect(r.gaps.map(\.questionID) == ["q1", "q3"])
        #expect(r.gaps.map(\.delta) == [0.5, -1])
        #expect(r.skippedQuestions == 1 && r.positive == 1 && r.negative == 1 && r.zero == 0)
        #expect(r.meanDelta == -0.25)
        #expect(r.histogram[7] == 1 && r.histogram[0] == 1 && r.histogram.reduce(0, +) == 2)
    }

    @Test func lengthsByCategory() {
        let items: [(category: ResponseCategory, tokens: Int, hasAnswer: Bool)] = [
            (.of(truncated: true, hasAnswer: true, correct: true), 256, true),
            (.of(truncated: false, hasAnswer: true, correct: true), 10, true),
            (.of(truncated: false, hasAnswer: true, correct: true), 20, true),
            (.of(truncated: false, hasAnswer: true, correct: false), 30, true),
            (.of(truncated: false, hasAnswer: false, correct: false), 5, false),
        ]
        let l = LengthsByCategory(items)
        #expect(l.total == 5 && l.truncationRate == 0.2 && l.answeredRate == 0.8)
        #expect(l.byCategory[.correct]?.median == 15 && l.byCategory[.correct]?.count == 2)
        #expect(l.byCategory[.truncated]?.max == 256 && l.byCategory[.noAnswer]?.mean == 5)
        #expect(l.byCategory[.incorrect]?.min == 30)
    }
}

@Suite struct BestTemplateTests {
    static func row(_ name: String, answers: Int, of n: Int, accuracy: Double) throws -> TemplateAnswerability {
        TemplateAnswerability(template: name, samples: n, answers: answers, continues: n - answers, unparsed: 0,
                              rate: try WilsonInterval.interval(successes: answers, trials: n), formatRates: FormatRates(strict: 0, lenient: 0, rule: .lenient), grader: nil,
                              truncationRate: 0, accuracy: accuracy, continuingExamples: [])
    }

    @Test func overlappingIntervalsDecideByPassAt1() throws {
        let rows = [try Self.row("r1", answers: 20, of: 20, accuracy: 0), try Self.row("qwen-math", answers: 19, of: 20, accuracy: 0.15)]
        let (best, rule) = Answerability.bestTemplate(rows)
        #expect(best == "qwen-math")
        #expect(rule?.contains("pass@1") == true)
    }

    @Test func separatedIntervalsKeepThePapersRule() throws {
        let rows = [try Self.row("none", answers: 2, of: 100, accuracy: 0.5), try Self.row("r1", answers: 95, of: 100, accuracy: 0.1)]
        let (best, rule) = Answerability.bestTemplate(rows)
        #expect(best == "r1")
        #expect(rule?.contains("answer rate") == true)
    }

    @Test func aPickWithTheLowestAccuracyNamesTheMoreAccurateTemplates() throws {
        let rows = [try Self.row("r1", answers: 3, of: 20, accuracy: 0.05), try Self.row("qwen-math", answers: 19, of: 20, accuracy: 0),
                    try Self.row("none", answers: 10, of: 20, accuracy: 0)]
        let settings = AnalysisSettings(questions: OrchestrationTests.questions(20), questionSource: "t")
        let context = FigureContext(settings: settings, model: "m", k: 1, temperatures: [0.6], templates: rows.map(\.template), judge: "none")
        var result = AnswerabilityResult(context: context, method: "heuristic", templates: rows,
                                         bestTemplate: Answerability.bestTemplate(rows).0)
        #expect(result.bestTemplate == "qwen-math")
        #expect(result.moreAccurateThanPick.map(\.template) == ["r1"])
        result.bestTemplate = "r1"
        #expect(result.moreAccurateThanPick.isEmpty)
    }
}

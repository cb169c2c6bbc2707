// The learnability forecast's figures on hand-computed values, the audit → training question filter,
// and both read back from a fake audit run's store.
import Foundation
import Testing
import Datasets
import Prompts
import RunStore
@testable import Analyses

@Suite struct LearnabilityTests {
    // (n, c, G, expected): [C(c,G) + C(n−c,G)] / C(n,G), worked by hand.
    @Test(arguments: [(4, 2, 2, 1.0 / 3), (4, 0, 2, 1.0), (4, 4, 4, 1.0), (4, 2, 4, 0.0), (8, 1, 4, 0.5), (8, 4, 2, 12.0 / 28)])
    func zeroSignalProbability(n: Int, c: Int, g: Int, expected: Double) throws {
        #expect(abs(try LearnabilityMath.zeroSignalProbability(n: n, correct: c, groupSize: g) - expected) < 1e-12)
    }

    @Test func aGroupLargerThanTheSamplesIsRejected() {
        #expect(throws: AnalysesError.self) { try LearnabilityMath.zeroSignalProbability(n: 4, correct: 1, groupSize: 5) }
    }

    @Test func shareHistogramAndOversampling() throws {
        // n = G = 4: prompts with 0, 2 and 4 correct → flat, signal, flat.
        let share = try #require(try LearnabilityMath.zeroSignalShare(correct: [0, 2, 4], n: 4, groupSize: 4))
        #expect(abs(share - 2.0 / 3) < 1e-12)
        #expect(abs((LearnabilityMath.oversamplingFactor(zeroShare: share) ?? 0) - 3) < 1e-9)
        #expect(LearnabilityMath.oversamplingFactor(zeroShare: 1) == nil)
        #expect(LearnabilityMath.histogram(correct: [0, 2, 4, 2], n: 4) == [1, 0, 2, 0, 1])
        #expect(try LearnabilityMath.zeroSignalShare(correct: [], n: 4, groupSize: 2) == nil)
    }

    @Test(arguments: [false, true])
    func selectionDropsQuestionsWithoutSignal(keepSolved: Bool) {
        let s = TrainingQuestionSelection.select(ids: ["q0", "q1", "q2", "q3"], correct: ["q0": 0, "q1": 2, "q2": 3], k: 3,
                                                 keepSolved: keepSolved)
        #expect(s.kept == (keepSolved ? ["q1", "q2"] : ["q1"]))
        #expect(s.droppedUnsolved == ["q0"] && s.droppedUnmeasured == ["q3"])
        #expect(s.droppedSolved == (keepSolved ? [] : ["q2"]))
    }

    @Test(arguments: [GraderSettings(paperParity: true, plainTextFallback: false), GraderSettings(paperParity: false, plainTextFallback: true),
                      GraderSettings(paperParity: false, plainTextFallback: false)])
    func graderRoundTripsThroughTheFigureContext(grader: GraderSettings) {
        let settings = AnalysisSettings(questions: OrchestrationTests.questions(1), questionSource: "t", grader: grader)
        let ctx = FigureContext(settings: settings, model: "m", k: 1, temperatures: [1], templates: ["r1"], judge: "none")
        #expect(GraderSettings(context: ctx) == grader)
    }

    @Test func planFromAStoredAuditAndAForecastOnIt() async throws {
        let (db, dir) = try OrchestrationTests.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: AnalysesError.self) { _ = try AuditTrainingPlan.load(from: db, run: "empty") }
        let backend = FakeBackend(modelName: "fake")
        let settings = AnalysisSettings(questions: OrchestrationTests.questions(8), questionSource: "test", maxTokens: 32,
                                        grader: GraderSettings(paperParity: true, plainTextFallback: false), bootstrapResamples: 20)
        let templates = try PromptTemplate.paperTemplateNames.map { try PromptTemplate.named($0, directory: nil) }
        let audit = try await Audit(settings: settings, templates: templates, temperatures: [0.6, 1.0], k: 3)
            .run(backend: backend, database: db)
        let plan = try AuditTrainingPlan.load(from: db, run: "a")
        #expect(plan.template == audit.template && plan.k == 3 && plan.questions.count == 8)
        #expect(plan.grader == settings.grader)
        let chosen = try #require(audit.exploration.temperatures.first { $0.temperature == plan.temperature })
        for t in audit.exploration.temperatures {
            #expect((t.passAtK.last?.estimate ?? 0) <= (chosen.passAtK.last?.estimate ?? 0))
        }
        #expect(plan.correctPerQuestion == chosen.correctPerQuestion)
        let sel = plan.selection(keepSolved: false)
        #expect(sel.kept.count + sel.droppedSolved.count + sel.droppedUnsolved.count + sel.droppedUnmeasured.count == 8)
        #expect(sel.kept.allSatisfy { (1..<3).contains(plan.correctPerQuestion[$0] ?? -1) })
        #expect(plan.selectedQuestions(keepSolved: true).count == sel.kept.count + sel.droppedSolved.count)

        // The forecast under the plan's template and temperature, in the same store.
        let template = try PromptTemplate.named(plan.template, directory: nil)
        let job = Learnability(settings: settings, template: template, temperature: plan.temperature, samplesPerPrompt: 6,
                               groupSize: 3, keptQuestionIDs: Set(sel.kept))
        let f = try await job.run(backend: backend, database: db)
        #expect(f.histogram.reduce(0, +) == 8 && f.histogram.count == 7)
        let counts = plan.questions.map { f.correctPerQuestion[$0.id] ?? -1 }
        let expected = try counts.map { try LearnabilityMath.zeroSignalProbability(n: 6, correct: $0, groupSize: 3) }.reduce(0, +) / 8
        #expect(abs(f.zeroSignalShare - expected) < 1e-12)
        #expect(f.filteredPrompts == sel.kept.count)
        #expect(f.reward == settings.grader.graderName(extraction: template.extraction))
        #expect(try LearnabilityResult.loadAll(from: db).first == f)
    }
}

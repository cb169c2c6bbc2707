import Testing
@testable import Inference

@Suite struct SeedsTests {
    @Test func splitMixIsReproducible() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        let xs = (0..<5).map { _ in a.next() }, ys = (0..<5).map { _ in b.next() }
        #expect(xs == ys)
        #expect(Set(xs).count == 5)
        // Reference value of SplitMix64 seeded with 0 (first output, as in Vigna's splitmix64.c).
        var z = SplitMix64(seed: 0)
        #expect(z.next() == 0xE220_A839_7B1D_CDAF)
    }

    @Test func samplesOfOneQuestionGetDistinctSeeds() {
        let seeds = (0..<16).map {
            SeedDerivation.seed(runSeed: 7, questionID: "q1", template: "r1", temperature: 0.6, sampleIndex: $0)
        }
        #expect(Set(seeds).count == 16)
        #expect(seeds[3] == SeedDerivation.seed(runSeed: 7, questionID: "q1", template: "r1", temperature: 0.6, sampleIndex: 3))
        #expect(seeds[0] != SeedDerivation.seed(runSeed: 8, questionID: "q1", template: "r1", temperature: 0.6, sampleIndex: 0))
    }

    @Test func fnv1aKnownValue() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the published test vector).
        #expect(SeedDerivation.fnv1a("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(SeedDerivation.fnv1a("") == 0xCBF2_9CE4_8422_2325)
    }
}

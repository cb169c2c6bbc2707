// The sampler on hand-checkable 4-token distributions (llama.cpp tests/test-sampling.cpp style) and the
// stop-string matcher on byte buffers.
import Testing
import Foundation
import Inference
@testable import Engine

/// Logits whose softmax is exactly `probabilities`.
private func logits(_ probabilities: [Double]) -> [Float] { probabilities.map { Float(Foundation.log($0)) } }

@Suite struct SamplerTests {
    @Test func greedyPicksTheArgmaxAndReportsItsLogprob() {
        var s = TokenSampler(parameters: SamplingParameters(temperature: 0), seed: 1)
        let l = logits([0.1, 0.2, 0.4, 0.3])
        let (token, logprob) = s.sample(l, count: 4)
        #expect(token == 2)
        #expect(abs(logprob - Foundation.log(0.4)) < 1e-6)
    }

    @Test(arguments: [
        // (top_p, top_k, expected candidates, expected renormalised probabilities)
        (1.0, 0, [0, 1, 2, 3], [0.1, 0.2, 0.4, 0.3]),
        (1.0, 2, [2, 3], [0.4 / 0.7, 0.3 / 0.7]),
        (0.5, 0, [2, 3], [0.4 / 0.7, 0.3 / 0.7]),     // 0.4 < 0.5, so 0.3 joins
        (0.4, 0, [2], [1.0]),                          // 0.4 reaches 0.4 exactly
        (0.75, 0, [2, 3, 1], [0.4 / 0.9, 0.3 / 0.9, 0.2 / 0.9]),
        (0.9, 3, [2, 3, 1], [0.4 / 0.9, 0.3 / 0.9, 0.2 / 0.9]),
    ])
    func topKAndTopPKeepTheRightTokens(_ c: (Double, Int, [Int], [Double])) {
        let s = TokenSampler(parameters: SamplingParameters(temperature: 1, topP: c.0, topK: c.1), seed: 1)
        let (ids, p) = s.candidates(logits([0.1, 0.2, 0.4, 0.3]), count: 4)
        #expect(ids == c.2)
        #expect(zip(p, c.3).allSatisfy { abs($0 - $1) < 1e-6 }, "probabilities \(p)")
    }

    @Test func temperatureSharpensAndFlattens() {
        let l = logits([0.1, 0.2, 0.4, 0.3])
        let cold = TokenSampler(parameters: SamplingParameters(temperature: 0.5), seed: 1).candidates(l, count: 4).probabilities
        // p^(1/T) renormalised: T = 0.5 squares the probabilities.
        let squares = [0.01, 0.04, 0.16, 0.09], z = squares.reduce(0, +)
        #expect(zip(cold, squares).allSatisfy { abs($0 - $1 / z) < 1e-6 })
        let hot = TokenSampler(parameters: SamplingParameters(temperature: 1e6), seed: 1).candidates(l, count: 4).probabilities
        #expect(hot.allSatisfy { abs($0 - 0.25) < 1e-4 })
    }

    /// 40 000 draws land on each token with its probability (±4σ), and the same seed repeats the sequence.
    @Test func drawsFollowTheDistributionAndRepeatWithTheSeed() {
        let l = logits([0.1, 0.2, 0.4, 0.3])
        var s = TokenSampler(parameters: SamplingParameters(temperature: 1), seed: 7)
        var again = TokenSampler(parameters: SamplingParameters(temperature: 1), seed: 7)
        var counts = [0, 0, 0, 0], n = 40_000, same = true
        for _ in 0..<n {
            let a = s.sample(l, count: 4).token
            counts[a] += 1
            if again.sample(l, count: 4).token != a { same = false }
        }
        #expect(same)
        for (count, p) in zip(counts, [0.1, 0.2, 0.4, 0.3]) {
            let sigma = (Double(n) * p * (1 - p)).squareRoot()
            #expect(abs(Double(count) - Double(n) * p) < 4 * sigma, "counts \(counts)")
        }
    }

    @Test func topIndicesBreakTiesByLowerID() {
        let x: [Float] = [1, 3, 3, 2, 3]
        #expect(TokenSampler.topIndices(x, count: 5, k: 2) == [1, 2])
        #expect(TokenSampler.topIndices(x, count: 5, k: 4) == [1, 2, 4, 3])
    }

    @Test func stopStringsAreFoundAcrossPiecesAndEarliestWins() {
        let m = StopStringMatcher(["\n\n", "Answer:", ""])
        var bytes = Array("The sum is 4.\n".utf8)
        #expect(m.firstMatch(in: bytes, previousCount: 0) == nil)
        let before = bytes.count
        bytes += Array("\nAnswer:".utf8)
        #expect(m.firstMatch(in: bytes, previousCount: before) == 13)
        #expect(StopStringMatcher([]).firstMatch(in: bytes, previousCount: 0) == nil)
    }
}

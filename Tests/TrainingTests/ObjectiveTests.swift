// Hand-computed checks of the advantage estimators and the four loss aggregations on a 3-response
// group (the paper's eq. 2 vs eq. 3), with ratios chosen so both PPO clip branches occur.

import Foundation
import Testing
@testable import Training

@Suite struct ObjectiveTests {
    let rewards: [Double] = [1, 0, 0]
    let lengths = [2, 4, 1]

    @Test func drGRPOAdvantageIsRewardMinusMean() {
        let o = PolicyObjective(preset: .drGRPO, maxNewTokens: 4)
        let a = o.advantages(rewards: rewards)
        #expect(zip(a, [2.0 / 3, -1.0 / 3, -1.0 / 3]).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test(arguments: [1e-8, 1e-4, 1e-6])
    func grpoAdvantageDividesByBesselStdPlusEpsilon(eps: Double) {
        let o = PolicyObjective(preset: .grpo, maxNewTokens: 4, epsilon: eps)
        let a = o.advantages(rewards: rewards)
        let std = (1.0 / 3).squareRoot()                  // ((4/9 + 1/9 + 1/9)/2)^(1/2)
        #expect(abs(a[0] - (2.0 / 3) / (std + eps)) < 1e-12)
        #expect(abs(a[1] - (-1.0 / 3) / (std + eps)) < 1e-12)
    }

    @Test func grpoZeroVarianceGroupHasZeroAdvantage() {
        let o = PolicyObjective(preset: .grpo, maxNewTokens: 4, epsilon: 1e-6)
        #expect(o.advantages(rewards: [1, 1, 1]) == [0, 0, 0])
        #expect(o.advantages(rewards: [1]) == [0])
    }

    @Test func rlooUsesLeaveOneOutMean() {
        let o = PolicyObjective(preset: .rloo, maxNewTokens: 4)
        let a = o.advantages(rewards: rewards)
        // r0 − mean(r1, r2) = 1; r1 − mean(r0, r2) = −0.5
        #expect(abs(a[0] - 1) < 1e-12 && abs(a[1] + 0.5) < 1e-12 && abs(a[2] + 0.5) < 1e-12)
    }

    @Test func tokenWeightsPerAggregation() {
        func w(_ agg: LossAggregation) -> [Double] {
            PolicyObjective(aggregation: agg, constantNormalizer: 4).tokenWeights(lengths: lengths)
        }
        let tm: [Double] = [1.0 / 7, 1.0 / 7, 1.0 / 7]
        let smtm: [Double] = [1.0 / 6, 1.0 / 12, 1.0 / 3]
        let smts: [Double] = [1.0 / 3, 1.0 / 3, 1.0 / 3]
        let cst: [Double] = [1.0 / 12, 1.0 / 12, 1.0 / 12]
        #expect(w(.tokenMean) == tm)
        #expect(w(.sequenceMeanTokenMean) == smtm)
        #expect(w(.sequenceMeanTokenSum) == smts)
        #expect(w(.constant) == cst)
    }

    /// On-policy (ρ = 1 everywhere): loss = −Σ_i w_i |o_i| A_i and ∂/∂logp_it = −w_i A_i.
    @Test(arguments: LossAggregation.allCases)
    func onPolicyLossAndGradientByHand(agg: LossAggregation) throws {
        let o = PolicyObjective(aggregation: agg, constantNormalizer: 4)
        let adv = o.advantages(rewards: rewards)            // [2/3, −1/3, −1/3]
        let terms = zip(lengths, adv).map { l, a in
            ResponseTerms(logProbs: [Double](repeating: -1, count: l), oldLogProbs: [Double](repeating: -1, count: l), advantage: a)
        }
        let r = try o.evaluate(terms, weights: o.tokenWeights(lengths: lengths))
        let expectedLoss: Double = switch agg {
        case .tokenMean: (1.0 / 3) / 7                      // −(2·2/3 − 4/3 − 1/3)/7
        case .sequenceMeanTokenMean: 0                      // −(2/3 − 1/3 − 1/3)/3
        case .sequenceMeanTokenSum: (1.0 / 3) / 3
        case .constant: (1.0 / 3) / 12
        }
        #expect(abs(r.loss - expectedLoss) < 1e-12)
        let w = o.tokenWeights(lengths: lengths)
        for i in 0..<3 { for g in r.gradients[i] { #expect(abs(g - (-w[i] * adv[i])) < 1e-12) } }
        #expect(r.clippedTokens == 0 && r.tokens == 7)
    }

    /// ρ = 1.5 with A > 0 and ρ = 0.5 with A < 0 are both on the clipped branch: value −A·clip(ρ), no gradient.
    @Test func clippedTokensHaveNoGradient() throws {
        let o = PolicyObjective(preset: .drGRPO, maxNewTokens: 4)
        let plus = o.tokenTerm(logProb: log(1.5), oldLogProb: 0, advantage: 2.0 / 3)
        #expect(plus.clipped && plus.gradient == 0 && abs(plus.loss - (-(2.0 / 3) * 1.2)) < 1e-12)
        let minus = o.tokenTerm(logProb: log(0.5), oldLogProb: 0, advantage: -1.0 / 3)
        #expect(minus.clipped && minus.gradient == 0 && abs(minus.loss - (1.0 / 3) * 0.8) < 1e-12)
        // ρ = 0.5 with A > 0 stays unclipped: value −Aρ, gradient −Aρ.
        let inside = o.tokenTerm(logProb: log(0.5), oldLogProb: 0, advantage: 2.0 / 3)
        #expect(!inside.clipped && abs(inside.gradient - (-(2.0 / 3) * 0.5)) < 1e-12)
    }

    @Test func clipHigherWidensTheUpperBound() {
        let o = PolicyObjective(constantNormalizer: 4, clipLow: 0.2, clipHigh: 0.28)
        #expect(!o.tokenTerm(logProb: log(1.25), oldLogProb: 0, advantage: 1).clipped)
        #expect(o.tokenTerm(logProb: log(1.3), oldLogProb: 0, advantage: 1).clipped)
    }

    /// k3 = e^(ref−logp) − (ref−logp) − 1 and its derivative 1 − e^(ref−logp), checked by finite differences.
    @Test func klTermMatchesFiniteDifference() {
        let o = PolicyObjective(constantNormalizer: 4, klCoefficient: 0.1)
        let f = { (x: Double) in o.tokenTerm(logProb: x, oldLogProb: -1.0, advantage: 0.5, referenceLogProb: -1.3) }
        let h = 1e-6, x = -1.05
        let fd = (f(x + h).loss - f(x - h).loss) / (2 * h)
        #expect(abs(fd - f(x).gradient) < 1e-6)
        #expect(f(x).kl > 0)
    }

    @Test func presetsMatchThePaper() {
        let dr = PolicyObjective(preset: .drGRPO, maxNewTokens: 300)
        #expect(!dr.scaleByStd && dr.aggregation == .constant && dr.constantNormalizer == 300 && dr.klCoefficient == 0)
        let g = PolicyObjective(preset: .grpo, maxNewTokens: 300, epsilon: 1e-8)
        #expect(g.scaleByStd && g.aggregation == .sequenceMeanTokenMean && g.epsilon == 1e-8)
    }
}

// AdamW, clipping and schedules against values computed by hand from torch.optim.AdamW's update rule.

import Foundation
import Testing
@testable import Training

@Suite struct OptimizerTests {
    func set(_ w: [Float], _ b: [Float]) -> ParameterSet {
        var p = ParameterSet(layout: [("w", [1, w.count]), ("b", [b.count])])
        p.values = w + b
        return p
    }

    /// First step: m̂ = g, v̂ = g², so θ ← θ(1 − lr·wd) − lr·g/(|g| + ε); 1-D tensors are not decayed.
    @Test func firstStepMatchesTorchRule() {
        var p = set([1, -2], [0.5])
        let g = set([0.1, -0.4], [2])
        var opt = AdamW(configuration: AdamWConfiguration(learningRate: 0.01, weightDecay: 0.1, maxGradNorm: 0), parameters: p)
        opt.update(&p, gradients: g)
        let e: [Double] = [1 * (1 - 0.001) - 0.01, -2 * (1 - 0.001) + 0.01, 0.5 - 0.01]
        for (a, b) in zip(p.values, e) { #expect(abs(Double(a) - b) < 1e-6) }
    }

    /// Second step with a constant gradient keeps m̂/√v̂ = sign(g).
    @Test func secondStepBiasCorrection() {
        var p = set([0], [0])
        let g = set([3], [-3])
        var opt = AdamW(configuration: AdamWConfiguration(learningRate: 0.1, maxGradNorm: 0), parameters: p)
        opt.update(&p, gradients: g); opt.update(&p, gradients: g)
        #expect(abs(Double(p.values[0]) + 0.2) < 1e-5 && abs(Double(p.values[1]) - 0.2) < 1e-5)
        #expect(opt.step == 2)
    }

    @Test func clipGlobalNormScalesToMax() {
        var g = set([3], [4])                       // norm 5
        let n = AdamW.clipGlobalNorm(&g, maxNorm: 1)
        #expect(abs(n - 5) < 1e-9)
        #expect(abs(Double(g.values[0]) - 0.6) < 1e-5 && abs(Double(g.values[1]) - 0.8) < 1e-5)
        var small = set([0.3], [0.4])
        _ = AdamW.clipGlobalNorm(&small, maxNorm: 1)
        #expect(small.values == [0.3, 0.4])
    }

    @Test func warmupIsLinearThenConstant() {
        let s = LearningRateSchedule.warmup(steps: 4)
        #expect([1, 2, 4, 9].map { s.factor(step: $0) } == [0.25, 0.5, 1, 1])
        #expect(LearningRateSchedule.constant.factor(step: 1) == 1)
    }
}

// AdamW (Loshchilov & Hutter 2019) exactly as torch.optim.AdamW (decoupled decay applied before the
// Adam step, bias-corrected moments), global-norm gradient clipping as torch.nn.utils.clip_grad_norm_,
// and constant / linear warm-up learning-rate schedules. Decay skips 1-D tensors (norms, biases), as
// the HF Trainer and nanoGPT do.

import Foundation
import Tensors

/// A learning-rate schedule over optimiser steps (1-based).
public enum LearningRateSchedule: Sendable, Codable, Hashable {
    /// The same rate every step.
    case constant
    /// Linear warm-up from 0 over `warmupSteps`, then constant (oat's and TRL's default shape for RL).
    case warmup(steps: Int)

    /// The multiplier of the base rate at `step` (1-based).
    public func factor(step: Int) -> Double {
        switch self {
        case .constant: return 1
        case let .warmup(steps): return steps <= 0 ? 1 : min(1, Double(step) / Double(steps))
        }
    }
}

/// AdamW hyper-parameters.
public struct AdamWConfiguration: Sendable, Codable, Hashable {
    /// The learning rate.
    public var learningRate: Double
    /// The beta1.
    public var beta1: Double
    /// The beta2.
    public var beta2: Double
    /// The epsilon.
    public var epsilon: Double
    /// The weight decay.
    public var weightDecay: Double
    /// Clip the global gradient norm to this (0 = no clipping).
    public var maxGradNorm: Double
    /// The schedule.
    public var schedule: LearningRateSchedule

    /// Defaults follow the paper's oat recipe (lr 1e-6, β = (0.9, 0.999), wd 0, clip 1.0).
    public init(learningRate: Double = 1e-6, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0, maxGradNorm: Double = 1, schedule: LearningRateSchedule = .constant) {
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        self.weightDecay = weightDecay; self.maxGradNorm = maxGradNorm; self.schedule = schedule
    }
}

/// AdamW state: first and second moments and the step count.
public struct AdamW: Sendable {
    /// The configuration.
    public var configuration: AdamWConfiguration
    /// Steps taken so far.
    public var step: Int
    /// First moments m, laid out like the parameters.
    public var m: [Float]
    /// Second moments v.
    public var v: [Float]
    let decayMask: [Bool]

    /// Fresh state for `parameters`.
    public init(configuration: AdamWConfiguration, parameters: ParameterSet) {
        self.configuration = configuration
        step = 0
        m = [Float](repeating: 0, count: parameters.values.count); v = m
        decayMask = parameters.slots.map { $0.shape.count > 1 }
    }

    /// Scales `gradients` so their global L2 norm is at most `maxGradNorm`; returns the norm before clipping.
    @discardableResult
    public static func clipGlobalNorm(_ gradients: inout ParameterSet, maxNorm: Double) -> Double {
        let n = gradients.values.count
        let chunks = max(1, min(workerThreads, n))
        var partial = [Double](repeating: 0, count: chunks)
        gradients.values.withUnsafeBufferPointer { g in
            partial.withUnsafeMutableBufferPointer { out in
                Parallel.forChunks(chunks, threads: chunks) { cs in
                    for c in cs {
                        var ss = 0.0
                        for i in (n * c / chunks)..<(n * (c + 1) / chunks) { ss += Double(g[i]) * Double(g[i]) }
                        out[c] = ss
                    }
                }
            }
        }
        let norm = partial.reduce(0, +).squareRoot()
        if maxNorm > 0, norm > maxNorm {
            let s = Float(maxNorm / (norm + 1e-6))                 // torch: max_norm / (total_norm + 1e-6)
            gradients.values.withUnsafeMutableBufferPointer { p in
                Parallel.forChunks(p.count, threads: workerThreads) { r in for i in r { p[i] *= s } }
            }
        }
        return norm
    }

    /// One update θ ← θ − lr·(m̂/(√v̂ + ε) + wd·θ). Returns the learning rate used.
    @discardableResult
    public mutating func update(_ parameters: inout ParameterSet, gradients: ParameterSet) -> Double {
        step += 1
        let c = configuration
        let lr = c.learningRate * c.schedule.factor(step: step)
        let b1 = Float(c.beta1), b2 = Float(c.beta2), eps = Float(c.epsilon)
        let bc1 = Float(1 - Foundation.pow(c.beta1, Double(step))), bc2 = Float(1 - Foundation.pow(c.beta2, Double(step)))
        let stepSize = Float(lr) / bc1, bc2Sqrt = bc2.squareRoot()
        let decay = Float(1 - lr * c.weightDecay)
        let slots = parameters.slots, mask = decayMask
        parameters.values.withUnsafeMutableBufferPointer { p in
            m.withUnsafeMutableBufferPointer { mp in
                v.withUnsafeMutableBufferPointer { vp in
                    gradients.values.withUnsafeBufferPointer { gp in
                        // Each worker takes whole slots, so the decay flag is per slot.
                        Parallel.forChunks(slots.count, threads: workerThreads) { ks in
                            for k in ks {
                                let d: Float = mask[k] ? decay : 1, slot = slots[k]
                                for i in slot.offset..<(slot.offset + slot.count) {
                                    let g = gp[i]
                                    mp[i] = b1 * mp[i] + (1 - b1) * g
                                    vp[i] = b2 * vp[i] + (1 - b2) * g * g
                                    p[i] = p[i] * d - stepSize * mp[i] / (vp[i].squareRoot() / bc2Sqrt + eps)
                                }
                            }
                        }
                    }
                }
            }
        }
        return lr
    }
}

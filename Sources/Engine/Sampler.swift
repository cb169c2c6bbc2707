// Seeded next-token sampling with the OpenAI/HF semantics: temperature scales the logits, then top-k,
// then top-p (nucleus, Holtzman et al. 2020) keep the smallest set of most likely tokens whose mass
// reaches p; temperature 0 is greedy (lowest id on ties). The log-probability reported is the log
// softmax of the *unscaled* logits, which is what the RL stage's importance ratios need.
// Test cases follow llama.cpp `tests/test-sampling.cpp` (hand-checkable 4-token distributions).
import Inference
import Tensors

/// Draws tokens for one sequence from its logits, reproducibly from its seed.
public struct TokenSampler: Sendable {
    public let temperature: Double
    public let topP: Double
    public let topK: Int
    private var rng: SplitMix64

    /// A sampler with `parameters`' temperature/top-p/top-k and its own generator seeded with `seed`.
    public init(parameters: SamplingParameters, seed: UInt64) {
        temperature = parameters.temperature; topP = parameters.topP; topK = parameters.topK
        rng = SplitMix64(seed: seed)
    }

    /// Picks the next token from `count` logits; returns it with its unscaled log-probability.
    public mutating func sample(_ logits: UnsafePointer<Float>, count: Int) -> (token: Int, logprob: Double) {
        let token = temperature <= 0 ? Self.argmax(logits, count: count) : draw(logits, count: count)
        let lse = Softmax.logSumExp(logits, count: count)
        return (token, Double(logits[token]) - lse)
    }

    /// Index of the largest logit (the first one on ties).
    public static func argmax(_ x: UnsafePointer<Float>, count: Int) -> Int {
        var best = 0
        for i in 1..<max(count, 1) where x[i] > x[best] { best = i }
        return best
    }

    /// The candidate set after top-k and top-p with its probabilities (renormalised), in the order a
    /// uniform draw walks them: highest probability first when filtered, token order otherwise.
    public func candidates(_ logits: UnsafePointer<Float>, count: Int) -> (ids: [Int], probabilities: [Double]) {
        let invT = Float(1 / temperature)
        if topK > 0 && topK < count {
            let ids = Self.topIndices(logits, count: count, k: topK)
            let m = logits[ids[0]]
            let weights = ids.map { Double(FastMath.exp((logits[$0] - m) * invT)) }
            return nucleus(ids: ids, weights: weights)
        }
        // Whole vocabulary: exponentiate into a scratch buffer (vectorised), then filter.
        var weights = [Float](repeating: 0, count: count)
        let total = weights.withUnsafeMutableBufferPointer { w -> Double in
            w.baseAddress!.update(from: logits, count: count)
            return FastMath.expInPlace(w.baseAddress!, count: count, shift: FastMath.maximum(logits, count: count), scale: invT)
        }
        if topP >= 1 { return (Array(0..<count), weights.map { Double($0) / total }) }
        // Tokens below `threshold` cannot be in the nucleus once the tokens above it hold mass ≥ top_p,
        // so only those are gathered and sorted; the threshold is lowered until that holds.
        var threshold = Float(total * 1e-3)
        var kept: [Int] = []
        while true {
            kept = weights.indices.filter { weights[$0] >= threshold }
            let mass = kept.reduce(0.0) { $0 + Double(weights[$1]) }
            if mass >= topP * total || threshold == 0 { break }
            threshold = threshold < Float(total * 1e-12) ? 0 : threshold / 16
        }
        kept.sort { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
        return nucleus(ids: kept, weights: kept.map { Double(weights[$0]) }, mass: total)
    }

    /// Cuts `ids` (sorted by decreasing weight) at the top-p mass of `mass` (default: their own sum)
    /// and renormalises.
    private func nucleus(ids: [Int], weights: [Double], mass: Double? = nil) -> (ids: [Int], probabilities: [Double]) {
        let all = mass ?? weights.reduce(0, +)
        var cut = ids.count
        if topP < 1 {
            var cumulative = 0.0
            for (n, w) in weights.enumerated() {
                cumulative += w
                if cumulative >= topP * all { cut = n + 1; break }
            }
        }
        let kept = weights.prefix(cut), z = kept.reduce(0, +)
        return (Array(ids.prefix(cut)), kept.map { $0 / z })
    }

    private mutating func draw(_ logits: UnsafePointer<Float>, count: Int) -> Int {
        let (ids, p) = candidates(logits, count: count)
        let u = rng.nextUnit()
        var cumulative = 0.0
        for (i, q) in zip(ids, p) {
            cumulative += q
            if u < cumulative { return i }
        }
        return ids.last ?? 0
    }

    /// The `k` largest logits' indices, largest first (lower id first on ties).
    static func topIndices(_ x: UnsafePointer<Float>, count: Int, k: Int) -> [Int] {
        if k > 256 {
            return Array((0..<count).sorted { x[$0] != x[$1] ? x[$0] > x[$1] : $0 < $1 }.prefix(k))
        }
        var best: [Int] = []
        best.reserveCapacity(k + 1)
        for i in 0..<count {
            if best.count == k, let last = best.last, x[i] <= x[last] { continue }
            var pos = best.count
            while pos > 0 && x[best[pos - 1]] < x[i] { pos -= 1 }
            best.insert(i, at: pos)
            if best.count > k { best.removeLast() }
        }
        return best
    }
}

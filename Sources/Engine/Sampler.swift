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
    /// uniform draw walks them: highest probability first when sorted, token order otherwise.
    public func candidates(_ logits: UnsafePointer<Float>, count: Int) -> (ids: [Int], probabilities: [Double]) {
        let invT = 1 / temperature
        var ids: [Int]
        if topK > 0 && topK < count {
            ids = Self.topIndices(logits, count: count, k: topK)
        } else {
            ids = Array(0..<count)
        }
        // Softmax of logits / T over the candidates.
        var m = -Float.infinity
        for i in ids where logits[i] > m { m = logits[i] }
        var p = ids.map { Double(FastMath.exp(Float(Double(logits[$0] - m) * invT))) }
        var total = p.reduce(0, +)
        if topP < 1 {
            // Tokens below `threshold` cannot be in the nucleus if the tokens above it already hold
            // mass ≥ top_p, so only those need sorting; lower the threshold until that holds.
            var threshold = total * 1e-3
            var kept: [Int] = []
            while true {
                kept = p.indices.filter { p[$0] >= threshold }
                let mass = kept.reduce(0.0) { $0 + p[$1] }
                if mass >= topP * total || threshold == 0 { break }
                threshold = threshold < total * 1e-12 ? 0 : threshold / 16
            }
            kept.sort { p[$0] != p[$1] ? p[$0] > p[$1] : ids[$0] < ids[$1] }
            var cumulative = 0.0, cut = kept.count
            for (n, j) in kept.enumerated() {
                cumulative += p[j]
                if cumulative >= topP * total { cut = n + 1; break }
            }
            let nucleus = Array(kept.prefix(cut))
            ids = nucleus.map { ids[$0] }
            p = nucleus.map { p[$0] }
            total = p.reduce(0, +)
        }
        return (ids, p.map { $0 / total })
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

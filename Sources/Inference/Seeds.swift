// Seeds and random numbers. Every random choice in r1audit takes an explicitly seeded
// generator (swift-argument-parser's Examples/roll/SplitMix64.swift shows the pattern).

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and good enough for sampling and bootstraps.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A uniform Double in [0, 1) from the top 53 bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

/// Derives the seed of one sample from everything that identifies it, so that k samples of a
/// question get k different seeds (never one fixed seed k times: that collapses pass@k, a known
/// lm-eval bug) and a resumed run re-derives exactly the seeds it would have used.
public enum SeedDerivation {
    /// 64-bit FNV-1a over the parts, joined by a unit separator, then mixed by SplitMix64.
    public static func seed(runSeed: UInt64, questionID: String, template: String,
                            temperature: Double, sampleIndex: Int) -> UInt64 {
        let key = "\(runSeed)\u{1F}\(questionID)\u{1F}\(template)\u{1F}\(temperature)\u{1F}\(sampleIndex)"
        var rng = SplitMix64(seed: fnv1a(key))
        return rng.next()
    }

    /// 64-bit FNV-1a of a string's UTF-8 bytes.
    public static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01B3 }
        return h
    }
}

// bf16 rounding (nearest, ties to even; NaN, infinities, overflow) scalar and 8-lane, and the emulated
// bf16 Linear products against their naive references (operands rounded, Double sums) and against fp32.
import Testing
import Foundation
import Inference
@testable import Tensors

private func randomFloats(_ n: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in Float(rng.nextUnit() * 2 - 1) }
}

private func maxDiff(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }

@Suite struct BFloat16Tests {
    /// (input, its bf16 value): exact values, halfway cases to even (down and up), just above half, signs,
    /// the largest finite bf16, overflow to infinity, infinities, the smallest normal and a subnormal.
    static let cases: [(Float, Float)] = [
        (1, 1), (-2.5, -2.5), (0, 0), (-0.0, -0.0),
        (1 + 0x1p-8, 1), (1 + 3 * 0x1p-8, 1 + 0x1p-6), (1 + 0x1p-8 + 0x1p-20, 1 + 0x1p-7),
        (-(1 + 0x1p-8 + 0x1p-20), -(1 + 0x1p-7)), (3.14159265, 3.140625),
        (Float(bitPattern: 0x7F7F_0000), Float(bitPattern: 0x7F7F_0000)), (Float.greatestFiniteMagnitude, .infinity),
        (.infinity, .infinity), (-.infinity, -.infinity), (Float.leastNormalMagnitude, Float.leastNormalMagnitude),
        (Float(bitPattern: 0x0000_8001), Float(bitPattern: 0x0001_0000)),
    ]

    @Test(arguments: cases)
    func roundsToNearestEven(_ c: (Float, Float)) {
        let (x, expected) = c
        #expect(BFloat16.round(x).bitPattern == expected.bitPattern, "\(x) → \(BFloat16.round(x)), expected \(expected)")
        #expect(BFloat16.decode(BFloat16.encode(x)).bitPattern == expected.bitPattern)
        // The 8-lane path (lanes 0–7) and the scalar tail (lane 8) agree with the scalar rounding.
        let xs = [Float](repeating: x, count: 9)
        var rounded = [Float](repeating: 0, count: 9), bits = [UInt16](repeating: 0, count: 9)
        BFloat16.round(xs, into: &rounded, count: 9)
        BFloat16.encode(xs, into: &bits, count: 9)
        #expect(rounded.allSatisfy { $0.bitPattern == expected.bitPattern })
        #expect(bits.allSatisfy { $0 == BFloat16.encode(x) })
    }

    @Test func nanStaysNaN() {
        for nan in [Float.nan, -Float.nan, Float(bitPattern: 0x7F80_0001), Float(bitPattern: 0x7FFF_FFFF)] {
            #expect(BFloat16.round(nan).isNaN)
            var out = [Float](repeating: 0, count: 8)
            BFloat16.round([Float](repeating: nan, count: 8), into: &out, count: 8)
            #expect(out.allSatisfy { $0.isNaN })
        }
    }

    @Test func laneRoundingMatchesScalarOnRandomValues() {
        let xs = randomFloats(10_003, seed: 1).enumerated().map { $1 * Float(1 << ($0 % 20)) }
        var rounded = [Float](repeating: 0, count: xs.count), bits = [UInt16](repeating: 0, count: xs.count)
        var decoded = rounded
        BFloat16.round(xs, into: &rounded, count: xs.count, threads: 2)
        BFloat16.encode(xs, into: &bits, count: xs.count, threads: 2)
        BFloat16.decode(bits, into: &decoded, count: xs.count)
        #expect(zip(xs, rounded).allSatisfy { BFloat16.round($0).bitPattern == $1.bitPattern })
        #expect(rounded == decoded)
        // RNE to 8 significant bits: at most half an ulp, 2⁻⁸ of the value.
        #expect(zip(xs, rounded).allSatisfy { abs($0 - $1) <= abs($0) * 0x1p-8 })
    }

    @Test(arguments: [(37, 300, 200), (200, 40, 96), (3, 5, 7)], [1, 2])
    func emulatedProductsMatchTheNaiveReference(_ s: (Int, Int, Int), threads: Int) {
        let (rows, inF, outF) = s
        let x = randomFloats(rows * inF, seed: 2), w = randomFloats(outF * inF, seed: 3), dy = randomFloats(rows * outF, seed: 4)
        var wBits = [UInt16](repeating: 0, count: w.count)
        BFloat16.encode(w, into: &wBits, count: w.count)
        var xr = x, dyr = dy
        BFloat16.round(x, into: &xr, count: x.count)
        BFloat16.round(dy, into: &dyr, count: dy.count)

        var y = randomFloats(rows * outF, seed: 5), yRef = y, yFP32 = y
        Gemm.linearForwardBF16(&y, xr, wBits, rows: rows, inFeatures: inF, outFeatures: outF, accumulate: true, threads: threads)
        Gemm.naiveLinearForwardBF16(&yRef, x, w, rows: rows, inFeatures: inF, outFeatures: outF, accumulate: true)
        Gemm.linearForward(&yFP32, x, w, rows: rows, inFeatures: inF, outFeatures: outF, accumulate: true)
        #expect(maxDiff(y, yRef) < 1e-4)
        // Rounding did happen: with ≥ 96 terms bf16 products differ from fp32 ones by about 2⁻⁹ · √in ≫ 1e-4.
        #expect(inF < 96 || maxDiff(y, yFP32) > 1e-3)

        var dx = randomFloats(rows * inF, seed: 6), dw = randomFloats(outF * inF, seed: 7), dxRef = dx, dwRef = dw
        Gemm.linearBackwardBF16(dx: &dx, dw: &dw, dy: dyr, x: xr, w: wBits, rows: rows, inFeatures: inF, outFeatures: outF,
                                threads: threads)
        Gemm.naiveLinearBackwardBF16(dx: &dxRef, dw: &dwRef, dy: dy, x: x, w: w, rows: rows, inFeatures: inF, outFeatures: outF)
        #expect(maxDiff(dx, dxRef) < 1e-4 && maxDiff(dw, dwRef) < 1e-4)
    }
}

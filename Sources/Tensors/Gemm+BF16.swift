// The Linear-layer products with bf16 operands and fp32 accumulation (mixed precision, as PyTorch's bf16
// autocast runs a Linear: inputs and weight in bf16, the dot products summed in fp32).
//
// Emulated: this machine's CPU has no bf16 dot-product instruction (AVX-512 BF16 `vdpbf16ps`), so the
// operands are bf16 *values* held in fp32: activations rounded by `BFloat16.round` by the caller, the weight
// stored as bf16 bits and expanded to fp32 panel by panel (exact: every bf16 is an fp32), then the fp32
// sgemm. The product of two bf16 values is exact in fp32 (8 + 8 significant bits), so the result equals a
// bf16 dot product with fp32 accumulation up to summation order; the speed is the fp32 sgemm's, not
// twice it. `naiveLinearForwardBF16` and friends are the references: they round both operands themselves
// and sum in Double.

extension Gemm {
    /// y (rows, out) = x · Wᵀ (+ y if `accumulate`): x (rows, in) holding bf16 values, W (out, in) bf16 bits.
    public static func linearForwardBF16(
        _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<UInt16>,
        rows: Int, inFeatures: Int, outFeatures: Int, accumulate: Bool = false, threads: Int = 1
    ) {
        multiplyTransposedByPanels(m: rows, n: outFeatures, k: inFeatures, a: x, lda: inFeatures, c: y, ldc: outFeatures,
                                   beta: accumulate ? 1 : 0, threads: threads) { n0, count, into in
            BFloat16.decode(w + n0 * inFeatures, into: into, count: count * inFeatures)
        }
    }

    /// dx (rows, in) += dy · W (skipped when nil) and dW (out, in) += dyᵀ · x, with dy (rows, out) and
    /// x (rows, in) holding bf16 values and W (out, in) bf16 bits; dW stays fp32 (the master gradient).
    public static func linearBackwardBF16(
        dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
        x: UnsafePointer<Float>, w: UnsafePointer<UInt16>, rows: Int, inFeatures: Int, outFeatures: Int, threads: Int = 1
    ) {
        guard rows > 0 else { return }
        if let dx {
            multiplyByPanels(m: rows, n: inFeatures, k: outFeatures, a: dy, lda: outFeatures, c: dx, ldc: inFeatures,
                             beta: 1, threads: threads) { k0, count, into in
                BFloat16.decode(w + k0 * inFeatures, into: into, count: count * inFeatures)
            }
        }
        product(transA: true, transB: false, m: outFeatures, n: inFeatures, k: rows, a: dy, lda: outFeatures,
                b: x, ldb: inFeatures, beta: 1, c: dw, ldc: inFeatures, threads: threads)
    }

    /// Reference for `linearForwardBF16` from fp32 x and W: both rounded to bf16 here, summed in Double.
    public static func naiveLinearForwardBF16(
        _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
        rows: Int, inFeatures: Int, outFeatures: Int, accumulate: Bool = false
    ) {
        for r in 0..<rows {
            for o in 0..<outFeatures {
                var acc = 0.0
                for i in 0..<inFeatures {
                    acc += Double(BFloat16.round(x[r * inFeatures + i])) * Double(BFloat16.round(w[o * inFeatures + i]))
                }
                y[r * outFeatures + o] = Float(acc) + (accumulate ? y[r * outFeatures + o] : 0)
            }
        }
    }

    /// Reference for `linearBackwardBF16` from fp32 dy, x and W: all rounded to bf16 here, summed in Double.
    public static func naiveLinearBackwardBF16(
        dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
        x: UnsafePointer<Float>, w: UnsafePointer<Float>, rows: Int, inFeatures: Int, outFeatures: Int
    ) {
        let r: (Float) -> Float = BFloat16.round
        if let dx {
            for n in 0..<rows {
                for i in 0..<inFeatures {
                    var acc = 0.0
                    for o in 0..<outFeatures { acc += Double(r(dy[n * outFeatures + o])) * Double(r(w[o * inFeatures + i])) }
                    dx[n * inFeatures + i] += Float(acc)
                }
            }
        }
        for o in 0..<outFeatures {
            for i in 0..<inFeatures {
                var acc = 0.0
                for n in 0..<rows { acc += Double(r(dy[n * outFeatures + o])) * Double(r(x[n * inFeatures + i])) }
                dw[o * inFeatures + i] += Float(acc)
            }
        }
    }
}

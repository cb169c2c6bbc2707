// The Linear products of one forward or backward pass of the learner, on `Tensors.Gemm` (the one sgemm
// wrapper), split over the workspace's threads. Weights are addressed by their offset in the flat
// parameter buffer. In bf16 the operands are rounded to bf16 on the way in (activations into the
// workspace's scratch, weights from the workspace's bf16 copy) and the products accumulate in fp32.

import Tensors

/// The Linear-layer products of a pass over `weights` (the flat fp32 parameters).
struct LinearProducts {
    let weights: UnsafePointer<Float>
    let threads: Int
    /// bf16 bits of every parameter at the same offsets (bf16 precision), else nil.
    let bf16: UnsafePointer<UInt16>?
    /// Two scratch buffers of `scratchCount` floats for rounded activations (bf16 only).
    let scratchA: UnsafeMutablePointer<Float>, scratchB: UnsafeMutablePointer<Float>
    let scratchCount: Int

    /// y (rows, out) = x (rows, in) · Wᵀ (+ y if `accumulate`), W at `weights + offset`.
    func forward(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ offset: Int,
                 rows: Int, inFeatures: Int, outFeatures: Int, accumulate: Bool = false) {
        guard let bf16 else {
            Gemm.linearForward(y, x, weights + offset, rows: rows, inFeatures: inFeatures, outFeatures: outFeatures,
                               accumulate: accumulate, threads: threads)
            return
        }
        let xr = rounded(x, count: rows * inFeatures, into: scratchA)
        Gemm.linearForwardBF16(y, xr, bf16 + offset, rows: rows, inFeatures: inFeatures, outFeatures: outFeatures,
                               accumulate: accumulate, threads: threads)
    }

    /// dx (rows, in) += dy · W; dW (out, in) += dyᵀ · x, W at `weights + offset`. With `dyIsDisposable`
    /// (the LM head's dlogits, read by nothing afterwards) bf16 rounds dy in place instead of into scratch.
    func backward(dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>, dy: UnsafeMutablePointer<Float>,
                  x: UnsafePointer<Float>, _ offset: Int, rows: Int, inFeatures: Int, outFeatures: Int,
                  dyIsDisposable: Bool = false) {
        guard let bf16 else {
            Gemm.linearBackward(dx: dx, dw: dw, dy: dy, x: x, w: weights + offset, rows: rows, inFeatures: inFeatures,
                                outFeatures: outFeatures, threads: threads)
            return
        }
        let dyr = rounded(dy, count: rows * outFeatures, into: dyIsDisposable ? dy : scratchA)
        let xr = rounded(x, count: rows * inFeatures, into: scratchB)
        Gemm.linearBackwardBF16(dx: dx, dw: dw, dy: dyr, x: xr, w: bf16 + offset, rows: rows, inFeatures: inFeatures,
                                outFeatures: outFeatures, threads: threads)
    }

    private func rounded(_ x: UnsafePointer<Float>, count: Int, into buffer: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        precondition(UnsafePointer(buffer) == x || count <= scratchCount, "bf16 scratch too small: \(count) > \(scratchCount)")
        BFloat16.round(x, into: buffer, count: count, threads: threads)
        return UnsafePointer(buffer)
    }
}

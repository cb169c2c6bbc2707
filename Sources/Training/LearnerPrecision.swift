// The learner's arithmetic: fp32 throughout, or mixed precision (bf16 weights and activations going into
// the Linear products, fp32 accumulation, fp32 master weights, gradients and AdamW state, as PyTorch's
// bf16 autocast). bf16 pays where the CPU has a bf16 dot-product instruction (AVX-512 BF16 `vdpbf16ps`,
// twice the fp32 FMA rate); elsewhere the products are an exact emulation on the fp32 sgemm
// (`Gemm.linearForwardBF16`), with the same numbers and no speed-up, so fp32 is the default there.

import Tensors

/// fp32, or bf16 operands with fp32 accumulation in the Linear products.
public enum LearnerPrecision: String, Sendable, Codable, Hashable, CaseIterable {
    /// fp32 everywhere.
    case fp32
    /// bf16 weights and activations into the Linear products (round to nearest even), fp32 accumulation,
    /// fp32 master weights and optimiser state. Attention products, norms and the softmax stay fp32.
    case bf16

    /// bf16 when the CPU flags show AVX-512 BF16 (`avx512_bf16`), else fp32.
    public static func automatic(cpuFlags: Set<String>) -> LearnerPrecision {
        cpuFlags.contains("avx512_bf16") ? .bf16 : .fp32
    }

    /// `automatic` for this machine's CPU (/proc/cpuinfo).
    public static var forThisCPU: LearnerPrecision { automatic(cpuFlags: OpenBLASCore.cpuFlags()) }

    /// Whether this CPU runs bf16 products natively; false means `bf16` is emulated on the fp32 sgemm.
    public static var nativeBF16: Bool { OpenBLASCore.cpuFlags().contains("avx512_bf16") }
}

extension LearnerPrecision {
    /// A parenthesised note for the CLI: how the precision was chosen and whether bf16 is emulated here.
    public static func describe(_ p: LearnerPrecision, chosen automatically: Bool) -> String {
        let native = nativeBF16
        var notes: [String] = []
        if automatically { notes.append(native ? "default: the CPU has avx512_bf16" : "default: the CPU lacks avx512_bf16") }
        if p == .bf16 && !native { notes.append("bf16 products emulated on the fp32 sgemm: same numbers, no speed-up") }
        return notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")"
    }
}

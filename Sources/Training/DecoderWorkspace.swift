// Activation memory for one batch shape, planned up front (llm.c `ActivationTensors` with
// `act_sizes`): every buffer the backward reads is allocated once and reused while the shape fits.

import Models
import Tensors

/// The activations of one transformer layer, each (rows, features) row-major.
struct LayerActivations {
    var rinv1, xn1, q, k, v, probs, attnOut, xMid, rinv2, xn2, gate, up, h: UnsafeMutablePointer<Float>
}

/// Buffers for a forward/backward over a packed batch. Not thread-safe: one per training task.
///
/// With `gradientCheckpointing`, only the residual stream between layers is kept: every layer's
/// activations share one set of buffers and the backward recomputes a layer's forward before its
/// backward (Chen et al. 2016), trading one extra forward of the layers for ~L× less activation memory.
public final class DecoderWorkspace {
    /// Recompute layer activations in backward instead of keeping them all.
    public let gradientCheckpointing: Bool
    /// Workers each Linear product is split over (`Gemm`; OpenBLAS itself stays single-threaded).
    public let threads: Int
    /// fp32, or bf16 operands into the Linear products (`LearnerPrecision`).
    public let precision: LearnerPrecision
    /// bf16: the parameters' bf16 bits, re-encoded from the fp32 master weights by every forward (so after
    /// each optimiser step; a backward uses the copy its forward made); two activation scratch buffers.
    private var bf16Weights = UnsafeMutableBufferPointer<UInt16>(start: nil, count: 0)
    private var bf16ScratchA, bf16ScratchB: UnsafeMutablePointer<Float>
    private var bf16ScratchCount = 0
    private(set) var rows = 0
    /// The longest sequence of the planned batch.
    private(set) var longest = 0
    private(set) var tokens: [Int] = []
    private(set) var positions: [Int] = []
    private(set) var segments: [Segment] = []
    /// Packed row of each scored token's predicting position, and the token it predicts.
    private(set) var targetRows: [Int] = []
    private(set) var targets: [Int] = []
    private(set) var rope = RotaryTable(inverseFrequencies: [], positions: 0)

    var residual: [UnsafeMutablePointer<Float>] = []
    var layer: [LayerActivations] = []
    var rinvF, xnF, xT, logits: UnsafeMutablePointer<Float>
    var dx, dxn, dq, dk, dv, dAttn, dh, dGate, dUp, dScores, dxT: UnsafeMutablePointer<Float>
    private var owned: [(UnsafeMutablePointer<Float>, Int)] = []
    private var capacity: (rows: Int, probs: Int, targets: Int, longest: Int) = (-1, -1, -1, -1)

    /// An empty workspace; buffers are allocated by the first forward.
    /// `threads` defaults to the machine's cores (at most 8).
    public init(gradientCheckpointing: Bool = false, threads: Int? = nil, precision: LearnerPrecision = .fp32) {
        self.gradientCheckpointing = gradientCheckpointing
        self.threads = max(1, threads ?? workerThreads)
        self.precision = precision
        let e = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        bf16ScratchA = e; bf16ScratchB = e
        rinvF = e; xnF = e; xT = e; logits = e
        dx = e; dxn = e; dq = e; dk = e; dv = e; dAttn = e; dh = e; dGate = e; dUp = e; dScores = e; dxT = e
        owned = [(e, 1)]
    }

    deinit {
        for (p, _) in owned { p.deallocate() }
        bf16Weights.deallocate()
    }

    /// The Linear products of a pass over the flat parameters `p`.
    func linearProducts(_ p: UnsafePointer<Float>) -> LinearProducts {
        LinearProducts(weights: p, threads: threads, bf16: precision == .bf16 ? UnsafePointer(bf16Weights.baseAddress) : nil,
                       scratchA: bf16ScratchA, scratchB: bf16ScratchB, scratchCount: bf16ScratchCount)
    }

    /// bf16: re-encodes the bf16 copy of `parameters` (round to nearest even); fp32: nothing.
    func refreshLowPrecisionWeights(_ parameters: UnsafeBufferPointer<Float>) {
        guard precision == .bf16 else { return }
        if bf16Weights.count != parameters.count {
            bf16Weights.deallocate()
            bf16Weights = .allocate(capacity: parameters.count)
        }
        BFloat16.encode(parameters.baseAddress!, into: bf16Weights.baseAddress!, count: parameters.count, threads: threads)
    }

    /// Floats currently allocated (for reporting activation memory; the bf16 weight copy counts as half a float each).
    public var allocatedFloats: Int { owned.reduce(0) { $0 + $1.1 } + bf16Weights.count / 2 }

    /// Lays out `batch` as packed rows and (re)allocates buffers if the shape grew.
    func plan(_ batch: [ScoredSequence], configuration cfg: DecoderConfiguration) throws {
        guard !batch.isEmpty else { throw TrainingError.invalidBatch("empty batch") }
        var toks: [Int] = [], pos: [Int] = [], segs: [Segment] = [], tRows: [Int] = [], tgt: [Int] = []
        var probTotal = 0, maxLength = 0
        for (i, s) in batch.enumerated() {
            guard s.scoredFrom >= 1, s.scoredFrom <= s.tokens.count else {
                throw TrainingError.invalidBatch("sequence \(i): scoredFrom \(s.scoredFrom) outside 1...\(s.tokens.count)")
            }
            guard s.tokens.count <= cfg.maxPositionEmbeddings else {
                throw TrainingError.invalidBatch("sequence \(i) has \(s.tokens.count) tokens, above max_position_embeddings \(cfg.maxPositionEmbeddings)")
            }
            if let bad = s.tokens.first(where: { $0 < 0 || $0 >= cfg.vocabSize }) {
                throw TrainingError.invalidBatch("sequence \(i): token id \(bad) outside the vocabulary (\(cfg.vocabSize))")
            }
            let off = toks.count, l = s.tokens.count
            segs.append(Segment(offset: off, length: l, probOffset: probTotal))
            probTotal += cfg.numAttentionHeads * l * l
            maxLength = max(maxLength, l)
            toks += s.tokens; pos += Array(0..<l)
            for t in s.scoredFrom..<l { tRows.append(off + t - 1); tgt.append(s.tokens[t]) }
        }
        longest = maxLength; tokens = toks; positions = pos; segments = segs; targetRows = tRows; targets = tgt; rows = toks.count
        let inv = try cfg.ropeFrequencies().inverseFrequencies
        if rope.inverseFrequencies != inv || rope.positions < maxLength {
            rope = RotaryTable(inverseFrequencies: inv, positions: max(maxLength, 1))
        }
        let need = (rows: rows, probs: probTotal, targets: max(tgt.count, 1), longest: maxLength)
        if need.rows <= capacity.rows && need.probs <= capacity.probs && need.targets <= capacity.targets
            && need.longest <= capacity.longest && layer.count == cfg.numHiddenLayers { return }
        allocate(need, cfg)
    }

    private func allocate(_ need: (rows: Int, probs: Int, targets: Int, longest: Int), _ cfg: DecoderConfiguration) {
        for (p, _) in owned { p.deallocate() }
        owned = []
        func buf(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            owned.append((p, max(count, 1)))
            return p
        }
        let n = need.rows, c = cfg.hiddenSize, qd = cfg.numAttentionHeads * cfg.headDim
        let kd = cfg.numKeyValueHeads * cfg.headDim, inter = cfg.intermediateSize
        residual = (0...cfg.numHiddenLayers).map { _ in buf(n * c) }                            // (N, C) each
        func activations() -> LayerActivations {
            LayerActivations(rinv1: buf(n), xn1: buf(n * c), q: buf(n * qd), k: buf(n * kd), v: buf(n * kd),
                             probs: buf(need.probs), attnOut: buf(n * qd), xMid: buf(n * c), rinv2: buf(n),
                             xn2: buf(n * c), gate: buf(n * inter), up: buf(n * inter), h: buf(n * inter))
        }
        if gradientCheckpointing {
            // One set of buffers for every layer: the backward recomputes layer l into it before using it.
            let shared = activations()
            layer = [LayerActivations](repeating: shared, count: cfg.numHiddenLayers)
        } else {
            layer = (0..<cfg.numHiddenLayers).map { _ in activations() }
        }
        rinvF = buf(n); xnF = buf(n * c); xT = buf(need.targets * c); logits = buf(need.targets * cfg.vocabSize)
        dx = buf(n * c); dxn = buf(n * c); dq = buf(n * qd); dk = buf(n * kd); dv = buf(n * kd); dAttn = buf(n * qd)
        dh = buf(n * inter); dGate = buf(n * inter); dUp = buf(n * inter)
        dScores = buf(workerThreads * need.longest * need.longest); dxT = buf(need.targets * c)
        // bf16: rounded copies of a Linear product's input (forward; dy in backward) and of x (backward).
        bf16ScratchCount = precision == .bf16 ? n * max(c, qd, kd, inter) : 0
        bf16ScratchA = buf(bf16ScratchCount); bf16ScratchB = buf(bf16ScratchCount)
        capacity = need
    }
}

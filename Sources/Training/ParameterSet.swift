// All trainable tensors of a decoder in one flat fp32 buffer, addressed by HF tensor name, so the
// optimiser and gradient clipping run over one array (as llm.c's `params_memory`) while loading and
// saving speak `[String: Tensor]` with HF names and PyTorch layout.

import Tensors

/// Where one named tensor lives in the flat buffer.
public struct ParameterSlot: Sendable, Hashable {
    /// The name.
    public var name: String
    /// The shape.
    public var shape: [Int]
    /// The offset.
    public var offset: Int
    /// The count.
    public var count: Int
}

/// A flat fp32 buffer with a named view per tensor (used for parameters, gradients and Adam moments).
public struct ParameterSet: Sendable {
    /// The tensors, in the configuration's order.
    public let slots: [ParameterSlot]
    /// All values, slot after slot.
    public var values: [Float]
    let index: [String: Int]

    /// A zero-filled set laid out as `layout`.
    public init(layout: [(name: String, shape: [Int])]) {
        var slots: [ParameterSlot] = [], offset = 0
        for (name, shape) in layout {
            let n = shape.reduce(1, *)
            slots.append(ParameterSlot(name: name, shape: shape, offset: offset, count: n))
            offset += n
        }
        self.slots = slots
        self.values = [Float](repeating: 0, count: offset)
        self.index = Dictionary(uniqueKeysWithValues: slots.enumerated().map { ($1.name, $0) })
    }

    /// A zero set with the same layout as `other`.
    public init(zerosLike other: ParameterSet) {
        slots = other.slots; index = other.index
        values = [Float](repeating: 0, count: other.values.count)
    }

    /// Copies `tensors` (HF names, PyTorch shapes) into the layout; every slot must be present.
    public init(layout: [(name: String, shape: [Int])], tensors: [String: Tensor]) throws {
        self.init(layout: layout)
        for slot in slots {
            guard let t = tensors[slot.name] else { throw TrainingError.missingTensor(slot.name) }
            guard t.shape == slot.shape || t.count == slot.count && t.shape.filter({ $0 != 1 }) == slot.shape.filter({ $0 != 1 }) else {
                throw TrainingError.shapeMismatch(tensor: slot.name, expected: slot.shape, got: t.shape)
            }
            values.replaceSubrange(slot.offset..<(slot.offset + slot.count), with: t.storage)
        }
    }

    /// The slot of a tensor name, if present.
    public func slot(_ name: String) -> ParameterSlot? { index[name].map { slots[$0] } }

    /// The offset of a tensor that the layout guarantees exists.
    func offset(_ name: String) -> Int { index[name].map { slots[$0].offset } ?? -1 }

    /// The named tensors (copies), for saving.
    public func tensors() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for s in slots {
            var t = Tensor(zeros: s.shape)
            t.storage = Array(values[s.offset..<(s.offset + s.count)])
            out[s.name] = t
        }
        return out
    }

    /// Sets every value to zero.
    public mutating func zero() {
        values.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            base.update(repeating: 0, count: p.count)
        }
    }
}

// One sequence's key/value cache in fp16 (`KVElement`, as llama.cpp's default cache type): for every
// layer and KV head, values laid out (capacity, headDim) and keys transposed, (headDim, capacity), so
// that attention reads each head's history contiguously and decode scores 8 positions per SIMD
// lane-wise FMA (llama.cpp keeps one buffer per layer; here each sequence owns its buffer so sequences
// join and leave a batch freely).
import Tensors

/// The keys and values of one sequence, all layers, growing on demand.
public final class SequenceCache: @unchecked Sendable {
    // Unchecked Sendable: a cache is used by one generation loop at a time; within a forward pass
    // parallel workers touch disjoint (sequence, head) ranges.
    /// Positions already stored.
    public private(set) var count = 0
    /// Positions that fit without reallocating.
    public private(set) var capacity: Int
    let layers: Int, kvHeads: Int, headDim: Int
    private(set) var buffer: UnsafeMutablePointer<KVElement>

    /// An empty cache for a model of `layers` layers with room for `capacity` positions.
    public init(layers: Int, kvHeads: Int, headDim: Int, capacity: Int) {
        self.layers = layers; self.kvHeads = kvHeads; self.headDim = headDim
        self.capacity = max(1, capacity)
        buffer = .allocate(capacity: layers * 2 * kvHeads * self.capacity * headDim)
    }

    deinit { buffer.deallocate() }

    /// Bytes held.
    public var byteCount: Int { layers * 2 * kvHeads * capacity * headDim * MemoryLayout<KVElement>.stride }

    /// Grows (by at least doubling) so that `positions` positions fit, keeping the stored ones.
    public func reserve(_ positions: Int) {
        guard positions > capacity else { return }
        let newCapacity = max(positions, capacity * 2)
        let fresh = UnsafeMutablePointer<KVElement>.allocate(capacity: layers * 2 * kvHeads * newCapacity * headDim)
        for plane in 0..<(layers * 2 * kvHeads) {
            let old = buffer + plane * capacity * headDim, new = fresh + plane * newCapacity * headDim
            if (plane / kvHeads) % 2 == 0 {
                // Keys: headDim rows of `capacity` positions each.
                for i in 0..<headDim { (new + i * newCapacity).update(from: old + i * capacity, count: count) }
            } else {
                new.update(from: old, count: count * headDim)
            }
        }
        buffer.deallocate()
        buffer = fresh
        capacity = newCapacity
    }

    /// Forgets the last positions so that `count` become `newCount` (≤ count).
    public func truncate(to newCount: Int) { count = max(0, min(count, newCount)) }

    /// Start of the keys (`value == false`: `headDim × capacity`, transposed) or values (`capacity ×
    /// headDim`) of `head` in `layer`.
    func plane(layer: Int, value: Bool, head: Int) -> UnsafeMutablePointer<KVElement> {
        buffer + ((layer * 2 + (value ? 1 : 0)) * kvHeads + head) * capacity * headDim
    }

    /// Stores one position's key and value (`headDim` floats each) of `head` in `layer`.
    func store(layer: Int, head: Int, position: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>) {
        let k = plane(layer: layer, value: false, head: head) + position
        for i in 0..<headDim { k[i * capacity] = KVElement(key[i]) }
        let v = plane(layer: layer, value: true, head: head) + position * headDim
        for i in 0..<headDim { v[i] = KVElement(value[i]) }
    }

    /// Marks `n` more positions as stored (after a forward pass wrote them).
    func advance(by n: Int) { count += n }
}

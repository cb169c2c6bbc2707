// One sequence's key/value cache: for every layer, keys and values laid out (kvHeads, capacity, headDim)
// so that attention reads each head's history contiguously (llama.cpp keeps one such buffer per layer;
// here each sequence owns its buffer so sequences join and leave a batch freely).

/// The keys and values of one sequence, all layers, growing on demand.
public final class SequenceCache: @unchecked Sendable {
    // Unchecked Sendable: a cache is used by one generation loop at a time; within a forward pass
    // parallel workers touch disjoint (sequence, head) ranges.
    /// Positions already stored.
    public private(set) var count = 0
    /// Positions that fit without reallocating.
    public private(set) var capacity: Int
    let layers: Int, kvHeads: Int, headDim: Int
    private(set) var buffer: UnsafeMutablePointer<Float>

    /// An empty cache for a model of `layers` layers with room for `capacity` positions.
    public init(layers: Int, kvHeads: Int, headDim: Int, capacity: Int) {
        self.layers = layers; self.kvHeads = kvHeads; self.headDim = headDim
        self.capacity = max(1, capacity)
        buffer = .allocate(capacity: layers * 2 * kvHeads * self.capacity * headDim)
    }

    deinit { buffer.deallocate() }

    /// Bytes held.
    public var byteCount: Int { layers * 2 * kvHeads * capacity * headDim * MemoryLayout<Float>.stride }

    /// Grows (by at least doubling) so that `positions` positions fit, keeping the stored ones.
    public func reserve(_ positions: Int) {
        guard positions > capacity else { return }
        let newCapacity = max(positions, capacity * 2)
        let fresh = UnsafeMutablePointer<Float>.allocate(capacity: layers * 2 * kvHeads * newCapacity * headDim)
        for plane in 0..<(layers * 2 * kvHeads) {
            (fresh + plane * newCapacity * headDim).update(from: buffer + plane * capacity * headDim,
                                                           count: count * headDim)
        }
        buffer.deallocate()
        buffer = fresh
        capacity = newCapacity
    }

    /// Forgets the last positions so that `count` become `newCount` (≤ count).
    public func truncate(to newCount: Int) { count = max(0, min(count, newCount)) }

    /// Start of the keys (`value == false`) or values of `head` in `layer`: `capacity × headDim` floats.
    func plane(layer: Int, value: Bool, head: Int) -> UnsafeMutablePointer<Float> {
        buffer + ((layer * 2 + (value ? 1 : 0)) * kvHeads + head) * capacity * headDim
    }

    /// Marks `n` more positions as stored (after a forward pass wrote them).
    func advance(by n: Int) { count += n }
}

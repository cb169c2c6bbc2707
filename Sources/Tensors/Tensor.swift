// A dense fp32 tensor in row-major order (PyTorch's layout: a Linear weight is (out, in)).
// Quantised weights stay in Checkpoints' block formats; this is what kernels and training use.

/// Errors of the Tensors module.
public enum TensorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `shape` does not match the element count.
    case shapeMismatch(name: String, expected: [Int], got: [Int])
    /// An argument outside what the operation accepts; the message names it and its value.
    case invalidArgument(String)
    public var description: String {
        switch self {
        case let .shapeMismatch(name, expected, got):
            return "tensor \(name): expected shape \(expected), got \(got)"
        case let .invalidArgument(message):
            return message
        }
    }
}

/// A dense fp32 tensor, row-major.
public struct Tensor: Sendable, Equatable {
    /// Dimensions, outermost first, e.g. (rows, cols) = (out_features, in_features).
    public var shape: [Int]
    /// `shape.reduce(1, *)` elements, row-major.
    public var storage: [Float]

    /// A tensor over existing values; `storage.count` must equal the product of `shape`.
    public init(shape: [Int], storage: [Float]) throws {
        guard shape.reduce(1, *) == storage.count else {
            throw TensorError.shapeMismatch(name: "storage", expected: shape, got: [storage.count])
        }
        self.shape = shape; self.storage = storage
    }

    /// A zero-filled tensor.
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.storage = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// Number of elements.
    public var count: Int { storage.count }
}

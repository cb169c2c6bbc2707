// Tensors' one error enum (`TensorError`, declared beside `Tensor`) made a LocalizedError, so the
// CLI shows its message; follows mlx-swift-lm's `KVCacheConfigurationError`.
import Foundation

extension TensorError: LocalizedError {
    /// The same text as `description`: which tensor, what shape was expected and what arrived.
    public var errorDescription: String? { description }
}

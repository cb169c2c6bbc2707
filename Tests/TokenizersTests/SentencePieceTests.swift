// Unit tests of the SentencePiece tokenizer (llama.cpp llm_tokenizer_spm semantics) on a hand-made vocabulary.
import Foundation
import Testing
@testable import Tokenizers

@Suite("SentencePiece")
struct SentencePieceTests {
    /// <unk> <s> </s> <0x41>(A) ▁ a b c ab bc ▁ab ca <start_of_turn> <end_of_turn>
    static func tiny(spacePrefix: Bool = false) throws -> SentencePieceTokenizer {
        let tokens = ["<unk>", "<s>", "</s>", "<0x41>", "▁", "a", "b", "c", "ab", "bc", "▁ab", "ca", "<start_of_turn>", "<end_of_turn>"]
        let kinds: [TokenKind] = [.unknown, .control, .control, .byte, .normal, .normal, .normal, .normal, .normal, .normal,
                                  .normal, .normal, .control, .control]
        // "bc" outscores "ab", so "abc" merges b+c first; "abc" is not a token, so it stays a, bc.
        let scores: [Float] = [0, 0, 0, 0, -1, -2, -2, -2, -5, -3, -4, -6, 0, 0]
        return try SentencePieceTokenizer(tokens: tokens, kinds: kinds, scores: scores, bosTokenID: 1, eosTokenIDs: [2],
                                          addsBOS: true, addsSpacePrefix: spacePrefix)
    }

    @Test func mergesTheHighestScoringPairFirst() throws {
        let t = try Self.tiny()
        #expect(t.encode("abc", addSpecialTokens: false) == [5, 9])      // a + bc (bc scores higher than ab)
        #expect(t.encode("ab", addSpecialTokens: false) == [8])
        #expect(t.encode(" ab", addSpecialTokens: false) == [10])        // ' ' is escaped to ▁, then ▁ab
        #expect(t.encode("ab", addSpecialTokens: true) == [1, 8])
    }

    @Test func unknownCharactersFallBackToByteTokens() throws {
        let t = try Self.tiny()
        #expect(t.encode("A", addSpecialTokens: false) == [3])           // <0x41>
        #expect(t.encode("Z", addSpecialTokens: false).isEmpty)          // no byte token for Z: dropped, as llama.cpp
        #expect(t.decode([3, 10, 7]) == "A abc")
    }

    @Test func specialTokensAndSpacePrefix() throws {
        let t = try Self.tiny(spacePrefix: true)
        // A space is prefixed at the start and after each special token.
        #expect(t.encode("ab<end_of_turn>ab", addSpecialTokens: false) == [10, 13, 10])
        #expect(t.eosTokenIDs.contains(13))
        let p = t.applyChatTemplate([(role: "system", content: "S"), (role: "user", content: "hi"), (role: "assistant", content: "yo")],
                                    addGenerationPrompt: false)
        #expect(p == "<start_of_turn>user\nS\n\nhi<end_of_turn>\n<start_of_turn>model\nyo<end_of_turn>\n")
    }
}

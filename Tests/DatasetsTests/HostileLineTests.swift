// Hostile JSONL lines: a NUL byte is named as such, and untrusted keys and ids reach messages escaped
// and bounded (issue 22).
import Foundation
import Testing
@testable import Datasets

@Suite struct HostileLineTests {
    @Test func nulByteIsNamedWithItsColumn() throws {
        var data = Data(#"{"problem": "1+1?", "answer": "2"}"#.utf8) + Data([0x0A])
        data += Data(#"{"problem": "x"#.utf8) + Data([0]) + Data(#"", "answer": "3"}"#.utf8)
        let url = try tempFile(data)
        #expect(throws: DatasetError.malformedLine(path: url.path, line: 2,
                                                   reason: "NUL byte at column 15; the file is binary or corrupt")) {
            try QuestionSet.load(url: url)
        }
        #expect(try QuestionSet.load(url: url, skipBadLines: true).skippedLines == 1)
    }

    @Test func hostileKeysAreEscapedAndBounded() throws {
        let key = "\u{1B}]0;pwned\u{07}\n" + String(repeating: "k", count: 5_000)
        let url = try tempFile(#"{"problem": "p", "\#(key.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\u{1B}", with: "\\u001b").replacingOccurrences(of: "\u{07}", with: "\\u0007"))": 1}"#)
        let error = try #require(throws: DatasetError.self) { try QuestionSet.load(url: url) }
        let message = error.localizedDescription
        #expect(!message.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(message.contains("\\u{1B}]0;pwned\\u{7}\\n") && message.count < 700)
    }

    @Test func quotedEscapesAndCuts() {
        #expect(quoted("a\u{202E}b") == "a\\u{202E}b")
        #expect(quoted(String(repeating: "z", count: 81)) == String(repeating: "z", count: 80) + "…")
    }
}

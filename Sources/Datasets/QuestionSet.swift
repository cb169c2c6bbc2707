// Loading questions from JSONL: default keys problem/answer as in ../shared/datasets/*.jsonl,
// an `answers` list for several golds, GSM8K's "... #### 18" answers, stable ids, reproducible
// subsets (--limit, --sample with --seed), and errors that name the file and line.
import Foundation

/// An ordered set of questions read from one source.
public struct QuestionSet: Sendable, Hashable {
    /// Where the questions came from: a file path, or `builtin`.
    public var source: String
    /// The questions, in order.
    public var questions: [Question]
    /// Lines skipped as bad (only with `skipBadLines`).
    public var skippedLines: Int

    public init(source: String, questions: [Question], skippedLines: Int = 0) {
        self.source = source; self.questions = questions; self.skippedLines = skippedLines
    }

    /// Reads a JSONL file of questions.
    /// - Parameters:
    ///   - inputKey: the field holding the problem text.
    ///   - answerKey: the field holding the gold answer; an `answers` list, when present, adds golds.
    ///   - limit: keep only the first `limit` questions (applied before `sample`).
    ///   - sample: keep a seeded random subset of this size (in file order).
    ///   - seed: the seed of that subset.
    ///   - skipBadLines: skip and count malformed lines instead of failing on the first.
    public static func load(url: URL, inputKey: String = "problem", answerKey: String = "answer",
                            limit: Int? = nil, sample: Int? = nil, seed: UInt64 = 0,
                            skipBadLines: Bool = false) throws -> QuestionSet {
        let path = url.path
        if let limit, limit < 1 { throw DatasetError.invalidCount(name: "--limit", value: limit) }
        if let sample, sample < 1 { throw DatasetError.invalidCount(name: "--sample", value: sample) }
        guard FileManager.default.fileExists(atPath: path) else { throw DatasetError.fileNotFound(path: path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DatasetError.unreadable(path: path, reason: error.localizedDescription)
        }
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw DatasetError.emptyFile(path: path)
        }
        var questions: [Question] = []
        var firstLineOfID: [String: Int] = [:]
        var skipped = 0
        let decoder = JSONDecoder()
        for (offset, raw) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw DatasetError.notUTF8(path: path, line: lineNumber)
            }
            if text.allSatisfy(\.isWhitespace) { continue }
            if let nul = raw.firstIndex(of: 0) {
                let error = DatasetError.malformedLine(path: path, line: lineNumber,
                                                       reason: "NUL byte at column \(nul - raw.startIndex + 1); the file is binary or corrupt")
                guard skipBadLines else { throw error }
                skipped += 1
                continue
            }
            do {
                let q = try parse(line: raw, decoder: decoder, path: path, lineNumber: lineNumber,
                                  inputKey: inputKey, answerKey: answerKey)
                if let first = firstLineOfID[q.id] {
                    throw DatasetError.duplicateID(path: path, line: lineNumber, id: q.id, firstLine: first)
                }
                firstLineOfID[q.id] = lineNumber
                questions.append(q)
            } catch let error as DatasetError {
                if case .duplicateID = error { throw error }
                guard skipBadLines else { throw error }
                skipped += 1
            }
        }
        if questions.isEmpty { throw DatasetError.noQuestions(path: path, skipped: skipped) }
        var set = QuestionSet(source: path, questions: questions, skippedLines: skipped)
        if let limit { set.questions = Array(set.questions.prefix(limit)) }
        if let sample { set.questions = seededSubset(set.questions, count: sample, seed: seed) }
        return set
    }

    /// One line → one question, or a `DatasetError` naming the line.
    static func parse(line: Data.SubSequence, decoder: JSONDecoder, path: String, lineNumber: Int,
                      inputKey: String, answerKey: String) throws -> Question {
        let object: [String: JSONValue]
        do { object = try decoder.decode([String: JSONValue].self, from: Data(line)) } catch {
            throw DatasetError.malformedLine(path: path, line: lineNumber, reason: describe(error))
        }
        let keys = object.keys.sorted()
        guard let problemValue = object[inputKey] else {
            throw DatasetError.missingKey(path: path, line: lineNumber, key: inputKey, available: keys)
        }
        guard let problem = problemValue.scalarText, !problem.isEmpty else {
            throw DatasetError.badValue(path: path, line: lineNumber, key: inputKey, reason: "is not a non-empty string")
        }
        var golds: [String] = []
        if let answer = object[answerKey] {
            if let text = answer.scalarText { golds.append(gsm8kFinalAnswer(text)) }
            else if case .array(let items) = answer { golds += items.compactMap(\.scalarText).map(gsm8kFinalAnswer) }
        }
        if answerKey != "answers", case .array(let items)? = object["answers"] {
            golds += items.compactMap(\.scalarText).map(gsm8kFinalAnswer)
        }
        var seen = Set<String>()
        golds = golds.filter { !$0.isEmpty && seen.insert($0).inserted }
        if golds.isEmpty {
            if object[answerKey] == nil {
                throw DatasetError.missingKey(path: path, line: lineNumber, key: answerKey, available: keys)
            }
            throw DatasetError.badValue(path: path, line: lineNumber, key: answerKey, reason: "holds no usable answer")
        }
        let id = object["id"]?.scalarText.flatMap { $0.isEmpty ? nil : $0 } ?? Question.stableID(forText: problem)
        return Question(id: id, problem: problem, golds: golds)
    }

    /// GSM8K's reference solutions end with "#### 18": the gold is what follows the last "####",
    /// with thousands separators removed ("#### 1,000" → "1000"). Other answers pass unchanged.
    public static func gsm8kFinalAnswer(_ answer: String) -> String {
        guard let range = answer.range(of: "####", options: .backwards) else {
            return answer.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let tail = answer[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        return tail.replacingOccurrences(of: ",", with: "")
    }

    /// A seeded subset of `count` questions, kept in their original order.
    static func seededSubset(_ items: [Question], count: Int, seed: UInt64) -> [Question] {
        guard count < items.count else { return items }
        var rng = DatasetRandom(seed: seed)
        var indices = Array(items.indices)
        // Partial Fisher–Yates: the first `count` slots become a uniform random subset.
        for i in 0..<count {
            let j = i + Int(rng.next() % UInt64(indices.count - i))
            indices.swapAt(i, j)
        }
        return indices.prefix(count).sorted().map { items[$0] }
    }

    private static func describe(_ error: any Error) -> String {
        if let e = error as? DecodingError {
            switch e {
            case .typeMismatch: return "the line is JSON but not an object"
            case .dataCorrupted(let ctx): return ctx.underlyingError.map { "\($0.localizedDescription)" } ?? ctx.debugDescription
            default: return "\(e)"
            }
        }
        return error.localizedDescription
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014), the same generator as `Inference.SplitMix64`, repeated
/// here because Datasets depends on nothing of ours.
struct DatasetRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

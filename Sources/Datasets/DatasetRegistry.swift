// Resolving `--dataset FILE|builtin|NAME`: a path, the built-in set, or a suite name looked up in the
// datasets folder ($R1AUDIT_DATASETS, else ../shared/datasets relative to the working directory).
// The suite is the paper's five benchmarks (AIME24, AMC23, MATH500, Minerva Math, OlympiadBench).
import Foundation

/// Where datasets live and which names resolve to which files.
public struct DatasetRegistry: Sendable, Hashable {
    /// The paper's benchmark suite, in the order its tables use.
    public static let benchmarkNames = ["aime24", "amc23", "math500", "minerva", "olympiadbench"]
    /// The name that selects `QuestionSet.builtin`.
    public static let builtinName = "builtin"

    /// The folder holding `NAME.jsonl` files.
    public var directory: URL

    public init(directory: URL) { self.directory = directory }

    /// `$R1AUDIT_DATASETS` if set, else `../shared/datasets` relative to `workingDirectory`.
    public static func `default`(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        -> DatasetRegistry {
        if let dir = environment["R1AUDIT_DATASETS"], !dir.isEmpty {
            return DatasetRegistry(directory: URL(fileURLWithPath: dir, relativeTo: workingDirectory).standardizedFileURL)
        }
        return DatasetRegistry(directory: workingDirectory.appendingPathComponent("../shared/datasets").standardizedFileURL)
    }

    /// The names (file stems) of the `.jsonl` files present in the folder, sorted.
    public func availableNames() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".jsonl") }.map { String($0.dropLast(6)) }.sorted()
    }

    /// The file of a named dataset, if present.
    public func url(forName name: String) -> URL? {
        let url = directory.appendingPathComponent(name + ".jsonl")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Loads `spec`: `builtin` (`limit` sets how many are generated, default `QuestionSet.builtinDefaultCount`;
    /// `sample` picks among them), an existing file path, or a name in the folder.
    public func load(_ spec: String, inputKey: String = "problem", answerKey: String = "answer",
                     limit: Int? = nil, sample: Int? = nil, seed: UInt64 = 0,
                     skipBadLines: Bool = false) throws -> QuestionSet {
        if spec == Self.builtinName {
            if let limit, limit < 1 { throw DatasetError.invalidCount(name: "--limit", value: limit) }
            if let sample, sample < 1 { throw DatasetError.invalidCount(name: "--sample", value: sample) }
            var set = QuestionSet.builtin(count: limit ?? QuestionSet.builtinDefaultCount)
            if let sample { set.questions = QuestionSet.seededSubset(set.questions, count: sample, seed: seed) }
            return set
        }
        let asFile = URL(fileURLWithPath: spec)
        let looksLikePath = spec.contains("/") || spec.hasSuffix(".jsonl") || spec.hasSuffix(".json")
        if looksLikePath || FileManager.default.fileExists(atPath: asFile.path) {
            return try QuestionSet.load(url: asFile, inputKey: inputKey, answerKey: answerKey, limit: limit,
                                        sample: sample, seed: seed, skipBadLines: skipBadLines)
        }
        guard let url = url(forName: spec) else {
            throw DatasetError.unknownDataset(name: spec, searched: directory.path, known: [Self.builtinName] + availableNames())
        }
        return try QuestionSet.load(url: url, inputKey: inputKey, answerKey: answerKey, limit: limit,
                                    sample: sample, seed: seed, skipBadLines: skipBadLines)
    }
}

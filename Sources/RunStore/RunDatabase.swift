// One SQLite database per run (runs/NAME/run.sqlite) through GRDB's DatabasePool: WAL journal, every
// write in a transaction, so SIGKILL at any moment loses at most the write in progress. The schema
// version is checked on open; another version, a foreign SQLite file or a corrupt file is refused
// and never modified (it is first opened read-only to check). Schema: docs/RUNSTORE.md.
import Foundation
import GRDB

/// A run's store. Safe to share between concurrent tasks: GRDB's `DatabasePool` serialises writes
/// and lets reads run in parallel.
public final class RunDatabase: Sendable {
    /// The schema version this build reads and writes.
    public static let schemaVersion = 1
    /// SQLite `application_id` of r1audit run stores ("R1AU").
    public static let applicationID: Int32 = 0x5231_4155
    /// The file name inside a run folder.
    public static let fileName = "run.sqlite"

    /// The database file.
    public let path: String
    let pool: DatabasePool

    /// Opens (or, with `create`, creates) the store at `url`.
    /// - Throws: `RunStoreError.corrupt`, `.foreignDatabase`, `.versionMismatch` (file left untouched),
    ///   `.missing` when the file does not exist and `create` is false.
    public init(url: URL, create: Bool = true) throws {
        let path = url.path
        self.path = path
        let fm = FileManager.default
        let exists = fm.fileExists(atPath: path)
        let size = (try? fm.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        if !exists && !create { throw RunStoreError.missing(path: path) }
        // A file with no tables yet (a run killed while creating its store) is set up afresh.
        var isNew = !exists || size == 0
        if !isNew { isNew = try Self.checkExisting(path: path) == .emptyDatabase }
        if !exists {
            do { try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true) } catch {
                throw RunStoreError.database(path: path, operation: "creating the run folder", message: error.localizedDescription)
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(30)
        do { pool = try DatabasePool(path: path, configuration: config) } catch {
            throw RunStoreError.corrupt(path: path, reason: Self.describe(error))
        }
        if isNew {
            try write("creating the schema") { db in try Self.createSchema(db) }
        }
        try migrateQuestionHashes()
    }

    /// Opens the store of run `name` under `runsDirectory` (`runs/NAME/run.sqlite`).
    public convenience init(runsDirectory: URL, name: String, create: Bool = true) throws {
        try self.init(url: runsDirectory.appendingPathComponent(name).appendingPathComponent(Self.fileName), create: create)
    }

    // MARK: Opening checks

    /// What the read-only check of an existing file found.
    enum ExistingState: Equatable { case emptyDatabase, runStore }

    /// Checks an existing file without writing to it: SQLite header, application id, schema version.
    static func checkExisting(path: String) throws -> ExistingState {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RunStoreError.corrupt(path: path, reason: "the file cannot be opened for reading")
        }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        guard header == Data("SQLite format 3\u{0}".utf8) else {
            throw RunStoreError.corrupt(path: path, reason: "no SQLite header")
        }
        var config = Configuration()
        config.readonly = true
        let (tables, appID, version): (Int, Int32, Int)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            (tables, appID, version) = try queue.read { db in
                let t = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                let a = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let v = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                return (t, a, v)
            }
            try queue.close()
        } catch {
            throw RunStoreError.corrupt(path: path, reason: describe(error))
        }
        if tables == 0 && appID == 0 && version == 0 { return .emptyDatabase }
        guard appID == applicationID else { throw RunStoreError.foreignDatabase(path: path, applicationID: appID) }
        guard version == schemaVersion else {
            throw RunStoreError.versionMismatch(path: path, found: version, expected: schemaVersion)
        }
        return .runStore
    }

    static func createSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE config (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
            CREATE TABLE questions (id TEXT PRIMARY KEY NOT NULL, problem TEXT NOT NULL,
                golds TEXT NOT NULL, source TEXT NOT NULL);
            CREATE TABLE prompts (template TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL,
                stop TEXT NOT NULL, extraction TEXT NOT NULL);
            CREATE TABLE samples (id INTEGER PRIMARY KEY AUTOINCREMENT,
                question_id TEXT NOT NULL, template TEXT NOT NULL, temperature REAL NOT NULL,
                top_p REAL NOT NULL, sample_index INTEGER NOT NULL, seed INTEGER NOT NULL,
                prompt TEXT NOT NULL, response TEXT NOT NULL, prompt_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL, finish_reason TEXT NOT NULL, latency REAL NOT NULL,
                model TEXT NOT NULL, created REAL NOT NULL,
                UNIQUE (question_id, template, temperature, sample_index));
            CREATE INDEX samples_by_template ON samples (template, temperature);
            CREATE TABLE verdicts (sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                grader TEXT NOT NULL, extracted TEXT, status TEXT NOT NULL,
                PRIMARY KEY (sample_id, grader));
            CREATE INDEX verdicts_by_grader ON verdicts (grader);
            CREATE TABLE judgments (key TEXT PRIMARY KEY NOT NULL, judge_model TEXT NOT NULL,
                prompt TEXT NOT NULL, reply TEXT NOT NULL, value REAL, kind TEXT NOT NULL, created REAL NOT NULL);
            CREATE TABLE metrics (name TEXT NOT NULL, step INTEGER NOT NULL, value REAL NOT NULL,
                payload TEXT, created REAL NOT NULL, PRIMARY KEY (name, step));
            """)
        try db.execute(sql: "PRAGMA application_id = \(applicationID)")
        try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
    }

    // MARK: Access helpers

    /// Runs `body` in one write transaction; errors become `RunStoreError.database`.
    func write<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) throws -> T {
        do { return try pool.write(body) } catch let e as RunStoreError { throw e } catch {
            throw RunStoreError.database(path: path, operation: operation, message: Self.describe(error))
        }
    }

    /// Runs `body` in one read transaction; errors become `RunStoreError.database`.
    func read<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch let e as RunStoreError { throw e } catch {
            throw RunStoreError.database(path: path, operation: operation, message: Self.describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return error.localizedDescription
    }

    static func encodeJSON<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding [String] or a Codable config value cannot fail; fall back to an empty list regardless.
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "[]"
    }

    func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String, table: String, key: String) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            throw RunStoreError.badStoredValue(path: path, table: table, key: key, reason: error.localizedDescription)
        }
    }
}

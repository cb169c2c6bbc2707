// One SQLite database per run (runs/NAME/run.sqlite) through GRDB's DatabasePool: WAL journal, every
// write in a transaction, so SIGKILL at any moment loses at most the write in progress. The schema
// version is checked on open; another version, a foreign SQLite file or a corrupt file is refused
// and never modified (it is first opened read-only to check). A store of an older schema version is
// brought up to date by GRDB migrations (RunDatabase+Migrations.swift). Schema: docs/RUNSTORE.md.
import Foundation
import GRDB

/// A run's store. Safe to share between concurrent tasks: GRDB's `DatabasePool` serialises writes
/// and lets reads run in parallel.
public final class RunDatabase: Sendable {
    /// The schema version this build reads and writes.
    public static let schemaVersion = 2
    /// The oldest schema version this build migrates from.
    public static let oldestMigratableVersion = 1
    /// SQLite `application_id` of r1audit run stores ("R1AU").
    public static let applicationID: Int32 = 0x5231_4155
    /// The file name inside a run folder.
    public static let fileName = "run.sqlite"

    /// The database file.
    public let path: String
    /// A `DatabasePool` (WAL, concurrent reads) for read-write opens; a read-only `DatabaseQueue` for
    /// read-only ones, which can never write to the file.
    let pool: any DatabaseWriter
    /// Opened with `readOnly`: every write is refused by SQLite and the file stays byte-identical.
    public let isReadOnly: Bool

    /// Opens (or, with `create`, creates) the store at `url`. With `readOnly` (the commands that only read:
    /// `export`, `report`, `compare`, `readiness` without a probe) the store must exist and is opened by a
    /// read-only SQLite connection, so reading never modifies it (no WAL checkpoint, no header rewrite).
    /// - Throws: `RunStoreError.corrupt`, `.foreignDatabase`, `.versionMismatch` (file left untouched),
    ///   `.missing` when the file does not exist and `create` is false (or `readOnly` is set).
    public init(url: URL, create: Bool = true, readOnly: Bool = false) throws {
        let path = url.path
        self.path = path
        self.isReadOnly = readOnly
        let fm = FileManager.default
        if readOnly {
            guard fm.fileExists(atPath: path) else { throw RunStoreError.missing(path: path) }
            guard try Self.checkExisting(path: path) == .runStore else {
                throw RunStoreError.corrupt(path: path, reason: "an empty SQLite file, not a run store")
            }
            // A store of an older schema is migrated once (the one case a reading command writes: the
            // migration keeps every row); a current one is never written.
            if try Self.storedVersion(path: path) < Self.schemaVersion { _ = try RunDatabase(url: url, create: false) }
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(30)
            do { pool = try DatabaseQueue(path: path, configuration: config) } catch {
                throw RunStoreError.corrupt(path: path, reason: Self.describe(error))
            }
            return
        }
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
        do { pool = try DatabasePool(path: path, configuration: config) as any DatabaseWriter } catch {
            throw RunStoreError.corrupt(path: path, reason: Self.describe(error))
        }
        do { try Self.migrator.migrate(pool) } catch let e as RunStoreError { throw e } catch {
            throw RunStoreError.database(path: path, operation: isNew ? "creating the schema" : "migrating the schema",
                                         message: Self.describe(error))
        }
    }

    /// Opens the store of run `name` under `runsDirectory` (`runs/NAME/run.sqlite`).
    public convenience init(runsDirectory: URL, name: String, create: Bool = true) throws {
        try self.init(url: runsDirectory.appendingPathComponent(name).appendingPathComponent(Self.fileName), create: create)
    }

    // MARK: Opening checks

    /// What the read-only check of an existing file found.
    enum ExistingState: Equatable { case emptyDatabase, runStore }

    /// The schema version (`PRAGMA user_version`) of an existing store, read without writing.
    static func storedVersion(path: String) throws -> Int {
        var config = Configuration()
        config.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") ?? 0 }
        } catch {
            throw RunStoreError.corrupt(path: path, reason: describe(error))
        }
    }

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
        guard (oldestMigratableVersion...schemaVersion).contains(version) else {
            throw RunStoreError.versionMismatch(path: path, found: version, expected: schemaVersion)
        }
        return .runStore
    }

    /// The version-1 schema (every store starts here; later versions are migrations).
    static func createSchemaV1(_ db: Database) throws {
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
        try db.execute(sql: "PRAGMA user_version = 1")
    }

    // MARK: Access helpers

    /// Runs `body` in one write transaction; errors become `RunStoreError.database` (`.corrupt` when SQLite
    /// finds the file damaged, which the CLI reports as bad input, exit 2).
    func write<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) throws -> T {
        if isReadOnly {
            throw RunStoreError.database(path: path, operation: operation, message: "the store was opened read-only")
        }
        do { return try pool.write(body) } catch let e as RunStoreError { throw e } catch {
            throw classify(error, operation: operation)
        }
    }

    /// Runs `body` in one read transaction; errors become `RunStoreError.database` (or `.corrupt`).
    func read<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch let e as RunStoreError { throw e } catch {
            throw classify(error, operation: operation)
        }
    }

    /// SQLITE_CORRUPT and SQLITE_NOTADB mean damage inside the file, found only when a page is read.
    func classify(_ error: any Error, operation: String) -> RunStoreError {
        if let e = error as? DatabaseError, [ResultCode.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(e.resultCode.primaryResultCode) {
            return .corrupt(path: path, reason: "\(operation): \(Self.describe(error))")
        }
        return .database(path: path, operation: operation, message: Self.describe(error))
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

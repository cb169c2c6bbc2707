// Libraries never print: long work reports these events and the CLI renders them
// (a TTY bar, plain periodic lines, or JSON). Pattern: mlx-swift-lm LoraTrain.swift `Progress`.

/// One progress report of a long job.
public struct ProgressUpdate: Sendable, Hashable {
    /// What is being done ("sampling", "judging", "training").
    public var phase: String
    public var completed: Int
    public var total: Int
    /// Short free text such as "tok/s 210" or "reward 0.31".
    public var detail: String
    public init(phase: String, completed: Int, total: Int, detail: String = "") {
        self.phase = phase; self.completed = completed; self.total = total; self.detail = detail
    }
}

/// The callback a library calls with progress; it must be cheap and thread-safe.
public typealias ProgressHandler = @Sendable (ProgressUpdate) -> Void

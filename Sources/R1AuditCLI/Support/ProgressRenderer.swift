// Renders library ProgressUpdates (style rule 6: libraries never print): a redrawn bar with rate and
// ETA when stderr is a terminal, plain periodic lines otherwise (logs, CI), nothing with `.silent`.
// Rates are measured from the first update of each phase, so a resumed job's stored samples do not
// inflate them.
import Foundation
import Inference

/// Turns progress events into stderr output. Thread-safe: the handler may be called from any task.
public final class ProgressRenderer: @unchecked Sendable {
    /// How progress is shown.
    public enum Mode: Sendable, Equatable {
        /// A bar redrawn in place (`\r`), at most ten times a second.
        case bar
        /// One line every `interval` seconds and at the end of a phase.
        case lines(interval: Double)
        /// Nothing.
        case silent
    }

    public let mode: Mode
    private let lock = NSLock()
    private let write: @Sendable (String) -> Void
    private var phase = ""
    private var phaseStart = Date()
    private var firstCompleted = 0
    private var lastDraw = Date.distantPast
    private var lastLineLength = 0
    private var barOpen = false

    /// `.bar` when stderr is a terminal, else lines every 5 seconds.
    public static func automaticMode() -> Mode {
        isatty(STDERR_FILENO) == 1 ? .bar : .lines(interval: 5)
    }

    /// - Parameter write: where text goes (default: stderr); tests pass a collector.
    public init(mode: Mode = ProgressRenderer.automaticMode(),
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.mode = mode
        self.write = write
    }

    /// The callback to hand to library calls.
    public var handler: ProgressHandler {
        { [self] update in self.render(update) }
    }

    /// Ends an open bar with a newline (call once the library call returns or throws).
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        if barOpen { write("\n"); barOpen = false }
    }

    func render(_ u: ProgressUpdate, now: Date = Date()) {
        lock.lock(); defer { lock.unlock() }
        if mode == .silent { return }
        if u.phase != phase {
            if barOpen { write("\n"); barOpen = false }
            phase = u.phase; phaseStart = now; firstCompleted = u.completed; lastDraw = .distantPast
        }
        let done = u.total > 0 && u.completed >= u.total
        switch mode {
        case .silent: return
        case .bar:
            guard done || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            let line = Self.barLine(u, rate: rate(u, now), width: 24)
            let pad = String(repeating: " ", count: max(0, lastLineLength - line.count))
            write("\r" + line + pad)
            lastLineLength = line.count
            barOpen = true
            if done { write("\n"); barOpen = false; lastLineLength = 0 }
        case .lines(let interval):
            let first = lastDraw == .distantPast
            guard first || done || now.timeIntervalSince(lastDraw) >= interval else { return }
            write(Self.plainLine(u, rate: rate(u, now)) + "\n")
        }
        lastDraw = now
    }

    private func rate(_ u: ProgressUpdate, _ now: Date) -> Double? {
        let seconds = now.timeIntervalSince(phaseStart)
        let progressed = u.completed - firstCompleted
        return seconds > 0.5 && progressed > 0 ? Double(progressed) / seconds : nil
    }

    /// `sampling [#########---------------]  120/600  20%  3.2/s  ETA 2m30s  210 tok/s`
    static func barLine(_ u: ProgressUpdate, rate: Double?, width: Int) -> String {
        let fraction = u.total > 0 ? min(1, Double(u.completed) / Double(u.total)) : 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        return "\(u.phase) [\(bar)] " + counts(u, rate: rate)
    }

    /// `sampling 120/600 (20%) 3.2/s ETA 2m30s 210 tok/s`
    static func plainLine(_ u: ProgressUpdate, rate: Double?) -> String {
        "\(u.phase) " + counts(u, rate: rate)
    }

    private static func counts(_ u: ProgressUpdate, rate: Double?) -> String {
        var parts = [u.total > 0 ? "\(u.completed)/\(u.total)" : "\(u.completed)"]
        if u.total > 0 { parts.append("\(Int((Double(u.completed) / Double(u.total) * 100).rounded(.down)))%") }
        if let rate {
            parts.append(rate >= 10 ? String(format: "%.0f/s", rate) : String(format: "%.2f/s", rate))
            if u.total > u.completed { parts.append("ETA " + duration(Double(u.total - u.completed) / rate)) }
        }
        if !u.detail.isEmpty { parts.append(u.detail) }
        return parts.joined(separator: "  ")
    }

    /// `45s`, `2m30s`, `1h05m`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
    }
}

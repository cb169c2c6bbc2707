// Long synchronous work (a generation, a forward pass over a batch) on a thread of its own, so that it
// never holds a thread of Swift's cooperative pool. That pool has one thread per core: two on a 2-core
// machine. CI stop 26 showed what holding them does: with both held by CPU-bound work for minutes, the
// in-process HTTP servers answered nothing and twenty requests hit their 30 s deadline. Here the OS
// schedules the compute thread beside the pool, so async work (HTTP handlers, timers, stream consumers)
// keeps running, only slower.
import Foundation
import Synchronization

/// A flag set once to ask synchronous work to stop; the work polls it between steps.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    /// Asks the work to stop at its next check.
    public func cancel() { flag.store(true, ordering: .releasing) }
    /// Whether `cancel()` was called.
    public var isCancelled: Bool { flag.load(ordering: .acquiring) }
}

/// Runs synchronous work on a new thread instead of the cooperative pool.
public enum DedicatedThread {
    /// Stack size of the compute threads: as large as a pool thread's (8 MiB on Linux), since the kernels
    /// keep small per-row buffers on the stack.
    static let stackSize = 8 << 20

    /// Starts `body` on a new thread and returns at once; `body` should poll `flag`, which the caller may
    /// hand out (e.g. to a stream's termination handler) before the work starts.
    @discardableResult
    public static func start(name: String, flag: CancellationFlag = CancellationFlag(),
                             _ body: @escaping @Sendable (CancellationFlag) -> Void) -> CancellationFlag {
        let thread = Thread { body(flag) }
        thread.name = name
        thread.stackSize = stackSize
        thread.start()
        return flag
    }

    /// Runs `body` on a new thread and awaits its result. Cancelling the awaiting task sets the flag
    /// `body` is given; `body` decides where it stops (by polling `flag.isCancelled` between steps).
    public static func run<T: Sendable>(name: String, _ body: @escaping @Sendable (CancellationFlag) throws -> T) async throws -> T {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
                start(name: name, flag: flag) { flag in continuation.resume(with: Result { try body(flag) }) }
            }
        } onCancel: {
            flag.cancel()
        }
    }
}

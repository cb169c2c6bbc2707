// Persistent helper threads that spin briefly between jobs, for `Parallel.forChunks`. A decode step is
// ~150 short parallel loops back to back (4 products per layer, attention, norms); handing each to
// Dispatch's `concurrentPerform` woke a sleeping pool thread every time, and on a 2-core VM the wake-ups
// left a third of the two cores idle during single-stream decoding (CPU s / wall s = 1.3; perf: 16% of
// samples in the scheduler). The helpers here poll a generation counter for about 50 µs after each job
// (llama.cpp's thread pool polls the same way) and only then sleep on a semaphore, so a forward pass's
// loops find them awake, while an idle process does not keep burning a core.
import Dispatch
import Foundation
import Synchronization
#if arch(x86_64)
// `_mm_pause` is a clang builtin that Swift cannot call through the header; the LLVM intrinsic has no
// immediate operands, so it binds by name.
@_silgen_name("llvm.x86.sse2.pause") private func cpuPause()
#endif

/// A fixed set of `workers - 1` helper threads that run chunks of one job at a time with the caller.
final class SpinningWorkers: @unchecked Sendable {
    /// False when R1AUDIT_NO_SPIN is set: every loop then runs on Dispatch, as before the helpers (for A/B
    /// measurements, and for hosts where even brief polling is unwelcome).
    static let enabled = ProcessInfo.processInfo.environment["R1AUDIT_NO_SPIN"] == nil

    /// Threads per job: the caller plus the helpers.
    let workers: Int
    /// Helper polls of the generation counter before sleeping (a `pause` each, 14 ns on the 2026-12-06
    /// Xeon VM: about 55 µs).
    static let spinLimit = 4_000

    /// Taken by a caller for its whole job; a second caller meanwhile (another thread, or a nested loop)
    /// runs on Dispatch instead (`Parallel.forChunks`).
    private let busy = Atomic<Bool>(false)
    /// Bumped once per job after the job's fields are written (release); helpers acquire it.
    private let generation = Atomic<Int>(0)
    /// Helpers still running the current job's chunks.
    private let remaining = Atomic<Int>(0)
    private let helpers: [Helper]
    // The current job: written by the caller before the generation bump, read by helpers after it, and
    // left alone until `remaining` is back to 0. Exclusive access is by that protocol, not by a lock.
    private var body: ((Range<Int>) -> Void)?
    private var count = 0

    private init(workers: Int) {
        self.workers = workers
        helpers = (1..<workers).map { _ in Helper() }
    }

    private static let pools = Mutex<[Int: SpinningWorkers]>([:])

    /// The pool that runs jobs on `workers` threads (created with its helpers on first use).
    static func pool(workers: Int) -> SpinningWorkers {
        pools.withLock { pools in
            if let p = pools[workers] { return p }
            let p = SpinningWorkers(workers: workers)
            for helper in 1..<workers {
                let thread = Thread { p.helperLoop(helper) }
                thread.name = "r1audit-worker-\(helper)"
                thread.start()
            }
            pools[workers] = p
            return p
        }
    }

    /// Runs `body` on the `workers` contiguous chunks of `0..<count` (chunk 0 on this thread), or
    /// returns false without running anything when another job holds the pool.
    func run(_ count: Int, _ body: (Range<Int>) -> Void) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        withoutActuallyEscaping(body) { escaping in
            self.body = escaping
            self.count = count
            remaining.store(workers - 1, ordering: .relaxed)
            generation.add(1, ordering: .sequentiallyConsistent)
            for h in helpers where h.sleeping.load(ordering: .sequentiallyConsistent) { h.wake.signal() }
            escaping(Parallel.chunk(0, of: workers, count: count))
            while remaining.load(ordering: .acquiring) > 0 { Self.pause() }
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
        return true
    }

    private func helperLoop(_ helper: Int) {
        // 0, not a fresh load: the first job may be posted before this thread gets to run.
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins < Self.spinLimit { Self.pause(); continue }
                // Publish "asleep" before the last look, both sequentially consistent with the caller's
                // bump-then-check: either this look sees the new job or the caller sees the flag and
                // signals. A surplus signal only makes a later wait return early; the loop re-checks.
                let h = helpers[helper - 1]
                h.sleeping.store(true, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) == seen { h.wake.wait() }
                h.sleeping.store(false, ordering: .relaxed)
                spins = 0
            }
            seen = generation.load(ordering: .acquiring)
            let range = Parallel.chunk(helper, of: workers, count: count)
            if !range.isEmpty, let body { body(range) }
            remaining.subtract(1, ordering: .releasing)
        }
    }

    /// One helper's sleep flag (set while it sleeps or is about to, so the caller knows to signal) and wake-up.
    private final class Helper: Sendable {
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    @inline(__always)
    static func pause() {
        #if arch(x86_64)
        cpuPause()
        #endif
    }
}

// Splitting a loop over a few worker threads (`SpinningWorkers`, else Dispatch), used by kernels whose
// work is many small independent pieces (attention per sequence and head). OpenBLAS's own threads
// are for the big GEMMs; these loops run between them.
import Dispatch

/// Runs `body` over `0..<count` split into at most `threads` contiguous chunks.
public enum Parallel {
    /// Calls `body(range)` on contiguous chunks of `0..<count`, one chunk per worker; runs inline
    /// when `threads <= 1` or the work is a single item.
    public static func forChunks(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let workers = min(max(1, threads), count)
        if workers == 1 { body(0..<count); return }
        // Spinning helpers when free (a decode step's loops follow each other within microseconds);
        // Dispatch when another loop holds them (a nested loop, a second model on another thread), and for
        // loops with fewer items than threads, so that a process keeps one pool per thread count it asks for.
        if SpinningWorkers.enabled, workers == threads, SpinningWorkers.pool(workers: workers).run(count, body) { return }
        withoutActuallyEscaping(body) { escaping in
            let box = ChunkBody(run: escaping)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let range = chunk(w, of: workers, count: count)
                if !range.isEmpty { box.run(range) }
            }
        }
    }

    /// Chunk w of `workers` contiguous chunks of 0..<count, the split both the helpers and Dispatch use.
    static func chunk(_ w: Int, of workers: Int, count: Int) -> Range<Int> {
        (count * w / workers)..<(count * (w + 1) / workers)
    }
}

/// The loop body handed to the workers. Unchecked: callers guarantee that chunks touch disjoint
/// memory (each kernel writes only its own rows/heads), which the type system cannot see through
/// raw pointers.
private struct ChunkBody: @unchecked Sendable {
    let run: (Range<Int>) -> Void
}

// Parallel.forChunks on the spinning helpers: every index exactly once, across sleeps (helpers that
// went to sleep are woken), concurrent callers (one gets the helpers, the others fall back to
// Dispatch) and nested loops.
import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Tensors

@Suite struct ParallelTests {
    /// Runs one loop and returns how many times each index was visited.
    static func visits(_ count: Int, threads: Int, inner: Int = 0) -> [Int] {
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: count)
        hits.initialize(repeating: 0, count: count)
        defer { hits.deallocate() }
        Parallel.forChunks(count, threads: threads) { range in
            for i in range {
                if inner > 0 {
                    // A nested loop (the helpers are busy: it must run on Dispatch, not deadlock).
                    let nested = visits(inner, threads: threads)
                    hits[i] += nested.allSatisfy { $0 == 1 } ? 1 : 100
                } else {
                    hits[i] += 1
                }
            }
        }
        return Array(UnsafeBufferPointer(start: hits, count: count))
    }

    @Test(arguments: [2, 3, 4])
    func everyIndexOnceAcrossManyJobs(threads: Int) {
        var bad = 0
        for job in 0..<3_000 {
            let count = 1 + job % 37
            if job % 500 == 499 { usleep(2_000) }   // longer than the spin limit: helpers go to sleep
            if Self.visits(count, threads: threads) != [Int](repeating: 1, count: count) { bad += 1 }
        }
        #expect(bad == 0)
    }

    @Test func concurrentCallersAndNestedLoops() {
        let bad = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for job in 0..<400 {
                let count = 2 + (job + caller) % 29
                let ok = Self.visits(count, threads: 2, inner: job % 50 == 0 ? 5 : 0) == [Int](repeating: 1, count: count)
                if !ok { bad.add(1, ordering: .relaxed) }
            }
        }
        #expect(bad.load(ordering: .relaxed) == 0)
    }

    @Test func chunksAreContiguousAndCoverTheRange() {
        for count in [1, 2, 7, 64, 1000] {
            for workers in 2...5 {
                let chunks = (0..<workers).map { Parallel.chunk($0, of: workers, count: count) }
                #expect(chunks.first?.lowerBound == 0 && chunks.last?.upperBound == count)
                #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            }
        }
    }
}

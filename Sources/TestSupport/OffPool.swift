// Blocking work in a test (a child process, a forward pass over a real model) runs on a thread of its
// own, not on Swift's cooperative pool: the tests share the pool with the in-process HTTP servers of the
// Server and Endpoint suites, and on a 2-core CI machine two tests that block it for minutes made those
// servers miss their 30 s deadlines (CI stop 26).
import Tensors

/// Runs `body` on a dedicated thread and awaits its result.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await DedicatedThread.run(name: "r1audit-test") { _ in try body() }
}

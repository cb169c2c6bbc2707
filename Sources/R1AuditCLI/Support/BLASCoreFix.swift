// Re-executes r1audit once with OPENBLAS_CORETYPE set when OpenBLAS fell back to its Prescott kernels on
// a CPU that has AVX-512 or AVX2 (`OpenBLASCore`): OpenBLAS reads the variable only when it loads, before
// main, so the running process cannot switch. The new process sees the variable set and goes on.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Tensors

public enum BLASCoreFix {
    /// Replaces this process with itself under the better OPENBLAS_CORETYPE, or returns when none is needed
    /// (or when exec fails: the run then goes on with OpenBLAS's own choice).
    public static func reexecIfNeeded() {
        #if os(Linux)
        let environment = ProcessInfo.processInfo.environment
        guard environment["R1AUDIT_KEEP_BLAS_CORE"] == nil,
              let core = OpenBLASCore.override(detected: OpenBLASCore.detected, environment: environment,
                                               cpuFlags: OpenBLASCore.cpuFlags()) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &argv)
        for p in argv { free(p) }
        #endif
    }

    /// Sets OpenBLAS's process-wide thread count (to 1) now, at startup, before any thread can run a
    /// forward: `Tensors.Gemm` is the one place that sets it and splits large products over its own
    /// workers, so the count is never changed while two forwards (two server flushes) run at once.
    public static func pinThreads() { Gemm.pinBLASThreads() }
}

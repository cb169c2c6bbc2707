import Testing
import Foundation
@testable import Tensors

@Suite struct OpenBLASCoreTests {
    static let avx512: Set<String> = ["sse3", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]

    /// (detected, OPENBLAS_CORETYPE already set?, flags) → the override, if any.
    @Test(arguments: [
        ("Prescott", false, avx512, "SkylakeX"),
        ("prescott", false, ["sse3", "avx2", "fma"], "Haswell"),
        ("Prescott", false, ["sse3", "avx"], nil),          // nothing better to offer
        ("Prescott", true, avx512, nil),                   // the caller's choice stands
        ("SkylakeX", false, avx512, nil),                  // OpenBLAS recognised the CPU
        ("Haswell", false, avx512, nil),
    ] as [(String, Bool, Set<String>, String?)])
    func overrideOnlyReplacesThePrescottFallback(_ c: (String, Bool, Set<String>, String?)) {
        let env = c.1 ? ["OPENBLAS_CORETYPE": "Haswell"] : [:]
        #expect(OpenBLASCore.override(detected: c.0, environment: env, cpuFlags: c.2) == c.3)
    }

    @Test func readsTheFlagsLineOfCpuinfo() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cpuinfo-\(UUID().uuidString)")
        try "processor\t: 0\nmodel name\t: Test\nflags\t\t: fpu sse3 avx2 fma\nbugs\t\t: none\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(OpenBLASCore.cpuFlags(cpuinfo: url.path) == ["fpu", "sse3", "avx2", "fma"])
        #expect(OpenBLASCore.cpuFlags(cpuinfo: "/nonexistent/cpuinfo").isEmpty)
        // The library reports some family name on every machine.
        #expect(!OpenBLASCore.detected.isEmpty)
    }
}

// Which kernels OpenBLAS picked for this CPU. Debian's OpenBLAS (0.3.21, DYNAMIC_ARCH) chooses its kernels
// from the CPUID model number when the library loads; on virtual machines that mask the model (seen
// 2026-12-06: "Intel(R) Xeon(R) Processor" with avx512 and amx flags) it falls back to its Prescott
// (SSE3) kernels: sgemm at 65 GFLOP/s on 2 threads where OPENBLAS_CORETYPE=SkylakeX gives 275.
// The choice is made before main runs, so the override has to come from the environment of a new
// process: the CLI re-executes itself once (R1AuditCLI `BLASCoreFix`). The test process keeps OpenBLAS's
// choice (exporting the variable to `swift test` changes SwiftPM's manifest cache key and rebuilds every
// dependency); results do not depend on it, only sgemm's speed.
import COpenBLAS
import Foundation

/// OpenBLAS's kernel choice and the override this machine should run with.
public enum OpenBLASCore {
    /// The kernel family OpenBLAS chose (its `openblas_get_corename`, e.g. "Prescott", "SkylakeX").
    public static var detected: String {
        guard let name = openblas_get_corename() else { return "" }
        return String(cString: name)
    }

    /// The OPENBLAS_CORETYPE to run with, or nil when OpenBLAS's own choice stands: only when it fell
    /// back to Prescott, the variable is not already set, and the CPU flags (from /proc/cpuinfo) support
    /// a better family: SkylakeX with AVX-512 F/BW/DQ/VL, Haswell with AVX2 and FMA.
    /// `cpuFlags` is read only when the other two conditions hold (every r1audit start asks).
    public static func override(detected: String, environment: [String: String],
                                cpuFlags: @autoclosure () -> Set<String>) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, detected.lowercased() == "prescott" else { return nil }
        let flags = cpuFlags()
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        return nil
    }

    /// The flags of the first processor in /proc/cpuinfo (empty where there is none).
    public static func cpuFlags(cpuinfo path: String = "/proc/cpuinfo") -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}

// swift-tools-version: 6.0
// r1audit: audit a base model before R1-Zero-like RL, then run that RL (Dr. GRPO).
// The module map and its dependency direction are documented in docs/ARCHITECTURE.md.
import PackageDescription
import Foundation

/// Every library target with its in-package dependencies (bottom to top, never back).
let modules: [(name: String, deps: [String])] = [
    ("Inference", []),
    ("Tensors", ["COpenBLAS"]),
    ("Checkpoints", ["Tensors"]),
    ("Tokenizers", ["Checkpoints"]),
    ("Models", ["Tensors", "Checkpoints", "Tokenizers"]),
    ("Engine", ["Models", "Tokenizers", "Checkpoints", "Tensors", "Inference"]),
    ("Endpoint", ["Inference"]),
    ("Server", ["Inference"]),
    ("Datasets", []),
    ("Grading", []),
    ("Prompts", ["Grading"]),
    ("RunStore", ["Inference", "Grading"]),
    ("Sampling", ["Inference", "Datasets", "Prompts", "RunStore"]),
    ("Analyses", ["Inference", "Datasets", "Prompts", "Grading", "RunStore", "Sampling"]),
    // The learner and the RL loop: rollouts come through `Inference.Backend`, never the engine itself.
    ("Training", ["Tensors", "Checkpoints", "Models", "Inference", "Grading"]),
    // The trainer's composition root (`TrainingSession`): local engine, datasets, templates, run store.
    ("TrainingRuns", ["Training", "Engine", "Tokenizers", "Inference", "Grading", "Datasets", "Prompts", "RunStore"]),
    ("Reports", ["Analyses", "RunStore"]),
    ("TestSupport", ["Tensors", "Checkpoints", "Models", "Tokenizers", "Inference"]),
]

/// External products each module uses.
let external: [String: [Target.Dependency]] = [
    "Endpoint": [.product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio")],
    "Server": [.product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
    "RunStore": [.product(name: "GRDB", package: "GRDB.swift")],
    "Reports": [.product(name: "Mustache", package: "swift-mustache")],
]

/// External products test targets import directly (the fault-injection and round-trip servers).
let externalTest: [String: [Target.Dependency]] = [
    "EndpointTests": ["NIOCore", "NIOHTTP1", "NIOPosix"].map { .product(name: $0, package: "swift-nio") },
    "ServerTests": [.product(name: "AsyncHTTPClient", package: "async-http-client"),
                    .product(name: "NIOCore", package: "swift-nio")],
]

/// Test targets: module tests mirror the modules; each lists what it imports.
let testTargets: [(name: String, deps: [String])] = [
    ("InferenceTests", ["Inference"]),
    ("TensorsTests", ["Tensors", "TestSupport"]),
    ("CheckpointsTests", ["Checkpoints", "Tensors", "TestSupport"]),
    ("TokenizersTests", ["Tokenizers", "Checkpoints", "TestSupport"]),
    ("ModelsTests", ["Models", "Checkpoints", "Tensors", "TestSupport"]),
    ("EngineTests", ["Engine", "Models", "Tokenizers", "Inference", "TestSupport"]),
    ("EndpointTests", ["Endpoint", "Inference"]),
    ("ServerTests", ["Server", "Endpoint", "Inference", "Engine", "Tokenizers", "TestSupport"]),
    ("DatasetsTests", ["Datasets"]),
    ("PromptsTests", ["Prompts"]),
    ("GradingTests", ["Grading"]),
    ("RunStoreTests", ["RunStore", "Inference", "Grading"]),
    ("SamplingTests", ["Sampling", "Inference", "Datasets", "Prompts", "RunStore"]),
    ("AnalysesTests", ["Analyses", "Sampling", "Inference", "Datasets", "Prompts", "Grading", "RunStore"]),
    // Engine only to compare the learner's log-probs with the engine's on the same weights.
    ("TrainingTests", ["Training", "Engine", "Models", "Tensors", "Checkpoints", "Inference", "Grading", "Prompts", "TestSupport"]),
    ("TrainingRunsTests", ["TrainingRuns", "Training", "Inference", "Datasets", "RunStore", "TestSupport"]),
    ("ReportsTests", ["Reports", "Analyses", "RunStore"]),
    ("CLITests", ["R1AuditCLI", "TestSupport"]),
    ("IntegrationTests", ["R1AuditCLI", "Engine", "Models", "Tokenizers", "Inference", "Endpoint", "Server", "Grading", "TestSupport",
                           "Analyses", "Sampling", "RunStore", "Datasets", "Prompts", "Reports"]),
]

// R1AUDIT_ONLY=Grading,Tokenizers builds just those modules, what they need, and their tests
// (used while developing one module with its own --scratch-path; CI and users never set it).
let only: Set<String>? = ProcessInfo.processInfo.environment["R1AUDIT_ONLY"].map {
    Set($0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
}
let depsOf = Dictionary(uniqueKeysWithValues: modules.map { ($0.name, $0.deps) })
func closure(_ roots: Set<String>) -> Set<String> {
    var seen = Set<String>(), stack = Array(roots)
    while let n = stack.popLast() { if seen.insert(n).inserted { stack += depsOf[n] ?? [] } }
    return seen
}
let selectedTests = testTargets.filter { t in only.map { $0.contains(t.name) || $0.contains(String(t.name.dropLast(5))) } ?? true }
let allModules = Set(modules.map(\.name) + ["R1AuditCLI"])
let requested: Set<String> = only.map { closure($0.union(selectedTests.flatMap(\.deps))) } ?? allModules
// The CLI imports every module, so asking for it (or CLITests/IntegrationTests) selects them all.
let wantCLI = requested.contains("R1AuditCLI")
let selectedModules = wantCLI ? allModules : requested

/// The building machine's CPU feature flags (/proc/cpuinfo), read once; empty elsewhere.
let hostCPUFlags: Set<String> = {
    #if arch(x86_64) && os(Linux)
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
    return Set(flagsLine.split(separator: " ").map(String.init))
    #else
    return []
    #endif
}()
/// The CPU the numeric modules are compiled for. Swift's default x86-64 target is SSE2 only: SIMD8<Float>
/// becomes two 4-lane ops and `addingProduct` a libm `fmaf` call per lane. Like llama.cpp's GGML_NATIVE,
/// we compile for the building machine when it has AVX2+FMA (x86-64-v3, here named `haswell`; the binary
/// then needs such a CPU); R1AUDIT_TARGET_CPU overrides (e.g. `x86-64` for a portable build).
let targetCPU: String? = {
    if let cpu = ProcessInfo.processInfo.environment["R1AUDIT_TARGET_CPU"] { return cpu.isEmpty ? nil : cpu }
    return ["avx2", "fma", "f16c", "bmi2"].allSatisfy(hostCPUFlags.contains) ? "haswell" : nil
}()
/// With AVX2 the Q8 kernels use vpmaddubsw/vpmaddwd (R1AUDIT_AVX2); otherwise their portable loops.
/// When the building CPU also has AVX-512 with VNNI (Zen 4/5, Ice Lake and later), the int8 product uses
/// vpdpbusd on 512-bit registers (R1AUDIT_AVX512VNNI, `Q8Gemm+VNNI.swift`); R1AUDIT_NO_AVX512=1 turns it off.
let avx512VNNI = targetCPU == "haswell" && ProcessInfo.processInfo.environment["R1AUDIT_NO_AVX512"] == nil
    && ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_vnni"].allSatisfy(hostCPUFlags.contains)
let cpuFlags: [String] = (targetCPU.map { ["-target-cpu", $0] + ($0 == "haswell" ? ["-DR1AUDIT_AVX2"] : []) } ?? [])
    + (avx512VNNI ? ["-mavx512f", "-mavx512bw", "-mavx512dq", "-mavx512vl", "-mavx512vnni"].flatMap { ["-Xcc", $0] }
                    + ["-DR1AUDIT_AVX512VNNI"] : [])
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"] + cpuFlags, .when(configuration: .release)),
                            .unsafeFlags(cpuFlags, .when(configuration: .debug))]
let numericModules: Set<String> = ["Tensors", "Models", "Engine", "Training"]
/// Modules that parse untrusted files or text keep Swift's checked arithmetic (-O): an overflow traps
/// instead of wrapping into a bogus size; only the CPU flags are shared with the numeric modules.
let parserModules: Set<String> = ["Checkpoints", "Tokenizers", "Grading"]
let checked: [SwiftSetting] = [.unsafeFlags(cpuFlags)]

var targets: [Target] = [
    .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                   providers: [.apt(["libopenblas-dev"])]),
]
for m in modules where selectedModules.contains(m.name) {
    targets.append(.target(name: m.name,
                           dependencies: m.deps.map { .target(name: $0) } + (external[m.name] ?? []),
                           swiftSettings: numericModules.contains(m.name) ? fast : parserModules.contains(m.name) ? checked : []))
}
if wantCLI {
    targets.append(.target(name: "R1AuditCLI",
                           dependencies: modules.filter { $0.name != "TestSupport" }.map { .target(name: $0.name) }
                               + [.product(name: "ArgumentParser", package: "swift-argument-parser")]))
    targets.append(.executableTarget(name: "r1audit", dependencies: ["R1AuditCLI"]))
}
for t in selectedTests where t.deps.allSatisfy({ selectedModules.contains($0) }) {
    targets.append(.testTarget(name: t.name, dependencies: t.deps.map { .target(name: $0) } + (externalTest[t.name] ?? []),
                               exclude: t.name == "CLITests" ? ["Snapshots"] : []))
}

// R1AUDIT_FUZZ=1 adds one libFuzzer target per reader (scripts/fuzz-readers; CI and users never set it).
if ProcessInfo.processInfo.environment["R1AUDIT_FUZZ"] != nil {
    targets.append(.target(name: "FuzzSupport", path: "Sources/Fuzz/FuzzSupport"))
    for (name, deps) in [("FuzzGGUF", ["Checkpoints", "Tokenizers"]), ("FuzzSafetensors", ["Checkpoints"]),
                         ("FuzzTokenizerJSON", ["Tokenizers"]), ("FuzzConfigJSON", ["Models", "Checkpoints"]),
                         ("FuzzJSONL", ["Datasets"]), ("FuzzRunStore", ["RunStore"])] where deps.allSatisfy(selectedModules.contains) {
        targets.append(.executableTarget(name: name, dependencies: (deps + ["FuzzSupport"]).map { .target(name: $0) }, path: "Sources/Fuzz/\(name)",
                                         swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    }
}

let package = Package(
    name: "r1audit",
    platforms: [.macOS(.v14)],
    products: wantCLI ? [.executable(name: "r1audit", targets: ["r1audit"])] : [],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.60.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: targets
)

// libFuzzer target: a JSONL question set (QuestionSet.load), strict and with skipped bad lines.
import Datasets
import Foundation

/// The per-process scratch folder each input is written into (the readers take paths).
let scratch: URL = {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-fuzz-\(getpid())", isDirectory: true)
    try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}()

/// Writes the input as `name` in the scratch folder and returns its URL.
func write(_ data: UnsafePointer<UInt8>, _ size: Int, as name: String) -> URL {
    let url = scratch.appendingPathComponent(name)
    try? Data(bytes: data, count: size).write(to: url)
    return url
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let url = write(data, size, as: "questions.jsonl")
    _ = try? QuestionSet.load(url: url)
    _ = try? QuestionSet.load(url: url, limit: 3, sample: 2, seed: 7, skipBadLines: true)
    _ = try? QuestionSet.load(url: url, inputKey: "question", skipBadLines: true)
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// SwiftPM links an executable's entry point as `<target>_main`; it hands the arguments to libFuzzer's driver.
@_cdecl("FuzzJSONL_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var c = argc, v = argv
    return runDriver(&c, &v, { fuzz($0, $1) })
}

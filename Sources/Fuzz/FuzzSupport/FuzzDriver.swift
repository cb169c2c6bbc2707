// What every libFuzzer target shares (scripts/fuzz-readers): the readers take paths, so each input is written
// to a per-process scratch file; and SwiftPM's `<target>_main` entry hands its arguments to libFuzzer's driver.
import Foundation

/// The per-process scratch folder each input is written into.
public let scratch: URL = {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("r1audit-fuzz-\(getpid())", isDirectory: true)
    try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}()

/// Writes the input as `name` in the scratch folder and returns its URL.
public func write(_ data: UnsafePointer<UInt8>, _ size: Int, as name: String) -> URL {
    let url = scratch.appendingPathComponent(name)
    try? Data(bytes: data, count: size).write(to: url)
    return url
}

public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>, Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: FuzzCallback) -> CInt

/// Runs libFuzzer's driver on `callback` with the process arguments.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ callback: FuzzCallback) -> CInt {
    var c = argc, v = argv
    return runDriver(&c, &v, callback)
}

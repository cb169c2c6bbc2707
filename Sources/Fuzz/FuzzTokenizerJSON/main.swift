// libFuzzer target: a Hugging Face tokenizer.json (TokenizerLoader.load(folder:)) and one encode/decode.
import Tokenizers
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
    _ = write(data, size, as: "tokenizer.json")
    guard let tok = try? TokenizerLoader.load(folder: scratch) else { return 0 }
    let ids = tok.encode("Hello 123 world! ünïcödé", addSpecialTokens: true)
    _ = tok.decode(ids)
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// SwiftPM links an executable's entry point as `<target>_main`; it hands the arguments to libFuzzer's driver.
@_cdecl("FuzzTokenizerJSON_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var c = argc, v = argv
    return runDriver(&c, &v, { fuzz($0, $1) })
}

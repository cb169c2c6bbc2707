// libFuzzer target: a Hugging Face tokenizer.json (TokenizerLoader.load(folder:)) and one encode/decode.
import Tokenizers
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = write(data, size, as: "tokenizer.json")
    guard let tok = try? TokenizerLoader.load(folder: scratch) else { return 0 }
    let ids = tok.encode("Hello 123 world! ünïcödé", addSpecialTokens: true)
    _ = tok.decode(ids)
    return 0
}

/// SwiftPM links an executable's entry point as `<target>_main`; it hands the arguments to libFuzzer's driver.
@_cdecl("FuzzTokenizerJSON_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, { fuzz($0, $1) })
}

// libFuzzer target: GGUFFile, its tensors (small ones dequantized) and the embedded tokenizer.
import Checkpoints
import Tokenizers
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let url = write(data, size, as: "model.gguf")
    guard let gguf = try? GGUFFile(url: url) else { return 0 }
    for t in gguf.tensors {
        _ = try? gguf.rawBytes(t.name)
        if t.elementCount <= 1 << 16 { _ = try? gguf.dequantize(t.name) }
    }
    _ = gguf.architecture
    if let tok = try? TokenizerLoader.load(gguf: gguf) { _ = tok.encode("Hello 123 world!", addSpecialTokens: true) }
    return 0
}

/// SwiftPM links an executable's entry point as `<target>_main`; it hands the arguments to libFuzzer's driver.
@_cdecl("FuzzGGUF_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, { fuzz($0, $1) })
}

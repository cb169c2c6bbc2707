// libFuzzer target: SafetensorsFile and every (small) tensor in it.
import Checkpoints
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let url = write(data, size, as: "model.safetensors")
    guard let file = try? SafetensorsFile(url: url) else { return 0 }
    for (name, e) in file.entries {
        _ = try? file.rawBytes(name)
        if e.shape.count <= 8, e.end - e.begin <= 1 << 20 { _ = try? file.tensor(name) }
    }
    return 0
}

/// SwiftPM links an executable's entry point as `<target>_main`; it hands the arguments to libFuzzer's driver.
@_cdecl("FuzzSafetensors_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, { fuzz($0, $1) })
}

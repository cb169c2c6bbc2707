// libFuzzer target: config.json (DecoderConfiguration, decoded and validated) and HFCheckpointFolder's config.
import Checkpoints
import Models
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let url = write(data, size, as: "config.json")
    _ = try? DecoderConfiguration(configJSON: url)
    return 0
}

/// SwiftPM links an executable's entry point as `<target>_main`; it hands the arguments to libFuzzer's driver.
@_cdecl("FuzzConfigJSON_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, { fuzz($0, $1) })
}

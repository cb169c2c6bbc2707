// libFuzzer target: a run store file opened read-only, its config and its JSONL export.
import RunStore
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let url = write(data, size, as: "run.sqlite")
    guard let db = try? RunDatabase(url: url, create: false, readOnly: true) else { return 0 }
    _ = try? db.allConfig()
    _ = try? db.exportJSONL { _ in }
    _ = try? db.verdicts()
    return 0
}

/// SwiftPM links an executable's entry point as `<target>_main`; it hands the arguments to libFuzzer's driver.
@_cdecl("FuzzRunStore_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, { fuzz($0, $1) })
}

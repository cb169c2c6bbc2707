// libFuzzer target: a JSONL question set (QuestionSet.load), strict and with skipped bad lines.
import Datasets
import Foundation
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let url = write(data, size, as: "questions.jsonl")
    _ = try? QuestionSet.load(url: url)
    _ = try? QuestionSet.load(url: url, limit: 3, sample: 2, seed: 7, skipBadLines: true)
    _ = try? QuestionSet.load(url: url, inputKey: "question", skipBadLines: true)
    return 0
}

/// SwiftPM links an executable's entry point as `<target>_main`; it hands the arguments to libFuzzer's driver.
@_cdecl("FuzzJSONL_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, { fuzz($0, $1) })
}

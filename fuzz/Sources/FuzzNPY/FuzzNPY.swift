import FuzzSupport
import TLFormats

/// One `.npy` file held in memory, decoded as an `.npz` member is: preamble, header dict
/// (the Python-literal parser), dtype, shape and data size. A thrown error is a correct
/// answer; a trap, a crash or an ASan report is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let bytes = [UInt8](fuzzInput(data, size))
  _ = try? NPY.decode(bytes, name: "fuzz.npy")
  return 0
}

/// The process's entry point (SwiftPM links `main` to `FuzzNPY_main`): libFuzzer's driver.
@_cdecl("FuzzNPY_main")
public func fuzzNPYMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
  runFuzzer(argc, argv, fuzzNPY)
}

import FuzzSupport
import TLFormats

let scratch = ScratchFile(suffix: ".npz")

/// One `.npz` archive: the central directory (end records, ZIP64), the member list, each
/// member read alone, and every member read and decoded, as `inspect` and `compare` do.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPZ(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard scratch.write(fuzzInput(data, size)) else { return 0 }
  if let members = try? NPZ.members(path: scratch.path) {
    for member in members.prefix(16) {
      _ = try? NPZ.read(path: scratch.path, member: member)
    }
  }
  _ = try? NPZ.readAll(path: scratch.path)
  return 0
}

/// The process's entry point (SwiftPM links `main` to `FuzzNPZ_main`): libFuzzer's driver.
@_cdecl("FuzzNPZ_main")
public func fuzzNPZMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
  runFuzzer(argc, argv, fuzzNPZ)
}

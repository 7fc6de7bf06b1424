import FuzzSupport
import TLHDF5

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

let scratch = ScratchFile(suffix: ".h5")

/// One HDF5 file opened through libhdf5: every dataset listed (links followed as `inspect`
/// does) and the first few read, chunked ones through this module's own chunk decoder.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHDF5(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard scratch.write(fuzzInput(data, size)) else { return 0 }
  guard let datasets = try? HDF5.datasets(in: scratch.path) else {
    // A file whose listing fails may still hold a readable dataset at a well-known name.
    _ = try? HDF5.read(file: scratch.path, dataset: "/x")
    return 0
  }
  for info in datasets.prefix(8) {
    _ = try? HDF5.read(file: scratch.path, dataset: info.path)
  }
  return 0
}

/// The process's entry point (SwiftPM links `main` to `FuzzHDF5_main`): libFuzzer's driver.
@_cdecl("FuzzHDF5_main")
public func fuzzHDF5Main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
  // No file locks: the scratch file is rewritten thousands of times a second, and a lock
  // left by a failed open must not fail the next input.
  setenv("HDF5_USE_FILE_LOCKING", "FALSE", 1)
  return runFuzzer(argc, argv, fuzzHDF5)
}

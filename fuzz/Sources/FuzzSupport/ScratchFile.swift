import CLibFuzzer

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A per-process file the readers that take a path (`.npz`, HDF5) are given each input in:
/// in `/dev/shm` when it exists (no disk writes at thousands of inputs a second), else `/tmp`.
public struct ScratchFile: Sendable {
  public let path: String

  public init(suffix: String) {
    let directory = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    path = "\(directory)/tl-run-fuzz-\(getpid())\(suffix)"
  }

  /// Replaces the file's contents with `data`; false when the file cannot be written.
  public func write(_ data: UnsafeRawBufferPointer) -> Bool {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var done = 0
    while done < data.count {
      guard let base = data.baseAddress else { return true }
      let written = systemWrite(descriptor, base + done, data.count - done)
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else { return false }
      done += written
    }
    return true
  }

  public func remove() { unlink(path) }
}

#if canImport(Glibc)
  private let systemWrite = Glibc.write
#elseif canImport(Darwin)
  private let systemWrite = Darwin.write
#endif

/// A fuzz target's test function: one input, as libFuzzer's `LLVMFuzzerTestOneInput` takes it.
public typealias FuzzTest = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

/// Runs libFuzzer on `test` with the process's arguments (every `-flag=value` libFuzzer takes,
/// corpus directories, crash files to replay); returns its exit status.
public func runFuzzer(
  _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ test: FuzzTest
) -> Int32 {
  var count = argc
  var arguments = argv
  return LLVMFuzzerRunDriver(&count, &arguments, test)
}

/// The fuzzer's input as a buffer; libFuzzer may pass a null pointer for an empty input.
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeRawBufferPointer {
  UnsafeRawBufferPointer(start: size > 0 ? data : nil, count: size)
}

import Dispatch
import Synchronization
import TLSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file open for reading that closes itself; every failure throws naming the file.
final class ReadableFile {
  let descriptor: Int32
  /// The size at opening time, in bytes.
  let size: Int
  let source: Source

  /// Opens `path` for reading if it is a regular file (symlinks followed). A FIFO, socket or
  /// device is refused before it is opened (opening a FIFO would wait for a writer), and
  /// checked again on the open descriptor, which is opened non-blocking so that a FIFO put in
  /// its place between the two checks cannot block either.
  init(path: String, source: Source) throws {
    self.source = source
    guard let before = FileKind.of(path) else { throw source.error("cannot open: \(errnoDescription())") }
    try Self.checkRegular(before, source: source)
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else { throw source.error("cannot open: \(errnoDescription())") }
    guard let status = FileStatus(descriptor: descriptor) else {
      let message = errnoDescription()
      close(descriptor)
      throw source.error("cannot stat: \(message)")
    }
    do { try Self.checkRegular(status.kind, source: source) } catch {
      close(descriptor)
      throw error
    }
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    self.descriptor = descriptor
    self.size = Int(status.size)
  }

  /// Throws unless `kind` is a regular file, saying what it is instead.
  static func checkRegular(_ kind: FileKind, source: Source) throws {
    switch kind {
    case .regular: return
    case .directory: throw source.error("is a directory")
    default: throw source.error(kind.refusal(expected: "a regular file"))
    }
  }

  deinit { close(descriptor) }

  /// Reads exactly `count` bytes at `offset` into `destination`. From ``parallelBytes`` per
  /// worker up, in parts of whole huge pages read at once by up to `workers` threads (default:
  /// ``TLSystem/Processors/available``): into fresh pages most of a read's time is the kernel
  /// zeroing them at their first touch, which then runs on every core (TLFormats README). A
  /// failure is the first failed part's, the error a read in one piece gives.
  func read(
    offset: Int, count: Int, into destination: UnsafeMutableRawPointer, workers: Int = Processors.available
  ) throws {
    let workers = min(workers, count / Self.parallelBytes)
    guard workers > 1 else { return try readPart(offset: offset, count: count, into: destination) }
    let part = (count / workers + Memory.hugePage - 1) / Memory.hugePage * Memory.hugePage
    let parts = (count + part - 1) / part
    let failures = Mutex<[(part: Int, error: any Error)]>([])
    let shared = UncheckedSendable((file: self, destination: destination))  // parts apart
    Processors.concurrentPerform(iterations: parts) { index in
      let from = index * part
      let (file, destination) = shared.value
      do {
        try file.readPart(offset: offset + from, count: min(part, count - from), into: destination + from)
      } catch {
        failures.withLock { $0.append((index, error)) }
      }
    }
    if let first = failures.withLock({ $0.min { $0.part < $1.part } }) { throw first.error }
  }

  /// Reads of at least this many bytes per processor (8 MiB) are split over the processors.
  static let parallelBytes = 8 << 20

  private func readPart(offset: Int, count: Int, into destination: UnsafeMutableRawPointer) throws {
    var done = 0
    while done < count {
      let got = pread(descriptor, destination + done, count - done, off_t(offset + done))
      if got < 0 && errno == EINTR { continue }
      guard got >= 0 else { throw source.error("read failed: \(errnoDescription())") }
      guard got > 0 else {
        throw source.error("file shrank while being read (\(offset + done) bytes)")
      }
      done += got
    }
  }

  /// Reads exactly `count` bytes at `offset`.
  func bytes(offset: Int, count: Int) throws -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    try out.withUnsafeMutableBytes { buffer in
      guard let base = buffer.baseAddress else { return }
      try read(offset: offset, count: count, into: base)
    }
    return out
  }
}

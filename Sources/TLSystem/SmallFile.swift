import Foundation

#if canImport(Glibc)
  import Glibc
  private let readBytes = Glibc.read
#elseif canImport(Darwin)
  import Darwin
  private let readBytes = Darwin.read
#endif

/// The whole content of a small file tl-run reads as text (a pipeline, a batch report, an
/// outputs manifest), with a bound: a hostile file of gigabytes (a sparse one takes a few KB on
/// disk) would otherwise be read whole into memory before its first byte is parsed.
public enum SmallFile {
  /// Reads the regular file at `path` (symbolic links followed) if it holds at most `limit`
  /// bytes. The size and kind are those of the descriptor read, so a file swapped meanwhile is
  /// judged as what is read; one that grows while read is refused, not cut short.
  /// - Throws: ``SmallFileError`` saying, in a phrase for after the path, why not: no such
  ///   file, not a regular file (a FIFO would block the read), larger than `limit` (`what`
  ///   names what the file should be, e.g. "a pipeline file"), or a read error.
  public static func read(_ path: String, limit: Int, what: String) throws(SmallFileError) -> Data {
    // Non-blocking, so a FIFO put in the file's place is refused instead of waited on.
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else {
      throw SmallFileError(errno == ENOENT ? "no such file" : "cannot open: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    guard let status = FileStatus(descriptor: descriptor) else {
      throw SmallFileError("cannot read: \(String(cString: strerror(errno)))")
    }
    guard status.kind == .regular else { throw SmallFileError("is \(status.kind), not a regular file") }
    guard status.size <= Int64(limit) else { throw tooLarge(status.size, limit: limit, what: what) }
    // One byte more than stat says: a file that grew since is found, not cut short.
    var data = Data(count: Int(status.size) + 1)
    var filled = 0
    while filled < data.count {
      let got = data.withUnsafeMutableBytes { buffer -> Int in
        guard let base = buffer.baseAddress else { return 0 }
        return readBytes(descriptor, base + filled, buffer.count - filled)
      }
      if got < 0 && errno == EINTR { continue }
      guard got >= 0 else { throw SmallFileError("cannot read: \(String(cString: strerror(errno)))") }
      if got == 0 { break }
      filled += got
    }
    guard filled <= status.size else { throw SmallFileError("changed while it was read; read it again") }
    data.count = filled
    return data
  }

  private static func tooLarge(_ size: Int64, limit: Int, what: String) -> SmallFileError {
    SmallFileError("is \(size) bytes, more than the \(limit) tl-run reads as \(what)")
  }
}

/// Why ``SmallFile/read(_:limit:what:)`` refused a file: a phrase to follow its path.
public struct SmallFileError: Error, Sendable, Equatable {
  public let message: String
  public init(_ message: String) { self.message = message }
}

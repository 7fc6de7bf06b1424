#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The text of the current `errno`, for error messages.
func errnoText() -> String { String(cString: strerror(errno)) }

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
    var before = stat()
    guard stat(path, &before) == 0 else { throw source.error("cannot open: \(errnoText())") }
    try Self.checkRegular(before.st_mode, source: source)
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else { throw source.error("cannot open: \(errnoText())") }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      let message = errnoText()
      close(descriptor)
      throw source.error("cannot stat: \(message)")
    }
    do { try Self.checkRegular(info.st_mode, source: source) } catch {
      close(descriptor)
      throw error
    }
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    self.descriptor = descriptor
    self.size = Int(info.st_size)
  }

  /// Throws unless `mode` is a regular file's, saying what it is instead.
  static func checkRegular(_ mode: mode_t, source: Source) throws {
    switch mode & S_IFMT {
    case S_IFREG: return
    case S_IFDIR: throw source.error("is a directory")
    case S_IFIFO: throw source.error("is a FIFO (named pipe), not a regular file")
    case S_IFSOCK: throw source.error("is a socket, not a regular file")
    case S_IFCHR, S_IFBLK: throw source.error("is a device, not a regular file")
    default: throw source.error("is not a regular file")
    }
  }

  deinit { close(descriptor) }

  /// Reads exactly `count` bytes at `offset` into `destination`.
  func read(offset: Int, count: Int, into destination: UnsafeMutableRawPointer) throws {
    var done = 0
    while done < count {
      let got = pread(descriptor, destination + done, count - done, off_t(offset + done))
      if got < 0 && errno == EINTR { continue }
      guard got >= 0 else { throw source.error("read failed: \(errnoText())") }
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

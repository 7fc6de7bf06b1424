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

  init(path: String, source: Source) throws {
    self.source = source
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw source.error("cannot open: \(errnoText())") }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      let message = errnoText()
      close(descriptor)
      throw source.error("cannot stat: \(message)")
    }
    guard info.st_mode & S_IFMT == S_IFREG else {
      close(descriptor)
      throw source.error(
        info.st_mode & S_IFMT == S_IFDIR ? "is a directory" : "is not a regular file")
    }
    self.descriptor = descriptor
    self.size = Int(info.st_size)
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

  /// Maps the first `length` bytes copy-on-write: pages can be written in memory and the file
  /// never changes. Unmap with `munmap(base, length)`.
  func mapPrivate(length: Int) throws -> UnsafeMutableRawPointer {
    let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE, descriptor, 0)
    guard let base, base != MAP_FAILED else {
      throw source.error("cannot memory-map: \(errnoText())")
    }
    return base
  }
}

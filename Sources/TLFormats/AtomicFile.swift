#if canImport(Glibc)
  import Glibc
  private let systemWrite = Glibc.write
#elseif canImport(Darwin)
  import Darwin
  private let systemWrite = Darwin.write
#endif

/// Writes a file under a temporary name in the same directory, then renames it into place, so
/// the final name never holds a half-written file.
enum AtomicFile {
  /// Calls `body` with a function that appends bytes; on any failure the temporary is removed.
  static func write(
    path: String, source: Source, _ body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws {
    let temporary = temporaryPath(for: path)
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw source.error("cannot create \(temporary): \(errnoText())") }
    var closed = false
    defer {
      if !closed { close(descriptor) }
    }
    do {
      try body { chunk in try writeAll(descriptor, chunk, source: source) }
      closed = true
      guard close(descriptor) == 0 else { throw source.error("close failed: \(errnoText())") }
      guard rename(temporary, path) == 0 else {
        throw source.error("cannot rename into place: \(errnoText())")
      }
    } catch {
      unlink(temporary)
      throw error
    }
  }

  /// A name beside `path` that no other writer picks: `.NAME.tmp-PID-RANDOM`.
  static func temporaryPath(for path: String) -> String {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    return "\(directory).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
  }

  private static func writeAll(_ descriptor: Int32, _ chunk: UnsafeRawBufferPointer, source: Source)
    throws
  {
    guard var next = chunk.baseAddress else { return }
    var left = chunk.count
    while left > 0 {
      let wrote = systemWrite(descriptor, next, left)
      if wrote < 0 && errno == EINTR { continue }
      guard wrote > 0 else { throw source.error("write failed: \(errnoText())") }
      next += wrote
      left -= wrote
    }
  }
}

import Dispatch

#if canImport(Glibc)
  import Glibc
  private let systemWrite = Glibc.write
#elseif canImport(Darwin)
  import Darwin
  private let systemWrite = Darwin.write
#endif

/// Writes a file under a temporary name in the same directory, then renames it into place, so
/// the final name never holds a half-written file.
public enum AtomicFile {
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
      try replace(path, with: temporary, source: source)
    } catch {
      unlink(temporary)
      throw error
    }
  }

  /// Moves the complete file `temporary` to `path` in one step. An existing file at `path` is
  /// swapped with it (`renameat2` `RENAME_EXCHANGE`) and then removed on a background queue;
  /// ``finishRemovals()`` waits for those removals. A plain rename over an existing file costs
  /// the caller 20–80 ms per 28 MB array on ext4 (it writes the new file's data out and frees
  /// the old one's pages before returning), more than writing the array; where the exchange is
  /// not supported, it is what happens.
  static func replace(_ path: String, with temporary: String, source: Source) throws {
    var existing = stat()
    if let exchange = RenameExchange.function, lstat(path, &existing) == 0,
      existing.st_mode & S_IFMT == S_IFREG,  // never swap with a directory or a link
      exchange(AT_FDCWD, temporary, AT_FDCWD, path, RenameExchange.flag) == 0
    {
      removals.async { _ = unlink(temporary) }  // the old file, now under the temporary name
      return
    }
    guard rename(temporary, path) == 0 else {
      throw source.error("cannot rename into place: \(errnoText())")
    }
  }

  /// Waits until the old files that ``replace(_:with:source:)`` gave up are removed.
  public static func finishRemovals() { removals.sync {} }

  private static let removals = DispatchQueue(label: "tl-run.atomic-file.removals")

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

/// `renameat2(2)`, looked up in the C library at run time: Swift's Glibc module does not
/// import it. Absent (nil) on systems without it.
private enum RenameExchange {
  typealias Function =
    @convention(c) (
      Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32
    ) -> Int32
  static let flag: UInt32 = 1 << 1  // RENAME_EXCHANGE
  nonisolated(unsafe) static let function: Function? = {
    #if os(Linux)
      guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
      return unsafeBitCast(symbol, to: Function.self)
    #else
      return nil
    #endif
  }()
}

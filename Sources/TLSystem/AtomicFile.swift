import CTLSystem
import Dispatch

#if canImport(Glibc)
  import Glibc
  private let systemWrite = Glibc.write
  private let systemRead = Glibc.read
#elseif canImport(Darwin)
  import Darwin
  private let systemWrite = Darwin.write
  private let systemRead = Darwin.read
#endif

/// The one writer of every file tl-run makes (`.npy`, `.npz`, `.h5`): its final name never
/// holds a half-written file, and a crash or `kill -9` leaves the old file or the new one.
///
/// ``write(to:expecting:_:)`` streams bytes into an unnamed file (`O_TMPFILE`) in the target's
/// directory on Linux: until it is complete it has no name, so a process killed while writing
/// leaves nothing (the kernel frees it). The complete file is then linked in (`linkat` through
/// `/proc/self/fd`, else `AT_EMPTY_PATH`): straight to the final name when there is none yet,
/// else to a fresh temporary name `.NAME.tmp-PID-RANDOM` that is at once exchanged with (or
/// renamed over) the old file. Where unnamed files are not available (another system, a
/// filesystem without them), the data is written under that temporary name instead.
///
/// ``replace(_:expecting:copyingExisting:_:)`` is for writers that need a path to write to
/// (ZIPFoundation, libhdf5): they build the file under `.NAME.tmp-PID-RANDOM`, which is then
/// moved into place the same way.
///
/// Either way, a target that exists and is not a regular file (after following symbolic
/// links) is refused before anything is written: a directory, FIFO or device is never
/// replaced. A symbolic link to a regular file is replaced by the new file, as `rename` does;
/// its target is not written. On any failure nothing is left behind and the target is as it
/// was. Errors are ``FileError``s naming the target.
public enum AtomicFile {
  /// What a writer's `body` appends the new file's bytes with: call it with bytes, or
  /// ``zeros(_:)`` for a run of zero bytes that is not written at all (a hole in the file, on
  /// filesystems that have them: no page cache, no disk blocks; they read back as zeros).
  public final class Appender {
    let descriptor: Int32
    let path: String
    /// Whether the last thing appended was a hole, which only sets the file's length at the end.
    private var endsInHole = false

    init(descriptor: Int32, path: String) {
      self.descriptor = descriptor
      self.path = path
    }

    /// Appends `chunk`; throws a ``FileError`` naming the target when the write fails.
    public func callAsFunction(_ chunk: UnsafeRawBufferPointer) throws {
      guard chunk.count > 0 else { return }
      try writeAll(descriptor, chunk, path: path)
      endsInHole = false
    }

    /// Appends `count` zero bytes by moving past them (`lseek`), leaving a hole.
    public func zeros(_ count: Int) throws {
      guard count > 0 else { return }
      guard lseek(descriptor, off_t(count), SEEK_CUR) >= 0 else {
        throw FileError(path: path, message: "cannot seek past \(count) zero bytes: \(errnoDescription())")
      }
      endsInHole = true
    }

    /// Gives the file its whole length when it ends in a hole (`ftruncate` to the offset).
    func finish() throws {
      guard endsInHole else { return }
      let end = lseek(descriptor, 0, SEEK_CUR)
      guard end >= 0, ftruncate(descriptor, end) == 0 else {
        throw FileError(path: path, message: "cannot set the length: \(errnoDescription())")
      }
      endsInHole = false
    }

    /// Runs `body` with this appender, then ``finish()``.
    func run(_ body: (Appender) throws -> Void) throws {
      try body(self)
      try finish()
    }
  }

  /// Calls `body` with an ``Appender`` that appends bytes to the new file, then puts it in place.
  /// `expecting` names what the target should be, for the refusal of a FIFO or device (`is a
  /// FIFO (named pipe), not a regular file`). Stale temporaries are not looked for: the
  /// caller does that, once for all the files of a directory
  /// (``removeStaleTemporaries(in:for:staleAfter:)``).
  public static func write(
    to path: String, expecting: String = "a regular file",
    _ body: (Appender) throws -> Void
  ) throws {
    try checkTarget(path, expecting: expecting)
    if let descriptor = UnnamedFile.open(besides: path), try writeUnnamed(descriptor, path: path, body) {
      return
    }
    let temporary = temporaryPath(for: path)
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw FileError(path: path, message: "cannot create \(temporary): \(errnoDescription())")
    }
    var closed = false
    defer {
      if !closed { close(descriptor) }
    }
    do {
      try withTemporaryRegistered(temporary) {
        try Appender(descriptor: descriptor, path: path).run(body)
        closed = true
        guard close(descriptor) == 0 else {
          throw FileError(path: path, message: "close failed: \(errnoDescription())")
        }
        try move(temporary, over: path)
      }
    } catch {
      unlink(temporary)
      throw error
    }
  }

  /// Calls `body` with a temporary path beside `path` to build the new file at, then moves it
  /// into place. The temporary is registered with the crash guard meanwhile
  /// (``withTemporaryRegistered(_:_:)``): a crash inside libhdf5, or a mapped input truncated
  /// while `body` reads it, removes it. With `copyingExisting`, an existing `path` is first copied there, so `body`
  /// can add to it (`copied` says whether it did; else nothing is at the temporary path yet).
  /// Stale temporaries of `path` are removed first (``removeStaleTemporaries(besides:)``).
  public static func replace(
    _ path: String, expecting: String = "a regular file", copyingExisting: Bool = false,
    _ body: (_ temporary: String, _ copied: Bool) throws -> Void
  ) throws {
    let exists = try checkTarget(path, expecting: expecting)
    removeStaleTemporaries(besides: path)
    let temporary = temporaryPath(for: path)
    do {
      try withTemporaryRegistered(temporary) {
        let copied = copyingExisting && exists
        if copied { try copy(path, to: temporary) }
        try body(temporary, copied)
        try move(temporary, over: path)
      }
    } catch {
      unlink(temporary)
      throw error
    }
  }

  /// Throws unless `path` is missing or a regular file (symbolic links followed); true when
  /// it is one.
  @discardableResult
  static func checkTarget(_ path: String, expecting: String) throws -> Bool {
    guard let kind = FileKind.of(path) else { return false }
    switch kind {
    case .regular: return true
    case .directory: throw FileError(path: path, message: "is a directory, not a file to write")
    default: throw FileError(path: path, message: kind.refusal(expected: expecting))
    }
  }

  /// Writes through the unnamed file and links it in; false when it cannot be linked at all
  /// (no `/proc`, no right to `AT_EMPTY_PATH`): the caller then writes a named file.
  private static func writeUnnamed(
    _ descriptor: Int32, path: String, _ body: (Appender) throws -> Void
  ) throws -> Bool {
    defer { close(descriptor) }
    try Appender(descriptor: descriptor, path: path).run(body)
    return try linkUnnamed(descriptor, path: path)
  }

  /// Links the complete unnamed file in: to the final name if that is free, else to a
  /// temporary one exchanged with the old file; false when it cannot be linked at all.
  static func linkUnnamed(_ descriptor: Int32, path: String) throws -> Bool {
    if UnnamedFile.link(descriptor, to: path) { return true }
    guard errno == EEXIST else { return false }
    let temporary = temporaryPath(for: path)
    guard UnnamedFile.link(descriptor, to: temporary) else { return false }
    do { try move(temporary, over: path) } catch {
      unlink(temporary)
      throw error
    }
    return true
  }

  /// Moves the complete file `temporary` to `path` in one step. An existing regular file at
  /// `path` is swapped with it (`renameat2` `RENAME_EXCHANGE`) and then removed on a
  /// background queue; ``finishRemovals()`` waits for those removals. A plain rename over an
  /// existing file costs the caller 20–80 ms per 28 MB array on ext4 (it writes the new file's
  /// data out and frees the old one's pages before returning), more than writing the array;
  /// where the exchange is not supported, it is what happens.
  static func move(_ temporary: String, over path: String) throws {
    if FileKind.of(path, followingLinks: false) == .regular,  // never swap with a directory or a link
      CTLSystem_RENAME_EXCHANGE != 0,
      CTLSystem_renameat2(AT_FDCWD, temporary, AT_FDCWD, path, CTLSystem_RENAME_EXCHANGE) == 0
    {
      removals.async { _ = unlink(temporary) }  // the old file, now under the temporary name
      return
    }
    guard rename(temporary, path) == 0 else {
      throw FileError(path: path, message: "cannot rename into place: \(errnoDescription())")
    }
  }

  /// Waits until the old files that a replacement gave up are removed.
  public static func finishRemovals() { removals.sync {} }

  private static let removals = DispatchQueue(label: "tl-run.atomic-file.removals")

  /// Copies the regular file `source` (symbolic links followed) to the new file `target`.
  private static func copy(_ source: String, to target: String) throws {
    func failure(_ reason: String) -> FileError {
      FileError(path: source, message: "cannot copy it to a temporary file beside it: \(reason)")
    }
    // Non-blocking, so a FIFO put in the file's place since it was checked cannot block.
    let input = open(source, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard input >= 0 else { throw failure(errnoDescription()) }
    defer { close(input) }
    guard let status = FileStatus(descriptor: input) else { throw failure(errnoDescription()) }
    guard status.kind == .regular else { throw failure("it \(status.kind.refusal(expected: "a regular file"))") }
    let output = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard output >= 0 else { throw failure(errnoDescription()) }
    defer { close(output) }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    defer { buffer.deallocate() }
    while true {
      let got = systemRead(input, buffer.baseAddress, buffer.count)
      if got < 0 && errno == EINTR { continue }
      guard got >= 0 else { throw failure(errnoDescription()) }
      if got == 0 { return }
      do { try writeAll(output, UnsafeRawBufferPointer(rebasing: buffer[..<got]), path: source) } catch let error
        as FileError
      {
        throw failure(error.message)
      }
    }
  }

  static func writeAll(_ descriptor: Int32, _ chunk: UnsafeRawBufferPointer, path: String) throws {
    guard var next = chunk.baseAddress else { return }
    var left = chunk.count
    while left > 0 {
      let wrote = systemWrite(descriptor, next, left)
      if wrote < 0 && errno == EINTR { continue }
      if wrote < 0 && errno == EFAULT {
        // The kernel could not read the bytes: memory mapped from an input file that was
        // truncated meanwhile. Read here, they fault in user space, where the crash guard
        // names that file and ends the process (exit status 2).
        let reason = errnoDescription()
        Memory.readEveryPage(UnsafeRawBufferPointer(start: next, count: left))
        throw FileError(path: path, message: "write failed: \(reason)")
      }
      guard wrote > 0 else { throw FileError(path: path, message: "write failed: \(errnoDescription())") }
      next += wrote
      left -= wrote
    }
  }
}

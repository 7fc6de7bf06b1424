import Dispatch

#if canImport(Glibc)
  import Glibc
  private let systemWrite = Glibc.write
#elseif canImport(Darwin)
  import Darwin
  private let systemWrite = Darwin.write
#endif

/// Writes a file so that its final name never holds a half-written file and a crash or
/// `kill -9` leaves nothing behind.
///
/// On Linux the data goes into an unnamed file (`O_TMPFILE`) in the target's directory: until
/// it is complete it has no name, so a process killed while writing leaves no file at all (the
/// kernel frees it). The complete file is then linked in (`linkat` through `/proc/self/fd`,
/// else `AT_EMPTY_PATH`): straight to the final name when there is none yet, else to a fresh
/// temporary name `.NAME.tmp-PID-RANDOM` that is at once renamed (or exchanged) over the old
/// file. Where unnamed files are not available (another system, a filesystem without them),
/// the data is written under that temporary name instead and renamed into place; a failure
/// removes it.
public enum AtomicFile {
  /// Calls `body` with a function that appends bytes; on any failure nothing is left behind.
  static func write(
    path: String, source: Source, _ body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws {
    if let descriptor = UnnamedFile.open(besides: path),
      try writeUnnamed(descriptor, path: path, source: source, body)
    {
      return
    }
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

  /// Writes through the unnamed file and links it in; false when it cannot be linked at all
  /// (no `/proc`, no right to `AT_EMPTY_PATH`): the caller then writes a named file.
  private static func writeUnnamed(
    _ descriptor: Int32, path: String, source: Source,
    _ body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws -> Bool {
    defer { close(descriptor) }
    try body { chunk in try writeAll(descriptor, chunk, source: source) }
    // The data is complete: give it the final name if that is free, else a temporary one.
    if UnnamedFile.link(descriptor, to: path) { return true }
    guard errno == EEXIST else { return false }
    let temporary = temporaryPath(for: path)
    guard UnnamedFile.link(descriptor, to: temporary) else { return false }
    do { try replace(path, with: temporary, source: source) } catch {
      unlink(temporary)
      throw error
    }
    return true
  }

  /// Removes the temporary files `.NAME.tmp-PID-RANDOM` that a tl-run killed while writing
  /// (or an older version, which wrote every file that way) left in `directory` for a target
  /// named in `names`: only regular files of this user matching that pattern exactly, whose
  /// process is gone (no process of that id on this machine) and that nobody has written for
  /// `staleAfter` seconds (a live writer on another machine sharing the directory keeps its
  /// file's time current). Removal is best effort: a file that cannot be removed stays.
  public static func removeStaleTemporaries(
    in directory: String, for names: Set<String>, staleAfter: Double = 600
  ) {
    guard let listing = opendir(directory.isEmpty ? "." : directory) else { return }
    var found: [String] = []
    while let entry = readdir(listing) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if let target = temporaryTarget(name), names.contains(target.name), target.pid != getpid(),
        kill(target.pid, 0) != 0 && errno == ESRCH
      {
        found.append(name)
      }
    }
    closedir(listing)
    let now = Double(time(nil))
    for name in found {
      let file = directory.isEmpty || directory.hasSuffix("/") ? directory + name : directory + "/" + name
      var info = stat()
      guard lstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == getuid(),
        now - Double(info.st_mtim.tv_sec) >= staleAfter
      else { continue }
      unlink(file)
    }
  }

  /// ``removeStaleTemporaries(in:for:staleAfter:)`` for the one file `path`.
  public static func removeStaleTemporaries(besides path: String) {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    removeStaleTemporaries(in: directory, for: [name])
  }

  /// For `.NAME.tmp-PID-RANDOM` (decimal numbers), NAME and PID; nil for any other name.
  static func temporaryTarget(_ file: String) -> (name: String, pid: pid_t)? {
    guard file.hasPrefix("."), let marker = file.range(of: ".tmp-", options: .backwards) else { return nil }
    let name = String(file[file.index(after: file.startIndex)..<marker.lowerBound])
    let numbers = file[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
    guard !name.isEmpty, numbers.count == 2,
      numbers.allSatisfy({ !$0.isEmpty && $0.count <= 10 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let pid = pid_t(numbers[0]), pid > 0, UInt32(numbers[1]) != nil
    else { return nil }
    return (name, pid)
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
  static let function: Function? = {
    #if os(Linux)
      guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
      return unsafeBitCast(symbol, to: Function.self)
    #else
      return nil
    #endif
  }()
}

/// `O_TMPFILE` files: created without a name, linked in once complete (Linux only).
enum UnnamedFile {
  #if os(Linux) && (arch(x86_64) || arch(arm64))
    /// `O_TMPFILE` is `__O_TMPFILE | O_DIRECTORY`; Swift's Glibc module imports neither the
    /// macro nor `__O_TMPFILE` (0o20000000 on x86-64 and arm64).
    private static let tmpfileFlag: Int32 = 0o2000_0000 | O_DIRECTORY
    private static let emptyPath: Int32 = 0x1000  // AT_EMPTY_PATH
  #endif

  /// An unnamed file open for writing in `path`'s directory, or nil where there is none to
  /// have (not Linux, or a filesystem without `O_TMPFILE`): the caller writes a named one.
  static func open(besides path: String) -> Int32? {
    #if os(Linux) && (arch(x86_64) || arch(arm64))
      let slash = path.lastIndex(of: "/")
      let directory = slash.map { String(path[...$0]) } ?? "."
      let descriptor = Glibc.open(directory, tmpfileFlag | O_WRONLY | O_CLOEXEC, 0o644)
      return descriptor >= 0 ? descriptor : nil
    #else
      return nil
    #endif
  }

  /// Links the unnamed file to `path` (which must not exist); false with `errno` set when it
  /// cannot.
  static func link(_ descriptor: Int32, to path: String) -> Bool {
    #if os(Linux) && (arch(x86_64) || arch(arm64))
      if linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 { return true }
      let saved = errno
      if saved == EEXIST { return false }
      // No /proc: AT_EMPTY_PATH, which needs CAP_DAC_READ_SEARCH before Linux 6.10.
      if linkat(descriptor, "", AT_FDCWD, path, emptyPath) == 0 { return true }
      if errno != EEXIST { errno = saved }
      return false
    #else
      errno = ENOTSUP
      return false
    #endif
  }
}

internal import CTLCrashGuard

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension AtomicFile {
  /// Registers the temporary file `path` with the crash guard while `body` runs: a fault the
  /// guard reports (a crash inside libhdf5, a mapped input truncated under tl-run) removes it
  /// before the process ends. Without a free slot, or without the guard's handlers, the file
  /// stays behind as after `kill -9`, for ``removeStaleTemporaries(in:for:staleAfter:)``.
  static func withTemporaryRegistered<R>(_ path: String, _ body: () throws -> R) rethrows -> R {
    let slot = registerTemporary(path)
    defer { unregisterTemporary(slot) }
    return try body()
  }

  /// ``withTemporaryRegistered(_:_:)``'s registration alone: a slot, or -1.
  static func registerTemporary(_ path: String) -> Int32 { tlcg_register_temporary(path) }

  /// Forgets a slot of ``registerTemporary(_:)`` (-1 is ignored).
  static func unregisterTemporary(_ slot: Int32) { tlcg_unregister_temporary(slot) }

  /// Removes the temporary files `.NAME.tmp-PID-RANDOM` that a tl-run killed while writing
  /// (or an older version, which wrote every file that way) left in `directory` for a target
  /// named in `names`: only regular files of this user matching that pattern exactly, whose
  /// process is gone (no process of that id on this machine) and that nobody has written for
  /// `staleAfter` seconds (a live writer on another machine sharing the directory keeps its
  /// file's time current). Removal is best effort: a file that cannot be removed stays.
  public static func removeStaleTemporaries(
    in directory: String, for names: Set<String>, staleAfter: Double = 600
  ) {
    // The name is read in place, up to its NUL: glibc sizes a record to its name, so copying
    // the whole 256-byte `d_name` reads past the record (AddressSanitizer, FuzzSafeTensors).
    guard let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name),
      let listing = opendir(directory.isEmpty ? "." : directory)
    else { return }
    var found: [String] = []
    while let entry = readdir(listing) {
      let field = UnsafeRawPointer(entry).advanced(by: nameOffset)
      let name = String(cString: field.assumingMemoryBound(to: CChar.self))
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
      guard let status = FileStatus(file, followingLinks: false), status.kind == .regular,
        status.owner == UInt32(getuid()), now - Double(status.modifiedNanoseconds / 1_000_000_000) >= staleAfter
      else { continue }
      unlink(file)
    }
  }

  /// ``removeStaleTemporaries(in:for:staleAfter:)`` for the one file `path`.
  public static func removeStaleTemporaries(besides path: String) {
    let (directory, name) = split(path)
    removeStaleTemporaries(in: directory, for: [name])
  }

  /// For `.NAME.tmp-PID-RANDOM` (decimal numbers), NAME and PID; nil for any other name.
  static func temporaryTarget(_ file: String) -> (name: String, pid: pid_t)? {
    guard file.hasPrefix("."), let marker = file.lastRange(of: ".tmp-") else { return nil }
    let name = String(file[file.index(after: file.startIndex)..<marker.lowerBound])
    let numbers = file[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
    guard !name.isEmpty, numbers.count == 2,
      numbers.allSatisfy({ !$0.isEmpty && $0.count <= 10 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let pid = pid_t(numbers[0]), pid > 0, UInt32(numbers[1]) != nil
    else { return nil }
    return (name, pid)
  }

  /// A name beside `path` that no other writer picks: `.NAME.tmp-PID-RANDOM`.
  static func temporaryPath(for path: String) -> String {
    let (directory, name) = split(path)
    return "\(directory).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
  }

  /// The directory part of `path` with its final slash (empty for a bare name), and the name.
  private static func split(_ path: String) -> (directory: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return ("", path) }
    return (String(path[...slash]), String(path[path.index(after: slash)...]))
  }
}

extension String {
  /// The range of the last occurrence of `needle`, without Foundation.
  fileprivate func lastRange(of needle: String) -> Range<Index>? {
    var index = endIndex
    while index > startIndex {
      index = self.index(before: index)
      if self[index...].hasPrefix(needle) { return index..<self.index(index, offsetBy: needle.count) }
    }
    return nil
  }
}

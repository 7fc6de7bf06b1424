import CTLSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `O_TMPFILE` files: created without a name, linked in once complete (Linux only).
enum UnnamedFile {
  /// An unnamed file open for writing in `path`'s directory, or nil where there is none to
  /// have (not Linux, or a filesystem without `O_TMPFILE`): the caller writes a named one.
  static func open(besides path: String) -> Int32? {
    guard CTLSystem_O_TMPFILE != 0 else { return nil }
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? "."
    let descriptor = systemOpen(directory, CTLSystem_O_TMPFILE | O_WRONLY | O_CLOEXEC, 0o644)
    return descriptor >= 0 ? descriptor : nil
  }

  /// Links the unnamed file to `path` (which must not exist); false with `errno` set when it
  /// cannot.
  static func link(_ descriptor: Int32, to path: String) -> Bool {
    guard CTLSystem_O_TMPFILE != 0 else {
      errno = ENOTSUP
      return false
    }
    if linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 { return true }
    let saved = errno
    if saved == EEXIST { return false }
    // No /proc: AT_EMPTY_PATH, which needs CAP_DAC_READ_SEARCH before Linux 6.10.
    if CTLSystem_AT_EMPTY_PATH != 0, linkat(descriptor, "", AT_FDCWD, path, CTLSystem_AT_EMPTY_PATH) == 0 {
      return true
    }
    if errno != EEXIST { errno = saved }
    return false
  }

  private static func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    #if canImport(Glibc)
      Glibc.open(path, flags, mode)
    #else
      Darwin.open(path, flags, mode)
    #endif
  }
}

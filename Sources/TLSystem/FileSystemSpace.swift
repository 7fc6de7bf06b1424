#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Free space where files are written.
public enum FileSystemSpace {
  /// Bytes an unprivileged writer may still use on the file system holding `path`
  /// (`statvfs`'s `f_bavail × f_frsize`); nil when the system does not say.
  public static func available(at path: String) -> Int? {
    var status = statvfs()
    guard statvfs(path, &status) == 0 else { return nil }
    let (bytes, overflow) = Int(status.f_bavail).multipliedReportingOverflow(by: Int(status.f_frsize))
    return overflow ? Int.max : bytes
  }
}

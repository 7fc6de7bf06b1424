import TLArray

/// Which array names may become a file or a member name, so that no name read from a file
/// (an `.npz` member `../../evil.npy`, a key with a NUL) can write anywhere but its target.
public enum ArrayNameCheck {
  /// Why `name` cannot be the file `NAME.npy` directly inside a directory, or nil when it can:
  /// it must be one plain path component (no `/`, no backslash, which is a separator on
  /// Windows), not empty, not hidden (a leading `.`: tl-run's own temporary files and outputs
  /// manifest live there), with no NUL or other control character.
  public static func fileNameProblem(_ name: String) -> String? {
    if let problem = commonProblem(name) { return problem }
    if name.contains("/") { return "it holds '/', a directory separator" }
    if name.hasPrefix(".") { return "it starts with '.', which would make a hidden file" }
    return nil
  }

  /// Why `name` cannot be the member `NAME.npy` of an `.npz`, or nil when it can. Members in
  /// subdirectories (`sub/W`, which NumPy keys as written) are allowed; a name that would
  /// leave the directory it is extracted into is not: absolute (`/x`), a `..` or `.`
  /// component, an empty component (`a//b`), a backslash, a NUL or control character.
  public static func memberNameProblem(_ name: String) -> String? {
    if let problem = commonProblem(name) { return problem }
    if name.hasPrefix("/") { return "it is an absolute path" }
    let parts = name.split(separator: "/", omittingEmptySubsequences: false)
    if parts.contains(where: { $0 == ".." || $0 == "." }) { return "it holds a '.' or '..' path component" }
    if parts.contains(where: \.isEmpty) { return "it holds an empty path component" }
    return nil
  }

  private static func commonProblem(_ name: String) -> String? {
    if name.isEmpty { return "it is empty" }
    if name.contains("\\") { return "it holds a backslash, a directory separator on Windows" }
    if name.unicodeScalars.contains(where: { TerminalText.isControl($0) }) {
      return "it holds a control character"
    }
    return nil
  }
}

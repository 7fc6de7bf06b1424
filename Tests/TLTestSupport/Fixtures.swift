import Foundation

/// Paths of the committed fixtures under `testdata/`, found from this file's location so tests
/// run from any working directory.
public enum Fixtures {
  /// The repository's root directory.
  public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `testdata/` itself.
  public static let root: URL = repositoryRoot.appendingPathComponent("testdata")

  /// The path of `relative` under `testdata/`.
  public static func path(_ relative: String) -> String {
    root.appendingPathComponent(relative).path
  }

  /// A fresh, empty directory for one test's outputs, removed by the caller when done.
  /// Writes a small file `name` in `directory` whose modification time is `ageSeconds` ago
  /// (a stale temporary file, for the writers' clean-up).
  public static func writeAgedFile(_ name: String, in directory: URL, ageSeconds: Int) throws {
    let path = directory.appendingPathComponent(name).path
    try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
    let then = timeval(tv_sec: time(nil) - ageSeconds, tv_usec: 0)
    var times = [then, then]
    guard utimes(path, &times) == 0 else { throw CocoaError(.fileWriteUnknown) }
  }

  public static func temporaryDirectory(_ label: String = "test") throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("tl-run-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

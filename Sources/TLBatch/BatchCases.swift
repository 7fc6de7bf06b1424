import Foundation

/// One case of a batch: a subdirectory of the batch directory.
public struct BatchCase: Sendable, Equatable {
  /// The subdirectory's name, which names the case in every report.
  public var name: String
  /// Its absolute path, so results and the shared-weights cache key on full paths.
  public var directory: String

  public init(name: String, directory: String) {
    self.name = name
    self.directory = directory
  }

  /// The cases of `directory`: every immediate subdirectory (symbolic links to directories
  /// included), sorted by name. Hidden ones (`.git`, `.snapshot`) are skipped, since they are
  /// never cases and shared filesystems put them in unasked.
  public static func discover(in directory: String) throws(BatchError) -> [BatchCase] {
    let root = URL(fileURLWithPath: directory).standardizedFileURL
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
      throw BatchError("--batch \(directory): no such directory")
    }
    guard isDirectory.boolValue else { throw BatchError("--batch \(directory): not a directory") }
    let names: [String]
    do { names = try FileManager.default.contentsOfDirectory(atPath: root.path) } catch {
      throw BatchError("--batch \(directory): cannot list the directory: \(error.localizedDescription)")
    }
    return names.filter { !$0.hasPrefix(".") }.sorted(by: byName).compactMap { name in
      let path = root.appendingPathComponent(name).path
      var isCase: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isCase), isCase.boolValue else { return nil }
      return BatchCase(name: name, directory: path)
    }
  }

  /// Byte order of the UTF-8 names, as `LC_ALL=C ls` sorts: the same on every machine, so
  /// every shard of a batch sees the same list.
  static func byName(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
  }
}

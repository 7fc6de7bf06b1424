import Foundation
import TLSystem

/// The record a run keeps in a directory of outputs, `.tl-run-outputs.json`: the `.npy` files
/// the last run wrote there, each with the size, modification time and inode it had when
/// written. The next run removes those it does not write again, so the directory holds exactly
/// that run's arrays, and it removes only files that are still the ones tl-run wrote.
///
/// The name starts with a dot and does not end in `.npy`, so it is never read as an array:
/// `compare`, `inspect` and a `reference` directory pass it by.
public struct OutputsManifest: Codable, Sendable, Equatable {
  /// The manifest's file name inside a directory of outputs.
  public static let fileName = ".tl-run-outputs.json"

  /// One file a run wrote, as it was when written.
  public struct File: Codable, Sendable, Equatable {
    /// The file name, `NAME.npy`, directly inside the directory.
    public var name: String
    public var size: Int64
    /// Modification time in nanoseconds since 1970.
    public var mtimeNanoseconds: Int64
    public var inode: UInt64

    enum CodingKeys: String, CodingKey {
      case name, size, inode
      case mtimeNanoseconds = "mtime_ns"
    }

    /// Whether `path` is still this file: a regular file (not a link) of the recorded size,
    /// modification time and inode.
    public func matches(_ path: String) -> Bool {
      guard let now = Self.status(of: path, name: name) else { return false }
      return now == self
    }

    /// The regular file `path` as it is now, or nil when it is missing or not a regular file.
    static func status(of path: String, name: String) -> File? {
      guard let status = FileStatus(path, followingLinks: false), status.kind == .regular else { return nil }
      return File(name: name, size: status.size, mtimeNanoseconds: status.modifiedNanoseconds, inode: status.inode)
    }
  }

  public var version = 1
  public var files: [File]

  public init(files: [File]) { self.files = files }

  /// The largest manifest read (16 MiB: it lists one short line per output file).
  static let maximumFileSize = 16 << 20

  /// The manifest in `directory`, nil when there is none. One that is not a tl-run manifest,
  /// or lists a name that is not a plain `NAME.npy`, is an error: the run must not guess what
  /// it may remove.
  public static func read(directory: String) throws -> OutputsManifest? {
    let path = ArrayIO.join(directory, fileName)
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    let bad = "not a tl-run outputs manifest; remove it (and any outputs of earlier runs) and run again"
    let data: Data
    do { data = try SmallFile.read(path, limit: maximumFileSize, what: "an outputs manifest") } catch {
      throw ArrayIOError(path: path, "cannot read the outputs manifest: it \(error.message)")
    }
    let manifest: OutputsManifest
    do { manifest = try JSONDecoder().decode(OutputsManifest.self, from: data) } catch {
      throw ArrayIOError(path: path, bad)
    }
    guard manifest.version == 1 else {
      throw ArrayIOError(path: path, "outputs manifest version \(manifest.version); this tl-run reads version 1")
    }
    if let odd = manifest.files.first(where: { !isPlainArrayFileName($0.name) }) {
      throw ArrayIOError(path: path, "lists \"\(odd.name)\", which is not a NAME.npy in this directory; \(bad)")
    }
    return manifest
  }

  /// Writes the manifest of `names` (files just written in `directory`) atomically.
  public static func record(_ names: [String], in directory: String) throws {
    let files = names.compactMap { name in File.status(of: ArrayIO.join(directory, name), name: name) }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let path = ArrayIO.join(directory, fileName)
    do {
      let data = try encoder.encode(OutputsManifest(files: files)) + Data("\n".utf8)
      try AtomicFile.write(to: path) { append in try data.withUnsafeBytes { try append($0) } }
    } catch let error as FileError {
      throw ArrayIOError(path: path, "cannot write the outputs manifest: \(error.message)")
    } catch {
      throw ArrayIOError(path: path, "cannot write the outputs manifest: \(error.localizedDescription)")
    }
  }

  /// `NAME.npy` with no directory part.
  static func isPlainArrayFileName(_ name: String) -> Bool {
    name.hasSuffix(".npy") && name.count > 4 && !name.contains("/") && !name.hasPrefix(".")
      && name != ".." && !name.contains("\0")
  }

  /// Whether `path` is a regular file or a symbolic link (never a directory).
  static func isFileOrLink(_ path: String) -> Bool {
    let kind = FileKind.of(path, followingLinks: false)
    return kind == .regular || kind == .symbolicLink
  }
}

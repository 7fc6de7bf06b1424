import Foundation
import TLArray
import TLSystem
import ZIPFoundation

/// NumPy's `.npz` format: a zip archive of `.npy` files, one member `KEY.npy` per array.
///
/// Reads as `np.load` does (an `NpzFile` over Python's `zipfile`): by the central directory
/// (``ZipArchive``), so ZIP64 local headers, data descriptors and bytes prepended to the
/// archive are all fine; stored, deflated, bzip2 and LZMA members; every member's size and
/// CRC-32 checked. Where `np.load` would raise on one member (a damaged local header, a bad
/// CRC, an unsupported method), reading that member throws naming the file and the member,
/// and so does reading the whole archive: no member the directory lists is ever skipped.
/// Writes archives `np.load` reads (through ZIPFoundation).
public enum NPZ {
  /// The array keys in archive order, as `NpzFile.files` gives them: the member name without
  /// `.npy` (`W`, `b`, `arr_0`, `sub/W` for a member `sub/W.npy`). A member whose name does not
  /// end in `.npy` is an array under its whole name when its bytes are a `.npy` file (NumPy
  /// reads it as one), and is left out otherwise (NumPy returns its bytes, not an array);
  /// directory entries are left out. Two members with one key (`W.npy` listed twice) throw:
  /// NumPy would silently read only the last.
  public static func members(path: String) throws -> [String] {
    try arrayMembers(ZipArchive(path: path), path: path, decode: false).map(\.key)
  }

  /// Reads the array stored under `member`: a key such as `W` (or, as `np.load` also allows,
  /// the member's file name `W.npy`). Only this member is read, so, as with `np.load`, a good
  /// member can be read from an archive in which another member is damaged; a key two members
  /// answer to throws.
  public static func read(path: String, member: String) throws -> NDArray {
    let archive = try ZipArchive(path: path)
    let files = archive.entries.filter { !$0.isDirectory }
    let found = files.filter { $0.name == member || $0.name == member + ".npy" }
    let source = Source(file: path, member: member)
    guard let entry = found.first else {
      let names = files.map(\.key).joined(separator: ", ")
      throw source.error("no such member; the archive holds \(names.isEmpty ? "no arrays" : names)")
    }
    guard found.count == 1 else {
      throw duplicateError(found, source: source)
    }
    return try NPY.decode(try ZipMemberReader(archive, entry, source: source), source: source)
  }

  /// Every array key of ``members(path:)`` with its array or the error reading it, in archive
  /// order: the archive is opened and its directory read once (reading members one by one with
  /// ``read(path:member:)`` reads the directory again for each: quadratic in the members).
  public static func readEach(path: String) throws -> [(key: String, array: Result<NDArray, any Error>)] {
    let archive = try ZipArchive(path: path)
    return try arrayMembers(archive, path: path, decode: false).map { item in
      let source = Source(file: path, member: item.key)
      return (
        item.key, Result { try NPY.decode(try ZipMemberReader(archive, item.entry, source: source), source: source) }
      )
    }
  }

  /// Reads every array, in archive order, with the keys of ``members(path:)``; any member
  /// that cannot be read throws naming it.
  public static func readAll(path: String) throws -> [(name: String, array: NDArray)] {
    // With `decode` set every member comes with its array.
    try arrayMembers(ZipArchive(path: path), path: path, decode: true).compactMap { item in
      item.array.map { (item.key, $0) }
    }
  }

  /// Writes `arrays` as members `NAME.npy`, stored (`np.savez`) or deflated
  /// (`np.savez_compressed`); the archive appears under `path` whole or not at all.
  public static func write(
    _ arrays: [(name: String, array: NDArray)], to path: String, compressed: Bool
  ) throws {
    try checkUniqueNames(arrays, path: path)
    try Source(file: path).writing {
      try AtomicFile.replace(path) { temporary, _ in
        try writeArchive(arrays, to: temporary, compressed: compressed, path: path)
      }
    }
  }

  /// Builds the archive; the `Archive` is closed (flushed) when this returns.
  private static func writeArchive(
    _ arrays: [(name: String, array: NDArray)], to temporary: String, compressed: Bool, path: String
  ) throws {
    let archive: Archive
    do {
      archive = try Archive(url: URL(fileURLWithPath: temporary), accessMode: .create)
    } catch {
      throw FormatError(file: path, message: "cannot create archive: \(FormatError.reason(error))")
    }
    for (name, array) in arrays {
      let bytes = NPY.encode(array)
      do {
        try archive.addEntry(
          with: name + ".npy", type: .file, uncompressedSize: Int64(bytes.count),
          modificationDate: Date(), compressionMethod: compressed ? .deflate : .none
        ) { position, size in
          Data(bytes[Int(position)..<Int(position) + size])
        }
      } catch {
        throw FormatError(file: path, member: name, message: "cannot add member: \(error)")
      }
    }
  }

  /// The array members with their keys, in central-directory order, each decoded when
  /// `decode` is set; see ``members(path:)`` for which members are arrays.
  static func arrayMembers(_ archive: ZipArchive, path: String, decode: Bool) throws
    -> [(key: String, entry: ZipEntry, array: NDArray?)]
  {
    var found: [(key: String, entry: ZipEntry, array: NDArray?)] = []
    for entry in archive.entries where !entry.isDirectory {
      let source = Source(file: path, member: entry.key)
      if !entry.name.hasSuffix(".npy") {
        // An array only if its bytes start as a .npy file does: read just those.
        let reader = try ZipMemberReader(archive, entry, source: source)
        var magic = [UInt8](repeating: 0, count: NPYPreamble.magic.count)
        let got = try magic.withUnsafeMutableBytes { try reader.read(into: $0) }
        guard got == magic.count, magic == NPYPreamble.magic else { continue }
      }
      let array = decode ? try NPY.decode(try ZipMemberReader(archive, entry, source: source), source: source) : nil
      found.append((entry.key, entry, array))
    }
    var seen: [String: Int] = [:]
    for item in found {
      seen[item.key, default: 0] += 1
    }
    if let duplicate = found.first(where: { (seen[$0.key] ?? 0) > 1 }) {
      throw duplicateError(
        found.filter { $0.key == duplicate.key }.map(\.entry),
        source: Source(file: path, member: duplicate.key))
    }
    return found
  }

  private static func duplicateError(_ entries: [ZipEntry], source: Source) -> FormatError {
    let names = entries.map { "'\($0.name)'" }
    let listed =
      Set(names).count == 1
      ? "\(entries.count) members are named \(names[0])"
      : "members \(names.joined(separator: " and ")) have the same key"
    return source.error("\(listed); np.load would silently read only the last")
  }
}

extension ZipEntry {
  /// The key `np.load` gives the member: its name without a final `.npy`.
  var key: String { name.hasSuffix(".npy") ? String(name.dropLast(4)) : name }
}

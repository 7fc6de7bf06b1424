import Foundation
import TLArray
import ZIPFoundation

/// NumPy's `.npz` format: a zip archive of `.npy` files, one member `KEY.npy` per array.
///
/// Reads stored and deflated members, ZIP64 local headers and data descriptors (it goes by the
/// central directory) and checks every member's CRC-32; writes archives `np.load` reads.
public enum NPZ {
  /// The array keys in archive order, without `.npy` (`W`, `b`, `arr_0`); members that are not
  /// `.npy` files are not arrays and are left out.
  public static func members(path: String) throws -> [String] {
    try arrayEntries(try open(path)).map(\.key)
  }

  /// Reads the array stored under `member`: a key such as `W` (or, as `np.load` also allows,
  /// the member's file name `W.npy`).
  public static func read(path: String, member: String) throws -> NDArray {
    let archive = try open(path)
    let entries = arrayEntries(archive)
    guard let found = entries.first(where: { $0.key == member || $0.key + ".npy" == member }) else {
      let names = entries.map(\.key).joined(separator: ", ")
      throw FormatError(
        file: path, member: member,
        message: "no such member; the archive holds \(names.isEmpty ? "no arrays" : names)")
    }
    return try decode(found.entry, key: member, in: archive, path: path)
  }

  /// Reads every array, in archive order.
  public static func readAll(path: String) throws -> [(name: String, array: NDArray)] {
    let archive = try open(path)
    return try arrayEntries(archive).map { item in
      (item.key, try decode(item.entry, key: item.key, in: archive, path: path))
    }
  }

  /// Writes `arrays` as members `NAME.npy`, stored (`np.savez`) or deflated
  /// (`np.savez_compressed`); the archive appears under `path` whole or not at all.
  public static func write(
    _ arrays: [(name: String, array: NDArray)], to path: String, compressed: Bool
  ) throws {
    var seen = Set<String>()
    for (name, _) in arrays where !seen.insert(name).inserted {
      throw FormatError(file: path, member: name, message: "two arrays have this name")
    }
    let temporary = AtomicFile.temporaryPath(for: path)
    do {
      try writeArchive(arrays, to: temporary, compressed: compressed, path: path)
      try AtomicFile.replace(path, with: temporary, source: Source(file: path))
    } catch {
      unlink(temporary)
      throw error
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
      throw FormatError(file: path, message: "cannot create archive: \(error)")
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

  /// Opens the archive for reading, saying what the file is when it is not a zip.
  static func open(_ path: String) throws -> Archive {
    let source = Source(file: path)
    let file = try ReadableFile(path: path, source: source)
    guard file.size > 0 else { throw source.error("file is empty") }
    let first = try file.bytes(offset: 0, count: min(file.size, 6))
    if first == NPYPreamble.magic {
      throw source.error("not a .npz archive: looks like a .npy file")
    }
    do {
      return try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    } catch {
      let zipStart: [UInt8] = [0x50, 0x4B]
      let why =
        first.starts(with: zipStart) ? "truncated or corrupt zip archive" : "not a zip archive"
      throw source.error("\(why): no readable central directory")
    }
  }

  /// The `.npy` members with their keys, in central-directory (archive) order.
  static func arrayEntries(_ archive: Archive) -> [(key: String, entry: Entry)] {
    archive.compactMap { entry in
      guard entry.type == .file, entry.path.hasSuffix(".npy") else { return nil }
      return (String(entry.path.dropLast(4)), entry)
    }
  }
}

import Foundation
import TLArray
import TLSystem
import ZIPFoundation

extension NPZ {
  /// Writes `arrays` into the archive at `path`, keeping every other member it holds.
  ///
  /// A member `NAME.npy` of an array being written is replaced (at its place in the archive);
  /// the archive's other members, arrays or not, are carried over with their uncompressed
  /// bytes unchanged (each one's CRC-32 is checked on the way) and their compression method;
  /// new arrays follow, stored or deflated as `compressed` says. Without an archive at `path`
  /// this is ``write(_:to:compressed:)``. The merged archive is built under a temporary name
  /// beside `path` and renamed over it, so `path` holds the old archive or the new one, never
  /// half of either. A member that cannot be read (a CRC mismatch, a corrupt deflate stream)
  /// fails the whole merge, naming the member, and `path` is left as it was.
  public static func merge(
    _ arrays: [(name: String, array: NDArray)], into path: String, compressed: Bool
  ) throws {
    try checkUniqueNames(arrays, path: path)
    guard let kind = FileKind.of(path) else { return try write(arrays, to: path, compressed: compressed) }
    if kind == .directory { throw FormatError(file: path, message: "is a directory, not an .npz archive") }
    let kept = try keptMembers(of: path, replacing: Set(arrays.map { $0.name + ".npy" }))
    var members: [ArchiveMember] = []
    var pending = arrays
    for member in kept {
      if let replacement = member.replacedBy {
        guard let index = pending.firstIndex(where: { $0.name + ".npy" == replacement }) else { continue }
        let (name, array) = pending.remove(at: index)
        members.append(ArchiveMember(array: array, name: name, compressed: compressed))
      } else {
        members.append(member)
      }
    }
    members += pending.map { ArchiveMember(array: $0.array, name: $0.name, compressed: compressed) }
    try Source(file: path).writing {
      try AtomicFile.replace(path) { temporary, _ in try writeMembers(members, to: temporary, path: path) }
    }
  }

  /// Refuses two arrays of one name, a name that cannot be a member (``ArrayNameCheck``) and
  /// an array of more dimensions than NumPy reads.
  static func checkUniqueNames(_ arrays: [(name: String, array: NDArray)], path: String) throws {
    var seen = Set<String>()
    for (name, array) in arrays {
      let source = Source(file: path, member: name)
      guard seen.insert(name).inserted else { throw source.error("two arrays have this name") }
      if let problem = ArrayNameCheck.memberNameProblem(name) {
        throw source.error("cannot be an .npz member name: \(problem)")
      }
      try NPY.checkDimensions(array.shape, source: source)
    }
  }

  /// The members of the existing archive in order, each with its bytes, or marked as replaced.
  /// Read through ``ZipArchive`` as ``read(path:member:)`` reads, so a member it cannot read
  /// (a damaged header, a CRC mismatch) fails the merge naming it. bzip2 and LZMA members are
  /// kept deflated (the writer has no other method); modification times become the merge's.
  private static func keptMembers(of path: String, replacing: Set<String>) throws -> [ArchiveMember] {
    let archive = try ZipArchive(path: path)
    // An archive tl-run would refuse to read (two members with one key) is not carried
    // forward: the merge would write a file that no reader accepts.
    _ = try arrayMembers(archive, path: path, decode: false)
    var members: [ArchiveMember] = []
    for entry in archive.entries {
      if replacing.contains(entry.name) {
        // Only the first of duplicate entries takes the new array's place; the rest go.
        if !members.contains(where: { $0.replacedBy == entry.name }) {
          members.append(ArchiveMember(placeholderFor: entry.name))
        }
        continue
      }
      if entry.isDirectory {
        members.append(
          ArchiveMember(
            path: entry.name, type: .directory, bytes: [], compressed: false, modified: Date(), replacedBy: nil))
        continue
      }
      let source = Source(file: path, member: entry.key)
      let bytes: [UInt8]
      do {
        bytes = try archive.extract(entry, source: source)
      } catch let error as FormatError {
        throw source.error("cannot keep this member of the existing archive: \(error.message)")
      }
      if entry.name.hasSuffix(".npy") {
        do { _ = try NPY.decode(bytes, source: source) } catch let error as FormatError {
          throw source.error("cannot keep this member of the existing archive: \(error.message)")
        }
      }
      members.append(
        ArchiveMember(
          path: entry.name, type: .file, bytes: bytes, compressed: entry.method != 0, modified: Date(),
          replacedBy: nil))
    }
    return members
  }

  /// Builds an archive of `members` at `temporary`; the `Archive` is closed when this returns.
  private static func writeMembers(_ members: [ArchiveMember], to temporary: String, path: String) throws {
    let archive: Archive
    do {
      archive = try Archive(url: URL(fileURLWithPath: temporary), accessMode: .create)
    } catch {
      throw FormatError(file: path, message: "cannot create archive: \(FormatError.reason(error))")
    }
    for member in members {
      let bytes = member.bytes
      do {
        try archive.addEntry(
          with: member.path, type: member.type, uncompressedSize: Int64(bytes.count),
          modificationDate: member.modified, compressionMethod: member.compressed ? .deflate : .none
        ) { position, size in
          Data(bytes[Int(position)..<Int(position) + size])
        }
      } catch {
        throw FormatError(file: path, member: member.path, message: "cannot add member: \(error)")
      }
    }
  }
}

/// One member of an archive being written: its name in the zip, kind and uncompressed bytes.
private struct ArchiveMember {
  var path: String
  var type: Entry.EntryType
  var bytes: [UInt8]
  var compressed: Bool
  var modified: Date
  /// For a placeholder: the member name (`W.npy`) whose new array goes here.
  var replacedBy: String?

  init(
    path: String, type: Entry.EntryType, bytes: [UInt8], compressed: Bool, modified: Date, replacedBy: String?
  ) {
    self.path = path
    self.type = type
    self.bytes = bytes
    self.compressed = compressed
    self.modified = modified
    self.replacedBy = replacedBy
  }

  init(array: NDArray, name: String, compressed: Bool) {
    self.init(
      path: name + ".npy", type: .file, bytes: NPY.encode(array), compressed: compressed, modified: Date(),
      replacedBy: nil)
  }

  init(placeholderFor path: String) {
    self.init(path: path, type: .file, bytes: [], compressed: false, modified: Date(), replacedBy: path)
  }
}

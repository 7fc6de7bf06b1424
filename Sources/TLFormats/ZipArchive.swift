/// One member as the central directory lists it.
struct ZipEntry: Sendable {
  /// The name as Python's `zipfile` decodes it: UTF-8 when flag bit 11 is set, else cp437.
  var name: String
  var flags: UInt16
  var method: UInt16
  var crc32: UInt32
  var compressedSize: Int
  var uncompressedSize: Int
  /// Where the member's local header starts in the file, corrected for bytes before the archive.
  var headerOffset: Int
  /// The name's bytes, to compare with the local header's.
  var rawName: [UInt8]

  /// A directory entry (`sub/`), which holds no data.
  var isDirectory: Bool { name.hasSuffix("/") }
}

/// The central directory of a zip archive, read the way Python's `zipfile` reads it (which is
/// what `np.load` uses): the end record is found from the end of the file (after any comment),
/// ZIP64 end records are honoured, and every offset is corrected by the difference between
/// where the central directory is and where the end record says it is, so an archive with
/// bytes prepended (a self-extractor, 64 bytes of junk) reads as `zipfile` reads it.
///
/// Every entry listed is kept, in directory order, duplicates included: whoever reads the
/// archive decides what a duplicate or an unreadable member means, nothing is dropped here.
final class ZipArchive {
  let file: ReadableFile
  let entries: [ZipEntry]
  let source: Source

  private static let endSignature = 0x0605_4B50
  private static let end64LocatorSignature = 0x0706_4B50
  private static let end64Signature = 0x0606_4B50
  private static let centralSignature = 0x0201_4B50
  static let localSignature = 0x0403_4B50

  /// Opens `path` and reads its central directory; throws naming the file when there is none.
  init(path: String) throws {
    let source = Source(file: path)
    self.source = source
    file = try ReadableFile(path: path, source: source)
    guard file.size > 0 else { throw source.error("file is empty") }
    let first = try file.bytes(offset: 0, count: min(file.size, 6))
    if first == NPYPreamble.magic {
      throw source.error("not a .npz archive: looks like a .npy file")
    }
    guard let end = try Self.findEnd(file) else {
      let why =
        first.starts(with: [0x50, 0x4B]) ? "truncated or corrupt zip archive" : "not a zip archive"
      throw source.error("\(why): no readable central directory")
    }
    entries = try Self.readDirectory(file, end, source: source)
  }

  /// What the end records say: the central directory's size and offset, the number of entries,
  /// and the correction for bytes before the archive.
  private struct End {
    var directorySize: Int
    var directoryOffset: Int
    var count: Int
    var concat: Int
  }

  /// The end record: at `size - 22` when there is no comment, else the last signature in the
  /// final 64 KiB + 22 bytes (as `zipfile._EndRecData`); nil when there is none.
  private static func findEnd(_ file: ReadableFile) throws -> End? {
    guard file.size >= 22 else { return nil }
    let tailLength = min(file.size, 65_535 + 22)
    let tailStart = file.size - tailLength
    let tail = try file.bytes(offset: tailStart, count: tailLength)
    var at = tail.count - 22
    var found: Int?
    if u32(tail, at) == endSignature && u16(tail, at + 20) == 0 {
      found = at
    } else {
      while at >= 0 {
        if u32(tail, at) == endSignature {
          found = at
          break
        }
        at -= 1
      }
    }
    guard let found else { return nil }
    let location = tailStart + found
    var end = End(
      directorySize: u32(tail, found + 12), directoryOffset: u32(tail, found + 16),
      count: u16(tail, found + 10), concat: 0)
    var recordsStart = location
    // A ZIP64 end record sits right before its locator, right before the end record.
    if location >= 20 + 56 {
      let locator = try file.bytes(offset: location - 20, count: 20)
      if u32(locator, 0) == end64LocatorSignature {
        let record = try file.bytes(offset: location - 20 - 56, count: 56)
        if u32(record, 0) == end64Signature {
          end.count = u64(record, 32)
          end.directorySize = u64(record, 40)
          end.directoryOffset = u64(record, 48)
          recordsStart = location - 20 - 56
        }
      }
    }
    end.concat = recordsStart - end.directorySize - end.directoryOffset
    return end
  }

  private static func readDirectory(_ file: ReadableFile, _ end: End, source: Source) throws
    -> [ZipEntry]
  {
    let start = end.directoryOffset + end.concat
    guard start >= 0, end.directorySize >= 0, start + end.directorySize <= file.size else {
      throw source.error("corrupt zip archive: bad offset for the central directory")
    }
    let directory = try file.bytes(offset: start, count: end.directorySize)
    var entries: [ZipEntry] = []
    var at = 0
    while at < directory.count {
      guard at + 46 <= directory.count, u32(directory, at) == centralSignature else {
        throw source.error(
          "corrupt zip archive: central directory entry \(entries.count + 1) is damaged")
      }
      let flags = UInt16(u16(directory, at + 8))
      let nameLength = u16(directory, at + 28)
      let extraLength = u16(directory, at + 30)
      let commentLength = u16(directory, at + 32)
      let next = at + 46 + nameLength + extraLength + commentLength
      guard next <= directory.count else {
        throw source.error(
          "corrupt zip archive: central directory entry \(entries.count + 1) is truncated")
      }
      let rawName = Array(directory[(at + 46)..<(at + 46 + nameLength)])
      var entry = ZipEntry(
        name: decodeName(rawName, utf8: flags & 0x800 != 0), flags: flags,
        method: UInt16(u16(directory, at + 10)), crc32: UInt32(truncatingIfNeeded: u32(directory, at + 16)),
        compressedSize: u32(directory, at + 20), uncompressedSize: u32(directory, at + 24),
        headerOffset: u32(directory, at + 42), rawName: rawName)
      let extra = Array(directory[(at + 46 + nameLength)..<(at + 46 + nameLength + extraLength)])
      applyZip64(extra, to: &entry)
      entry.headerOffset += end.concat
      entries.append(entry)
      at = next
    }
    return entries
  }

  /// Replaces the 32-bit fields that are `0xFFFFFFFF` with the ZIP64 extra field's values, in
  /// the order the format gives them (uncompressed size, compressed size, offset).
  private static func applyZip64(_ extra: [UInt8], to entry: inout ZipEntry) {
    var at = 0
    while at + 4 <= extra.count {
      let id = u16(extra, at)
      let length = u16(extra, at + 2)
      let body = at + 4
      guard body + length <= extra.count else { return }
      if id == 1 {
        var field = body
        func take() -> Int? {
          guard field + 8 <= body + length else { return nil }
          defer { field += 8 }
          return u64(extra, field)
        }
        if entry.uncompressedSize == 0xFFFF_FFFF, let v = take() { entry.uncompressedSize = v }
        if entry.compressedSize == 0xFFFF_FFFF, let v = take() { entry.compressedSize = v }
        if entry.headerOffset == 0xFFFF_FFFF, let v = take() { entry.headerOffset = v }
        return
      }
      at = body + length
    }
  }

  /// Where a member's data starts, after checking its local header as `zipfile.open` does:
  /// the signature, and the name, which must match the central directory's.
  func dataOffset(_ entry: ZipEntry, source: Source) throws -> Int {
    guard entry.headerOffset >= 0, entry.headerOffset + 30 <= file.size else {
      throw source.error("local file header offset \(entry.headerOffset) is outside the file")
    }
    let header = try file.bytes(offset: entry.headerOffset, count: 30)
    guard Self.u32(header, 0) == Self.localSignature else {
      let shown = header.prefix(4).map { String(pythonByte: $0) }.joined()
      throw source.error(
        "local file header is damaged: it starts with '\(shown)', not 'PK\\x03\\x04'")
    }
    let nameLength = Self.u16(header, 26)
    let extraLength = Self.u16(header, 28)
    let nameStart = entry.headerOffset + 30
    guard nameStart + nameLength + extraLength <= file.size else {
      throw source.error("local file header runs past the end of the file")
    }
    let name = try file.bytes(offset: nameStart, count: nameLength)
    guard name == entry.rawName else {
      throw source.error(
        "the local file header names '\(Self.decodeName(name, utf8: entry.flags & 0x800 != 0))', not the directory's '\(entry.name)'"
      )
    }
    return nameStart + nameLength + extraLength
  }

  /// The member's stored (possibly compressed) bytes.
  func rawBytes(_ entry: ZipEntry, source: Source) throws -> [UInt8] {
    let offset = try dataOffset(entry, source: source)
    guard entry.compressedSize <= file.size - offset else {
      throw source.error(
        "member data (\(entry.compressedSize) bytes) runs past the end of the file")
    }
    return try file.bytes(offset: offset, count: entry.compressedSize)
  }

  static func u16(_ d: [UInt8], _ at: Int) -> Int { Int(d[at]) | Int(d[at + 1]) << 8 }
  static func u32(_ d: [UInt8], _ at: Int) -> Int { u16(d, at) | u16(d, at + 2) << 16 }
  /// A 64-bit field, clamped to `Int.max` (no real file is that large; the bounds checks fail).
  /// A ZIP64 size or offset, capped at 2⁶⁰ (1 EiB, far beyond any file): a corrupt file may
  /// say 2⁶⁴ − 1, and the offsets and sizes of one archive are added and subtracted together,
  /// so a cap that leaves room for several of them keeps that arithmetic from overflowing; the
  /// checks against the file's size then name the fault.
  static func u64(_ d: [UInt8], _ at: Int) -> Int {
    let value = (0..<8).reduce(UInt64(0)) { $0 | UInt64(d[at + $1]) << (8 * UInt64($1)) }
    return Int(min(value, maxField))
  }

  /// The cap of ``u64(_:_:)``.
  static let maxField: UInt64 = 1 << 60

  /// UTF-8 when the entry says so, else IBM code page 437 (the zip default, as `zipfile` does).
  static func decodeName(_ bytes: [UInt8], utf8: Bool) -> String {
    if utf8 || bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
    return String(bytes.map { $0 < 0x80 ? Character(Unicode.Scalar($0)) : cp437High[Int($0 - 0x80)] })
  }

  private static let cp437High: [Character] = Array(
    "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{A0}"
  )
}

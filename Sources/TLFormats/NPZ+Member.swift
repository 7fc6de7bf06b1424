import Foundation
import TLArray
import ZIPFoundation

extension NPZ {
  /// Inflates one member, checks its CRC-32 against the central directory, and decodes it.
  static func decode(_ entry: Entry, key: String, in archive: Archive, path: String) throws
    -> NDArray
  {
    let source = Source(file: path, member: key)
    var bytes: [UInt8] = []
    // Reserve no more than the archive itself could plausibly back; growth handles the rest.
    bytes.reserveCapacity(Int(min(UInt64(entry.uncompressedSize), 1 << 26)))
    let checksum: CRC32
    do {
      checksum = try archive.extract(entry, skipCRC32: false) { chunk in
        bytes.append(contentsOf: chunk)
      }
    } catch {
      throw source.error("corrupt member: \(describe(error))")
    }
    guard checksum == entry.checksum else {
      throw source.error("CRC mismatch (stored \(hex(entry.checksum)), data \(hex(checksum)))")
    }
    guard bytes.count == entry.uncompressedSize else {
      throw source.error(
        "member holds \(bytes.count) bytes, the directory says \(entry.uncompressedSize)")
    }
    return try NPY.decode(bytes, source: source)
  }

  private static func hex(_ value: CRC32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }

  /// ZIPFoundation's errors in words, by case name (its compression errors are not public).
  private static let errorWords: [String: String] = [
    "invalidCompressionMethod": "unsupported compression method",
    "invalidCRC32": "CRC mismatch",
    "corruptedData": "deflate stream is corrupt",
    "invalidStream": "deflate stream is invalid",
    "unreadableArchive": "cannot read the member's bytes",
  ]

  private static func describe(_ error: Error) -> String {
    let name = String(describing: error)
    return errorWords[name] ?? name
  }
}

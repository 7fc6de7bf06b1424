import CTLBzip2
import CTLLzma

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Decompressing one zip member: the methods Python's `zipfile` reads, and so `np.load`:
/// stored (0), deflate (8), bzip2 (12) and LZMA (14). Any other method is an error naming it.
extension ZipArchive {
  /// The member's uncompressed bytes, checked against the central directory's size and CRC-32.
  /// Grows in pieces, so a member is never allocated from the size its entry claims, only from
  /// what it really decompresses to (``NPY`` decodes arrays through ``ZipMemberReader``
  /// straight into their storage instead).
  func extract(_ entry: ZipEntry, source: Source) throws -> [UInt8] {
    let reader = try ZipMemberReader(self, entry, source: source)
    var output: [UInt8] = []
    output.reserveCapacity(min(entry.uncompressedSize, 1 << 26))
    var piece = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let got = try piece.withUnsafeMutableBytes { try reader.read(into: $0) }
      if got == 0 { break }
      output.append(contentsOf: piece[0..<got])
    }
    try reader.finish()
    return output
  }

  /// The names of the methods of the zip specification (APPNOTE 4.4.5) that archives use.
  static let methodNames: [UInt16: String] = [
    0: "stored", 1: "shrink", 6: "implode", 8: "deflate", 9: "deflate64", 12: "bzip2",
    14: "lzma", 93: "zstandard", 95: "xz", 96: "jpeg", 97: "wavpack", 98: "ppmd", 99: "aes",
  ]
  static let readableMethods: Set<UInt16> = [0, 8, 12, 14]

  struct Failure: Error {
    var cause: String
  }

  static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }
}

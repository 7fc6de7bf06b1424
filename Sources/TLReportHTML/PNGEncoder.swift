/// A PNG of palette indices (colour type 3, 8 bits per pixel), the heatmaps' pictures.
///
/// The image data is deflated by ``Deflate`` (fixed Huffman codes, runs along a row and repeats
/// of the row above): a heatmap is mostly runs of one colour, so it shrinks well without zlib,
/// which this module does not link.
public enum PNGEncoder {
  /// The PNG file of a `width` × `height` image of palette indices, row by row.
  /// - Precondition: `pixels.count == width * height`, every index < `palette.count` ≤ 256.
  public static func indexed(
    width: Int, height: Int, pixels: [UInt8], palette: [(UInt8, UInt8, UInt8)]
  ) -> [UInt8] {
    precondition(pixels.count == width * height && palette.count <= 256)
    var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
    header += [8, 3, 0, 0, 0]  // 8 bits, palette, deflate, adaptive filters, no interlace
    chunk("IHDR", header, into: &png)
    chunk("PLTE", palette.flatMap { [$0.0, $0.1, $0.2] }, into: &png)
    var raw: [UInt8] = []
    raw.reserveCapacity((width + 1) * height)
    for row in 0..<height {
      raw.append(0)  // filter: none
      raw += pixels[(row * width)..<((row + 1) * width)]
    }
    chunk("IDAT", Deflate.zlib(raw, rowLength: width + 1), into: &png)
    chunk("IEND", [], into: &png)
    return png
  }

  private static func chunk(_ type: String, _ data: [UInt8], into png: inout [UInt8]) {
    let typeBytes = Array(type.utf8)
    png += bigEndian(UInt32(data.count)) + typeBytes + data
    png += bigEndian(CRC32.checksum(typeBytes + data))
  }

  static func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
  }
}

/// The CRC-32 of PNG chunks (ISO 3309, polynomial 0xEDB88320).
enum CRC32 {
  static let table: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  static func checksum(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
  }
}

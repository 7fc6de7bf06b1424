/// A small DEFLATE encoder (RFC 1951, one block of fixed Huffman codes) in a zlib stream
/// (RFC 1950), enough for the heatmaps' PNGs: each position is written as a literal or as the
/// longer of two matches, a run of the previous byte (distance 1) or a repeat of the row above
/// (distance `rowLength`). Any inflater reads it (the tests read it with zlib).
enum Deflate {
  static let lengthBases: [Int] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
  ]
  static let lengthExtra: [Int] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
  ]
  static let distanceBases: [Int] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
    6145, 8193, 12289, 16385, 24577,
  ]
  static let distanceExtra: [Int] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
  ]

  /// `data` as a zlib stream: header, one fixed-Huffman block, Adler-32.
  static func zlib(_ data: [UInt8], rowLength: Int) -> [UInt8] {
    var bits = BitWriter()
    bits.write(1, count: 1)  // the last block
    bits.write(1, count: 2)  // fixed Huffman codes
    var position = 0
    while position < data.count {
      let run = position > 0 ? matchLength(data, position, distance: 1) : 0
      let above = position >= rowLength && rowLength <= 32_768 ? matchLength(data, position, distance: rowLength) : 0
      let (length, distance) = run >= above ? (run, 1) : (above, rowLength)
      if length >= 3 {
        writeMatch(&bits, length: length, distance: distance)
        position += length
      } else {
        writeSymbol(&bits, Int(data[position]))
        position += 1
      }
    }
    writeSymbol(&bits, 256)  // end of block
    return [0x78, 0x01] + bits.finish() + PNGEncoder.bigEndian(adler32(data))
  }

  private static func matchLength(_ data: [UInt8], _ position: Int, distance: Int) -> Int {
    let limit = min(258, data.count - position)
    var length = 0
    while length < limit && data[position + length] == data[position + length - distance] { length += 1 }
    return length
  }

  private static func writeMatch(_ bits: inout BitWriter, length: Int, distance: Int) {
    let code = lengthBases.lastIndex { $0 <= length } ?? 0
    writeSymbol(&bits, 257 + code)
    bits.write(UInt32(length - lengthBases[code]), count: lengthExtra[code])
    let distanceCode = distanceBases.lastIndex { $0 <= distance } ?? 0
    bits.writeHuffman(UInt32(distanceCode), count: 5)
    bits.write(UInt32(distance - distanceBases[distanceCode]), count: distanceExtra[distanceCode])
  }

  /// A literal/length symbol in the fixed code (RFC 1951 §3.2.6).
  private static func writeSymbol(_ bits: inout BitWriter, _ symbol: Int) {
    switch symbol {
    case 0...143: bits.writeHuffman(UInt32(0x30 + symbol), count: 8)
    case 144...255: bits.writeHuffman(UInt32(0x190 + symbol - 144), count: 9)
    case 256...279: bits.writeHuffman(UInt32(symbol - 256), count: 7)
    default: bits.writeHuffman(UInt32(0xC0 + symbol - 280), count: 8)
    }
  }

  static func adler32(_ data: [UInt8]) -> UInt32 {
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in data {
      a = (a + UInt32(byte)) % 65_521
      b = (b + a) % 65_521
    }
    return b << 16 | a
  }
}

/// Bits packed from the least significant end of each byte, as DEFLATE packs them.
struct BitWriter {
  private var bytes: [UInt8] = []
  private var buffer: UInt32 = 0
  private var filled = 0

  /// `count` bits of `value`, least significant first (extra bits, header fields).
  mutating func write(_ value: UInt32, count: Int) {
    guard count > 0 else { return }
    buffer |= (value & ((1 << UInt32(count)) - 1)) << UInt32(filled)
    filled += count
    while filled >= 8 {
      bytes.append(UInt8(buffer & 0xFF))
      buffer >>= 8
      filled -= 8
    }
  }

  /// A Huffman code of `count` bits, most significant first.
  mutating func writeHuffman(_ code: UInt32, count: Int) {
    var reversed: UInt32 = 0
    for bit in 0..<count { reversed |= ((code >> UInt32(bit)) & 1) << UInt32(count - 1 - bit) }
    write(reversed, count: count)
  }

  mutating func finish() -> [UInt8] {
    if filled > 0 { bytes.append(UInt8(buffer & 0xFF)) }
    buffer = 0
    filled = 0
    return bytes
  }
}

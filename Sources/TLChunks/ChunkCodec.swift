/// Undoes libhdf5's shuffle filter (deflate: ``ChunkCodec/Inflater``) and swaps byte order,
/// on raw buffers, so that chunks decode on any thread without the library.
enum ChunkCodec {
  /// Why a chunk did not decode, one line.
  struct Failure: Error {
    let cause: String
  }

  /// Undoes the shuffle filter: `source` holds byte 0 of every element, then byte 1 of every
  /// element, …; `destination` gets the elements of `itemSize` bytes back in order. Bytes past
  /// the last whole element are copied as they are, as the filter leaves them.
  static func unshuffle(
    _ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer, itemSize: Int
  ) {
    precondition(source.count == destination.count, "unshuffle needs equal buffer sizes")
    guard let input = source.baseAddress, let output = destination.baseAddress else { return }
    let count = source.count / itemSize
    let from = input.assumingMemoryBound(to: UInt8.self)
    let to = output.assumingMemoryBound(to: UInt8.self)
    switch itemSize {
    case 4: unshuffle4(from, to, count)
    case 8: unshuffle8(from, to, count)
    default:
      for byte in 0..<itemSize {
        let plane = from + byte * count
        for element in 0..<count { to[element * itemSize + byte] = plane[element] }
      }
    }
    let tail = count * itemSize
    (to + tail).update(from: from + tail, count: source.count - tail)
  }

  /// Four planes into 4-byte elements, one 32-bit store each.
  private static func unshuffle4(
    _ from: UnsafePointer<UInt8>, _ to: UnsafeMutablePointer<UInt8>, _ count: Int
  ) {
    let (p0, p1, p2, p3) = (from, from + count, from + 2 * count, from + 3 * count)
    let words = UnsafeMutableRawPointer(to)
    for element in 0..<count {
      let word =
        UInt32(p0[element]) | UInt32(p1[element]) << 8 | UInt32(p2[element]) << 16
        | UInt32(p3[element]) << 24
      words.storeBytes(of: word.littleEndian, toByteOffset: element * 4, as: UInt32.self)
    }
  }

  /// Eight planes into 8-byte elements, one 64-bit store each.
  private static func unshuffle8(
    _ from: UnsafePointer<UInt8>, _ to: UnsafeMutablePointer<UInt8>, _ count: Int
  ) {
    let words = UnsafeMutableRawPointer(to)
    for element in 0..<count {
      var word: UInt64 = 0
      for byte in 0..<8 { word |= UInt64(from[byte * count + element]) << (8 * byte) }
      words.storeBytes(of: word.littleEndian, toByteOffset: element * 8, as: UInt64.self)
    }
  }

  /// Reverses the bytes of every `itemSize`-byte element of `buffer` in place.
  static func swapBytes(_ buffer: UnsafeMutableRawBufferPointer, itemSize: Int) {
    guard itemSize > 1, let base = buffer.baseAddress else { return }
    let bytes = base.assumingMemoryBound(to: UInt8.self)
    for start in stride(from: 0, to: buffer.count - itemSize + 1, by: itemSize) {
      var low = start
      var high = start + itemSize - 1
      while low < high {
        bytes.swapAt(low, high)
        low += 1
        high -= 1
      }
    }
  }
}

extension UnsafeMutablePointer where Pointee == UInt8 {
  /// Exchanges the bytes at offsets `i` and `j`.
  fileprivate func swapAt(_ i: Int, _ j: Int) {
    let byte = self[i]
    self[i] = self[j]
    self[j] = byte
  }
}

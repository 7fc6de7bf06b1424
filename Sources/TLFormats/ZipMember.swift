import CTLBzip2
import CTLLzma
import CTLZlib

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Decompressing one zip member: the methods Python's `zipfile` reads, and so `np.load`:
/// stored (0), deflate (8), bzip2 (12) and LZMA (14). Any other method is an error naming it.
extension ZipArchive {
  /// The member's uncompressed bytes, checked against the central directory's size and CRC-32.
  func extract(_ entry: ZipEntry, source: Source) throws -> [UInt8] {
    guard entry.flags & 1 == 0 else { throw source.error("member is encrypted") }
    let name = Self.methodNames[entry.method]
    guard let name, Self.readableMethods.contains(entry.method) else {
      let described = name.map { "\($0) (\(entry.method))" } ?? "\(entry.method)"
      throw source.error("compression method \(described) is not supported")
    }
    let raw = try rawBytes(entry, source: source)
    let expected = entry.uncompressedSize
    let bytes: [UInt8]
    do {
      switch entry.method {
      case 0: bytes = raw
      case 8: bytes = try Self.inflate(raw, expected: expected)
      case 12: bytes = try Self.bunzip(raw, expected: expected)
      default: bytes = try Self.unlzma(raw, expected: expected)
      }
    } catch let failure as Failure {
      throw source.error("corrupt member: \(name) stream \(failure.cause)")
    }
    guard bytes.count == expected else {
      throw source.error("member holds \(bytes.count) bytes, the directory says \(expected)")
    }
    let checksum = Self.crc32(bytes)
    guard checksum == entry.crc32 else {
      throw source.error("CRC mismatch (stored \(Self.hex(entry.crc32)), data \(Self.hex(checksum)))")
    }
    return bytes
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

  /// Output is produced in pieces of this size, so a member is never allocated from the size
  /// its directory entry claims, only from what it really inflates to.
  private static let piece = 1 << 16

  private static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }

  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: uLong = 0
    bytes.withUnsafeBufferPointer { buffer in
      var at = 0
      while at < buffer.count {
        let count = min(buffer.count - at, Int(UInt32.max))
        crc = CTLZlib.crc32(crc, buffer.baseAddress.map { $0 + at }, uInt(count))
        at += count
      }
    }
    return UInt32(truncatingIfNeeded: crc)
  }

  /// Raw deflate (no zlib header), as zip stores it.
  static func inflate(_ input: [UInt8], expected: Int) throws -> [UInt8] {
    var stream = z_stream()
    guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else { throw Failure(cause: "cannot be inflated: zlib cannot start") }
    defer { inflateEnd(&stream) }
    var output: [UInt8] = []
    output.reserveCapacity(min(expected, 1 << 26))
    var piece = [UInt8](repeating: 0, count: Self.piece)
    return try input.withUnsafeBufferPointer { inBuffer in
      stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
      stream.avail_in = uInt(min(inBuffer.count, Int(UInt32.max)))
      while true {
        let status = piece.withUnsafeMutableBufferPointer { out in
          stream.next_out = out.baseAddress
          stream.avail_out = uInt(out.count)
          return CTLZlib.inflate(&stream, Z_NO_FLUSH)
        }
        output.append(contentsOf: piece[0..<(Self.piece - Int(stream.avail_out))])
        guard output.count <= expected else {
          throw Failure(cause: "inflates to more than the directory's \(expected) bytes")
        }
        switch status {
        case Z_STREAM_END: return output
        case Z_OK: continue
        case Z_BUF_ERROR where stream.avail_in == 0:
          throw Failure(cause: "ends before its end marker")
        default:
          let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
          throw Failure(cause: "is corrupt (zlib: \(message))")
        }
      }
    }
  }

  static func bunzip(_ input: [UInt8], expected: Int) throws -> [UInt8] {
    var stream = bz_stream()
    guard BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK else {
      throw Failure(cause: "cannot be decompressed: libbz2 cannot start")
    }
    defer { BZ2_bzDecompressEnd(&stream) }
    var output: [UInt8] = []
    output.reserveCapacity(min(expected, 1 << 26))
    var piece = [UInt8](repeating: 0, count: Self.piece)
    return try input.withUnsafeBufferPointer { inBuffer in
      stream.next_in = UnsafeMutableRawPointer(mutating: inBuffer.baseAddress)?
        .assumingMemoryBound(to: CChar.self)
      stream.avail_in = UInt32(min(inBuffer.count, Int(UInt32.max)))
      while true {
        let status = piece.withUnsafeMutableBufferPointer { out in
          stream.next_out = UnsafeMutableRawPointer(out.baseAddress)?
            .assumingMemoryBound(to: CChar.self)
          stream.avail_out = UInt32(out.count)
          return BZ2_bzDecompress(&stream)
        }
        let produced = Self.piece - Int(stream.avail_out)
        output.append(contentsOf: piece[0..<produced])
        guard output.count <= expected else {
          throw Failure(cause: "decompresses to more than the directory's \(expected) bytes")
        }
        switch status {
        case BZ_STREAM_END: return output
        case BZ_OK where stream.avail_in == 0 && produced == 0:
          throw Failure(cause: "ends before its end marker")
        case BZ_OK: continue
        default: throw Failure(cause: "is corrupt (libbz2 status \(status))")
        }
      }
    }
  }

  /// `LZMA_FILTER_LZMA1`, a macro Swift cannot import.
  private static let lzma1Filter: lzma_vli = 0x4000_0000_0000_0001

  /// Zip's LZMA: a 4-byte header (LZMA SDK version, properties size), the 5 properties bytes,
  /// then a raw LZMA1 stream, with or without an end marker (flag bit 1 says which).
  static func unlzma(_ input: [UInt8], expected: Int) throws -> [UInt8] {
    guard input.count >= 4 else { throw Failure(cause: "is shorter than its header") }
    let propertiesSize = Int(input[2]) | Int(input[3]) << 8
    guard input.count >= 4 + propertiesSize else {
      throw Failure(cause: "is shorter than its properties")
    }
    var filters = [lzma_filter](repeating: lzma_filter(), count: 2)
    filters[0].id = lzma1Filter
    filters[1].id = lzma_vli.max  // LZMA_VLI_UNKNOWN ends the chain
    let decoded = input.withUnsafeBufferPointer { buffer in
      lzma_properties_decode(&filters[0], nil, buffer.baseAddress.map { $0 + 4 }, propertiesSize)
    }
    guard decoded == LZMA_OK else { throw Failure(cause: "has invalid LZMA properties") }
    defer { free(filters[0].options) }
    var stream = lzma_stream()
    guard lzma_raw_decoder(&stream, filters) == LZMA_OK else {
      throw Failure(cause: "cannot be decompressed: liblzma cannot start")
    }
    defer { lzma_end(&stream) }
    var output: [UInt8] = []
    output.reserveCapacity(min(expected, 1 << 26))
    var piece = [UInt8](repeating: 0, count: Self.piece)
    return try input.withUnsafeBufferPointer { inBuffer in
      stream.next_in = inBuffer.baseAddress.map { $0 + 4 + propertiesSize }
      stream.avail_in = inBuffer.count - 4 - propertiesSize
      while true {
        let status = piece.withUnsafeMutableBufferPointer { out in
          stream.next_out = out.baseAddress
          stream.avail_out = out.count
          return lzma_code(&stream, LZMA_RUN)
        }
        let produced = Self.piece - stream.avail_out
        output.append(contentsOf: piece[0..<produced])
        guard output.count <= expected else {
          throw Failure(cause: "decompresses to more than the directory's \(expected) bytes")
        }
        switch status {
        case LZMA_STREAM_END: return output
        // Without an end marker the stream stops where the data does, as `zipfile` reads it.
        case LZMA_OK where stream.avail_in == 0 && produced == 0: return output
        case LZMA_OK: continue
        case LZMA_BUF_ERROR: return output
        default: throw Failure(cause: "is corrupt (liblzma status \(status.rawValue))")
        }
      }
    }
  }
}

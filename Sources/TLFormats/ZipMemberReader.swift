import CTLBzip2
import CTLDeflate
import CTLLzma
import CTLZlib

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One member's uncompressed bytes, produced into memory the caller gives, piece by piece:
/// an array is inflated straight into its own storage, never into a buffer then copied. The
/// compressed input is read from the file 1 MiB at a time. Producing more bytes than the
/// central directory says is an error as soon as it happens, so a deflate bomb costs at most
/// the size its entry declares; ``finish()`` checks the size and the CRC-32 of everything
/// produced.
final class ZipMemberReader {
  private enum Codec {
    case stored
    case deflate(UnsafeMutablePointer<z_stream>)
    case bzip2(UnsafeMutablePointer<bz_stream>)
    case lzma(UnsafeMutablePointer<lzma_stream>)
  }

  let source: Source
  /// The uncompressed size the central directory gives.
  let expected: Int
  private let file: ReadableFile
  private let expectedCRC: UInt32
  private let methodName: String
  private var codec: Codec = .stored
  /// Compressed bytes not yet read from the file, and where they start.
  private var inputOffset: Int
  private var inputLeft: Int
  private let input: UnsafeMutableRawBufferPointer
  private(set) var produced = 0
  /// The CRC-32 of the bytes produced so far (libdeflate's, PCLMULQDQ-folded: zlib's value).
  private var crc: UInt32 = 0
  private var ended = false

  private static let inputPiece = 1 << 20
  /// The largest LZMA dictionary allocated for a member: 64 MiB, xz's largest preset's (Python's
  /// zipfile writes LZMA members with preset 6, 8 MiB).
  static let maximumDictionary = 64 << 20

  /// `LZMA_FILTER_LZMA1`, a macro Swift cannot import.
  private static let lzma1Filter: lzma_vli = 0x4000_0000_0000_0001

  init(_ archive: ZipArchive, _ entry: ZipEntry, source: Source) throws {
    self.source = source
    file = archive.file
    expected = entry.uncompressedSize
    expectedCRC = entry.crc32
    guard entry.flags & 1 == 0 else { throw source.error("member is encrypted") }
    let name = ZipArchive.methodNames[entry.method]
    guard let name, ZipArchive.readableMethods.contains(entry.method) else {
      let described = name.map { "\($0) (\(entry.method))" } ?? "\(entry.method)"
      throw source.error("compression method \(described) is not supported")
    }
    methodName = name
    let offset = try archive.dataOffset(entry, source: source)
    guard entry.compressedSize <= file.size - offset else {
      throw source.error("member data (\(entry.compressedSize) bytes) runs past the end of the file")
    }
    inputOffset = offset
    inputLeft = entry.compressedSize
    input = .allocate(
      byteCount: entry.method == 0 ? 0 : min(Self.inputPiece, max(entry.compressedSize, 1)), alignment: 16)
    switch entry.method {
    case 0: codec = .stored
    case 8: codec = .deflate(try startDeflate())
    case 12: codec = .bzip2(try startBzip2())
    default: codec = .lzma(try startLZMA())
    }
  }

  deinit {
    switch codec {
    case .stored: break
    case .deflate(let stream):
      inflateEnd(stream)
      stream.deallocate()
    case .bzip2(let stream):
      BZ2_bzDecompressEnd(stream)
      stream.deallocate()
    case .lzma(let stream):
      lzma_end(stream)
      stream.deallocate()
    }
    input.deallocate()
  }

  /// Whether a read or ``finish()`` threw: the stream is then in no state to go on (liblzma
  /// answers every later call with a programming error, libbz2's state is undefined).
  private(set) var failed = false

  /// Fills `buffer` with the next bytes; fewer only at the member's end (0 once it is over).
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    do { return try readPiece(into: buffer) } catch {
      failed = true
      throw error
    }
  }

  private func readPiece(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    guard let base = buffer.baseAddress else { return 0 }
    var filled = 0
    while filled < buffer.count && !ended {
      let out = base + filled
      let got: Int
      do {
        got = try step(out, min(buffer.count - filled, Int(UInt32.max)))
      } catch let failure as ZipArchive.Failure {
        throw source.error("corrupt member: \(methodName) stream \(failure.cause)")
      }
      crc = libdeflate_crc32(crc, out, got)
      filled += got
      produced += got
      guard produced <= expected else {
        throw source.error(
          "corrupt member: \(methodName) stream decompresses to more than the directory's \(expected) bytes")
      }
    }
    return filled
  }

  /// Reads what is left (at most up to the declared size), then checks that the member held
  /// exactly the directory's size and its CRC-32.
  func finish() throws {
    do { try finishMember() } catch {
      failed = true
      throw error
    }
  }

  private func finishMember() throws {
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    defer { scratch.deallocate() }
    while !ended { _ = try read(into: scratch) }
    guard produced == expected else {
      throw source.error("member holds \(produced) bytes, the directory says \(expected)")
    }
    let checksum = crc
    guard checksum == expectedCRC else {
      throw source.error(
        "CRC mismatch (stored \(ZipArchive.hex(expectedCRC)), data \(ZipArchive.hex(checksum)))")
    }
  }

  /// Reads exactly `count` bytes into `destination`; a member that ends first throws.
  func readExactly(_ destination: UnsafeMutableRawPointer, count: Int) throws {
    let got = try read(into: UnsafeMutableRawBufferPointer(start: destination, count: count))
    if got < count {
      try finish()  // throws: fewer bytes than the directory's size
      failed = true
      throw source.error("member ends after \(produced) bytes")
    }
  }

  /// The next compressed bytes in `input`; returns how many (0 at the end of the member's data).
  private func refill() throws -> Int {
    let count = min(input.count, inputLeft)
    guard count > 0, let base = input.baseAddress else { return 0 }
    try file.read(offset: inputOffset, count: count, into: base)
    inputOffset += count
    inputLeft -= count
    return count
  }

  /// Produces up to `count` bytes at `out`; sets `ended` at the stream's end.
  private func step(_ out: UnsafeMutableRawPointer, _ count: Int) throws -> Int {
    switch codec {
    case .stored:
      let n = min(count, inputLeft)
      try file.read(offset: inputOffset, count: n, into: out)
      inputOffset += n
      inputLeft -= n
      if inputLeft == 0 { ended = true }
      return n
    case .deflate(let stream):
      if stream.pointee.avail_in == 0 {
        stream.pointee.avail_in = uInt(try refill())
        stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
      }
      stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
      stream.pointee.avail_out = uInt(count)
      let status = CTLZlib.inflate(stream, Z_NO_FLUSH)
      let got = count - Int(stream.pointee.avail_out)
      switch status {
      case Z_STREAM_END: ended = true
      case Z_OK: break
      case Z_BUF_ERROR where stream.pointee.avail_in == 0 && inputLeft == 0:
        throw ZipArchive.Failure(cause: "ends before its end marker")
      case Z_BUF_ERROR: break
      default:
        let message = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
        throw ZipArchive.Failure(cause: "is corrupt (zlib: \(message))")
      }
      return got
    case .bzip2(let stream):
      if stream.pointee.avail_in == 0 {
        stream.pointee.avail_in = UInt32(try refill())
        stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: CChar.self)
      }
      stream.pointee.next_out = out.assumingMemoryBound(to: CChar.self)
      stream.pointee.avail_out = UInt32(count)
      let status = BZ2_bzDecompress(stream)
      let got = count - Int(stream.pointee.avail_out)
      switch status {
      case BZ_STREAM_END: ended = true
      case BZ_OK where stream.pointee.avail_in == 0 && inputLeft == 0 && got == 0:
        throw ZipArchive.Failure(cause: "ends before its end marker")
      case BZ_OK: break
      default: throw ZipArchive.Failure(cause: "is corrupt (libbz2 status \(status))")
      }
      return got
    case .lzma(let stream):
      if stream.pointee.avail_in == 0 {
        stream.pointee.avail_in = try refill()
        stream.pointee.next_in = UnsafePointer(input.baseAddress?.assumingMemoryBound(to: UInt8.self))
      }
      stream.pointee.next_out = out.assumingMemoryBound(to: UInt8.self)
      stream.pointee.avail_out = count
      let status = lzma_code(stream, LZMA_RUN)
      let got = count - stream.pointee.avail_out
      switch status {
      case LZMA_STREAM_END: ended = true
      // Without an end marker the stream stops where the data does, as `zipfile` reads it.
      case LZMA_OK where stream.pointee.avail_in == 0 && inputLeft == 0 && got == 0: ended = true
      case LZMA_OK: break
      case LZMA_BUF_ERROR: ended = true
      default: throw ZipArchive.Failure(cause: "is corrupt (liblzma status \(status.rawValue))")
      }
      return got
    }
  }

  private func startDeflate() throws -> UnsafeMutablePointer<z_stream> {
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    // Raw deflate (no zlib header), as zip stores it.
    guard inflateInit2_(stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      stream.deallocate()
      throw source.error("corrupt member: deflate stream cannot be inflated: zlib cannot start")
    }
    return stream
  }

  private func startBzip2() throws -> UnsafeMutablePointer<bz_stream> {
    let stream = UnsafeMutablePointer<bz_stream>.allocate(capacity: 1)
    stream.initialize(to: bz_stream())
    guard BZ2_bzDecompressInit(stream, 0, 0) == BZ_OK else {
      stream.deallocate()
      throw source.error("corrupt member: bzip2 stream cannot be decompressed: libbz2 cannot start")
    }
    return stream
  }

  /// Zip's LZMA: a 4-byte header (LZMA SDK version, properties size), the 5 properties bytes,
  /// then a raw LZMA1 stream, with or without an end marker (flag bit 1 says which).
  private func startLZMA() throws -> UnsafeMutablePointer<lzma_stream> {
    func corrupt(_ cause: String) -> FormatError { source.error("corrupt member: lzma stream \(cause)") }
    guard inputLeft >= 4 else { throw corrupt("is shorter than its header") }
    let head = try file.bytes(offset: inputOffset, count: 4)
    let propertiesSize = Int(head[2]) | Int(head[3]) << 8
    guard inputLeft >= 4 + propertiesSize else { throw corrupt("is shorter than its properties") }
    let properties = try file.bytes(offset: inputOffset + 4, count: propertiesSize)
    inputOffset += 4 + propertiesSize
    inputLeft -= 4 + propertiesSize
    var filters = [lzma_filter](repeating: lzma_filter(), count: 2)
    filters[0].id = Self.lzma1Filter
    filters[1].id = lzma_vli.max  // LZMA_VLI_UNKNOWN ends the chain
    let decoded = properties.withUnsafeBufferPointer { buffer in
      lzma_properties_decode(&filters[0], nil, buffer.baseAddress, propertiesSize)
    }
    guard decoded == LZMA_OK else { throw corrupt("has invalid LZMA properties") }
    defer { free(filters[0].options) }  // the decoder keeps its own copy
    // liblzma allocates the dictionary the header asks for (up to 4 GiB) whatever the member's
    // size; it never looks further back than the bytes it has produced, so a dictionary larger
    // than the member is memory a corrupt header asks for and nothing uses (npz fuzz finding).
    // The member's size is the central directory's word, which a corrupt file sets as high
    // (4 GiB again: a second fuzz finding), so the dictionary is also held to
    // ``maximumDictionary``: a stream that really reaches further back fails as corrupt.
    if let options = filters[0].options?.assumingMemoryBound(to: lzma_options_lzma.self) {
      let needed = UInt32(clamping: min(max(4096, expected), Self.maximumDictionary))
      options.pointee.dict_size = min(options.pointee.dict_size, needed)
    }
    let stream = UnsafeMutablePointer<lzma_stream>.allocate(capacity: 1)
    stream.initialize(to: lzma_stream())
    guard lzma_raw_decoder(stream, filters) == LZMA_OK else {
      stream.deallocate()
      throw corrupt("cannot be decompressed: liblzma cannot start")
    }
    return stream
  }
}

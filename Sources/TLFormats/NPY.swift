import TLArray
import TLSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// NumPy's `.npy` format: one array per file, as `np.save` writes it and `np.load` reads it.
///
/// Reads versions 1.0, 2.0 and 3.0, any byte order and Fortran order of the 12 dtypes of
/// ``DType``; writes byte-identical to `np.save`.
public enum NPY {
  /// Reads the array in the `.npy` file at `path` (native byte order, C order).
  ///
  /// Large data that needs no converting is mapped from the file where the crash guard is
  /// installed (the command line), so that a truncation under the mapping is an error naming
  /// the file, not a SIGBUS (``MappedData``); else it is read with `pread` into memory the array
  /// owns, and a read that comes up short is an error naming the file
  /// (``ReadableFile/read(offset:count:into:)``).
  public static func read(path: String) throws -> NDArray {
    try read(path: path, beforeData: {})
  }

  /// ``read(path:)`` calling `beforeData` once the header is parsed, right before the data is
  /// read (tests shrink the file there).
  static func read(path: String, beforeData: () throws -> Void) throws -> NDArray {
    let source = Source(file: path)
    let file = try ReadableFile(path: path, source: source)
    let first = try file.bytes(offset: 0, count: min(file.size, NPYPreamble.maxLength))
    let preamble = try NPYPreamble(first, fileSize: file.size, source: source)
    let headerBytes = try file.bytes(offset: preamble.headerStart, count: preamble.headerLength)
    let header = try NPYHeader(bytes: headerBytes, preamble: preamble, source: source)
    let offset = preamble.dataOffset
    let byteCount = try header.dataByteCount(available: file.size - offset, source: source)
    if NPYData.isNative(header), let mapped = MappedData.map(file, offset: offset, count: byteCount) {
      try beforeData()
      return NDArray(dtype: header.descr.dtype, shape: header.shape, storage: mapped)
    }
    let storage = try header.allocateData(byteCount, source: source)
    try beforeData()
    try file.read(offset: offset, count: byteCount, into: storage.base)
    return NPYData.array(from: storage, header: header)
  }

  /// NumPy's limit on the number of dimensions (`NPY_MAXDIMS`): `np.load` refuses a file with
  /// more, so tl-run neither reads nor writes one.
  public static let maxDimensions = 64

  static func checkDimensions(_ shape: [Int], source: Source) throws {
    guard shape.count <= maxDimensions else {
      throw source.error("shape has \(shape.count) dimensions; NumPy allows at most \(maxDimensions)")
    }
  }

  /// Decodes a whole `.npy` file held in memory (an `.npz` member); `name` labels errors.
  public static func decode(_ bytes: [UInt8], name: String) throws -> NDArray {
    try decode(bytes, source: Source(file: name))
  }

  static func decode(_ bytes: [UInt8], source: Source) throws -> NDArray {
    let preamble = try NPYPreamble(
      Array(bytes.prefix(NPYPreamble.maxLength)), fileSize: bytes.count, source: source)
    let header = try NPYHeader(
      bytes: bytes[preamble.headerStart..<preamble.dataOffset], preamble: preamble, source: source)
    let offset = preamble.dataOffset
    let byteCount = try header.dataByteCount(available: bytes.count - offset, source: source)
    let storage = try header.allocateData(byteCount, source: source)
    bytes.withUnsafeBytes { all in
      let data = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + byteCount)])
      UnsafeMutableRawBufferPointer(start: storage.base, count: byteCount).copyMemory(from: data)
    }
    return NPYData.array(from: storage, header: header)
  }

  /// Decodes the `.npy` file an archive member holds, reading its data straight into the
  /// array's storage: the member's bytes are never held in a buffer of their own, so reading
  /// an array costs its size (NumPy's `np.load` costs the same), even when a small archive
  /// declares a huge one. The member's size and CRC-32 are checked before the array is
  /// returned.
  static func decode(_ reader: ZipMemberReader, source: Source) throws -> NDArray {
    do { return try decodeMember(reader, source: source) } catch let error as FormatError {
      // A fault in what the member holds may be damage to the member itself (a flipped byte
      // inflates to a garbled header): its CRC-32 says which, and a damaged member is named as
      // such, as every other reading of it does. Only for members of a bounded size.
      guard !reader.failed, reader.expected <= maxVerifiedMember else { throw error }
      try reader.finish()
      throw error
    }
  }

  /// The largest member whose CRC-32 is checked after a fault, to name damage (64 MiB).
  static let maxVerifiedMember = 64 << 20

  private static func decodeMember(_ reader: ZipMemberReader, source: Source) throws -> NDArray {
    let total = reader.expected
    var first = [UInt8](repeating: 0, count: min(total, NPYPreamble.maxLength))
    try first.withUnsafeMutableBytes { buffer in
      guard let base = buffer.baseAddress else { return }
      try reader.readExactly(base, count: buffer.count)
    }
    let preamble = try NPYPreamble(first, fileSize: total, source: source)
    let offset = preamble.dataOffset
    var head = first
    if offset > head.count {
      head += [UInt8](repeating: 0, count: offset - head.count)
      try head.withUnsafeMutableBytes { buffer in
        guard let base = buffer.baseAddress else { return }
        try reader.readExactly(base + first.count, count: offset - first.count)
      }
    }
    let header = try NPYHeader(bytes: head[preamble.headerStart..<offset], preamble: preamble, source: source)
    let byteCount = try header.dataByteCount(available: total - offset, source: source)
    let storage = try header.allocateData(byteCount, source: source)
    // A header shorter than the preamble's 12 bytes leaves data bytes in `head`.
    let early = min(max(head.count - offset, 0), byteCount)
    if early > 0 {
      head.withUnsafeBytes { bytes in
        guard let base = bytes.baseAddress else { return }
        storage.base.copyMemory(from: base + offset, byteCount: early)
      }
    }
    try reader.readExactly(storage.base + early, count: byteCount - early)
    try reader.finish()  // bytes after the data (NumPy ignores them), size, CRC-32
    return NPYData.array(from: storage, header: header)
  }

  /// The header NumPy writes for `array` (magic, version, dict, padding to 64 bytes).
  public static func header(for array: NDArray) -> [UInt8] {
    let descr = NPYDescr(dtype: array.dtype, needsSwap: false)
    return NPYHeader(descr: descr, fortranOrder: false, shape: array.shape).encoded()
  }

  /// The whole file `np.save` would write for `array`: header then C-order native data.
  public static func encode(_ array: NDArray) -> [UInt8] {
    header(for: array) + array.withUnsafeBytes { Array($0) }
  }

  /// Gaps of zero rows at least this long are left as holes by ``appendData(_:to:)``: two
  /// 4 KiB blocks, so that a hole always spans a whole block of the file.
  static let minimumHole = 8192

  /// Appends the data bytes of `array` in C order. Runs of the rows outside its
  /// ``TLArray/NDArray/nonzeroRows`` (all zero bits) at least ``minimumHole`` bytes long are
  /// skipped (``TLSystem/AtomicFile/Appender/zeros(_:)``): the file reads back the same, byte for
  /// byte, but those bytes are neither copied nor stored. An embedding's dW at the book's size
  /// (10000×650 float32, the rows of 700 ids) writes ~4 MB of its 26 MB so.
  static func appendData(_ array: NDArray, to append: AtomicFile.Appender) throws {
    try array.withUnsafeBytes { bytes in
      guard let rows = array.nonzeroRows, array.rank >= 1, array.shape[0] > 0, bytes.count > 0 else {
        return try append(bytes)
      }
      let rowBytes = bytes.count / array.shape[0]
      var pending = 0  // bytes[pending..<done] are still to be written
      var done = 0
      func skip(to start: Int) throws {
        if start - done >= minimumHole {
          try append(UnsafeRawBufferPointer(rebasing: bytes[pending..<done]))
          try append.zeros(start - done)
          pending = start
        }
        done = start
      }
      for row in rows {
        try skip(to: row * rowBytes)
        done += rowBytes
      }
      try skip(to: bytes.count)
      try append(UnsafeRawBufferPointer(rebasing: bytes[pending..<done]))
    }
  }

  /// Writes `array` to `path` as `np.save` does, byte for byte; the file appears whole or not at all.
  public static func write(_ array: NDArray, to path: String) throws {
    try checkDimensions(array.shape, source: Source(file: path))
    let header = header(for: array)
    let source = Source(file: path)
    try source.writing {
      try AtomicFile.write(to: path) { append in
        try header.withUnsafeBytes { try append($0) }
        try appendData(array, to: append)
      }
    }
  }

  /// The file ``write(_:to:)`` would write, complete but not yet at `path`
  /// (``AtomicFile/StagedFile``); ``commit(_:)`` puts it there. Same checks and errors as
  /// ``write(_:to:)``.
  public static func stage(_ array: NDArray, to path: String) throws -> AtomicFile.StagedFile {
    try checkDimensions(array.shape, source: Source(file: path))
    let header = header(for: array)
    return try Source(file: path).writing {
      try AtomicFile.stage(to: path) { append in
        try header.withUnsafeBytes { try append($0) }
        try appendData(array, to: append)
      }
    }
  }

  /// Puts a file ``stage(_:to:)`` made in place, with ``write(_:to:)``'s errors; false (nothing
  /// changed) where it cannot be linked in: write the array with ``write(_:to:)`` then.
  public static func commit(_ staged: AtomicFile.StagedFile) throws -> Bool {
    try Source(file: staged.path).writing { try staged.commit() }
  }
}

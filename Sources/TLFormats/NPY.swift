import TLArray

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
  /// Data of at least this many bytes is memory-mapped when it can be used in place.
  static let defaultMapThreshold = 1 << 20

  /// Reads the array in the `.npy` file at `path` (native byte order, C order).
  public static func read(path: String) throws -> NDArray {
    try read(path: path, mapThreshold: defaultMapThreshold)
  }

  /// Reads, memory-mapping the data when it is at least `mapThreshold` bytes, native, C-order
  /// and aligned for its element type; otherwise reading it with one copy.
  static func read(path: String, mapThreshold: Int) throws -> NDArray {
    let source = Source(file: path)
    let file = try ReadableFile(path: path, source: source)
    let first = try file.bytes(offset: 0, count: min(file.size, NPYPreamble.maxLength))
    let preamble = try NPYPreamble(first, fileSize: file.size, source: source)
    let headerBytes = try file.bytes(offset: preamble.headerStart, count: preamble.headerLength)
    let header = try NPYHeader(bytes: headerBytes, preamble: preamble, source: source)
    let offset = preamble.dataOffset
    let byteCount = try header.dataByteCount(available: file.size - offset, source: source)
    if byteCount >= mapThreshold && byteCount > 0 && isUsableInPlace(header, offset: offset) {
      return try mapped(file, header: header, offset: offset, byteCount: byteCount)
    }
    let storage = ArrayStorage(byteCount: byteCount)
    try file.read(offset: offset, count: byteCount, into: storage.base)
    return NPYData.array(from: storage, header: header)
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
    let storage = ArrayStorage(byteCount: byteCount)
    bytes.withUnsafeBytes { all in
      let data = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + byteCount)])
      UnsafeMutableRawBufferPointer(start: storage.base, count: byteCount).copyMemory(from: data)
    }
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

  /// Writes `array` to `path` as `np.save` does, byte for byte; the file appears whole or not at all.
  public static func write(_ array: NDArray, to path: String) throws {
    let header = header(for: array)
    try AtomicFile.write(path: path, source: Source(file: path)) { append in
      try header.withUnsafeBytes { try append($0) }
      try array.withUnsafeBytes { try append($0) }
    }
  }

  /// True when the file's bytes are already what an ``NDArray`` holds: native byte order,
  /// C order, and an offset aligned for the element type.
  static func isUsableInPlace(_ header: NPYHeader, offset: Int) -> Bool {
    !header.descr.needsSwap && offset % header.descr.dtype.itemSize == 0
      && (!header.fortranOrder || NPYData.isSameInBothOrders(header.shape))
  }

  private static func mapped(_ file: ReadableFile, header: NPYHeader, offset: Int, byteCount: Int)
    throws -> NDArray
  {
    let length = offset + byteCount
    let base = try file.mapPrivate(length: length)
    let storage = ArrayStorage(adopting: base + offset, byteCount: byteCount) { data, _ in
      munmap(data - offset, length)
    }
    return NDArray(dtype: header.descr.dtype, shape: header.shape, storage: storage)
  }
}

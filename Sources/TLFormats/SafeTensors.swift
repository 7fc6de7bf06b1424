import TLArray

/// The safetensors format (Hugging Face's `safetensors` package): an 8-byte little-endian
/// header length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
/// little-endian data in C order.
///
/// Reads what the package reads and refuses what it refuses (``SafeTensorsHeader`` checks the
/// whole header before any data is touched: the file is untrusted input); the twelve dtypes
/// with a NumPy counterpart (`F64`, `F32`, `F16`, `I64`…`I8`, `U64`…`U8`, `BOOL`) read as
/// that dtype, and the others (`BF16`, the `F8_*` and sub-byte floats, `C64`) are refused by
/// name. Writes byte for byte what the package's `save_file` writes (``write(_:to:metadata:)``).
public enum SafeTensors {
  /// Every tensor the header declares, sorted by name (as `safe_open(…).keys()` lists them),
  /// those that cannot be read included (their ``SafeTensorsEntry/refusal`` says why).
  public static func tensors(path: String) throws -> [SafeTensorsEntry] {
    let source = Source(file: path)
    let header = try SafeTensorsHeader(file: try ReadableFile(path: path, source: source), source: source)
    return sorted(header.tensors)
  }

  /// The header's `__metadata__` (free-form strings), in the header's order.
  public static func metadata(path: String) throws -> [(key: String, value: String)] {
    let source = Source(file: path)
    return try SafeTensorsHeader(file: try ReadableFile(path: path, source: source), source: source).metadata
  }

  /// Reads the tensor called `name` (dots and colons are part of names: `encoder.0.weight`).
  public static func read(path: String, name: String) throws -> NDArray {
    let source = Source(file: path)
    let file = try ReadableFile(path: path, source: source)
    let header = try SafeTensorsHeader(file: file, source: source)
    guard let entry = header.tensors.first(where: { $0.name == name }) else {
      throw Source(file: path, member: name).error("no such tensor; the file holds \(listing(header.tensors))")
    }
    return try read(entry, from: file, header: header)
  }

  /// Reads every tensor, sorted by name; any that cannot be read (a `BF16` tensor) throws
  /// naming it, so a collection never loses a tensor silently.
  public static func readAll(path: String) throws -> [(name: String, array: NDArray)] {
    let source = Source(file: path)
    let file = try ReadableFile(path: path, source: source)
    let header = try SafeTensorsHeader(file: file, source: source)
    return try sorted(header.tensors).map { entry in (entry.name, try read(entry, from: file, header: header)) }
  }

  /// Every tensor, sorted by name, each with its array or the error reading it gave (a
  /// `BF16` tensor, a read that failed): what `inspect` lists. The header is read once and
  /// must be valid as a whole.
  public static func readEach(path: String) throws -> [(entry: SafeTensorsEntry, array: Result<NDArray, any Error>)] {
    let source = Source(file: path)
    let file = try ReadableFile(path: path, source: source)
    let header = try SafeTensorsHeader(file: file, source: source)
    return sorted(header.tensors).map { entry in
      (entry, Result { try read(entry, from: file, header: header) })
    }
  }

  /// Reads one tensor's bytes with `pread` straight into the array's own memory: one copy,
  /// from the file, and none after it on a little-endian machine (the format's byte order).
  static func read(_ entry: SafeTensorsEntry, from file: ReadableFile, header: SafeTensorsHeader) throws -> NDArray {
    let source = Source(file: file.source.file, member: entry.name)
    if let refusal = entry.refusal { throw source.error(refusal) }
    guard let dtype = entry.dtype else { throw source.error("\(entry.dtypeName) cannot be read") }
    let byteCount = entry.end - entry.begin
    guard let storage = ArrayStorage.allocate(byteCount: byteCount) else {
      throw source.error("cannot allocate \(byteCount) bytes for shape \(Shape.describe(entry.shape)) of \(dtype)")
    }
    do { try file.read(offset: header.dataStart + entry.begin, count: byteCount, into: storage.base) } catch let error
      as FormatError
    {
      throw source.error(error.message)
    }
    #if _endian(big)
      NPYData.swapBytes(storage.base, count: byteCount / dtype.itemSize, itemSize: dtype.itemSize)
    #endif
    return NDArray(dtype: dtype, shape: entry.shape, storage: storage)
  }

  /// `entries` sorted by name, by Unicode scalar values (Python's and Rust's string order).
  static func sorted(_ entries: [SafeTensorsEntry]) -> [SafeTensorsEntry] {
    entries.sorted { $0.name.unicodeScalars.lexicographicallyPrecedes($1.name.unicodeScalars) }
  }

  /// The names, for "no such tensor" (at most 20, then how many more).
  static func listing(_ entries: [SafeTensorsEntry]) -> String {
    guard !entries.isEmpty else { return "no tensors" }
    let names = sorted(entries).map(\.name)
    let shown = names.prefix(20).joined(separator: ", ")
    return names.count > 20 ? "\(shown) and \(names.count - 20) more" : shown
  }
}

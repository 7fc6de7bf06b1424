import TLArray
import TLSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension SafeTensors {
  /// Writes `arrays` as the safetensors package's `save_file` writes them, byte for byte:
  /// tensors sorted by the package's dtype order, descending (8-byte types first), then by
  /// name; the header as compact JSON (`__metadata__` first, its keys sorted, where the
  /// package's order is a hash map's), padded with spaces to a multiple of 8; the data packed
  /// without gaps. The file appears under `path` whole or not at all (``AtomicFile``).
  public static func write(
    _ arrays: [(name: String, array: NDArray)], to path: String, metadata: [(key: String, value: String)] = []
  ) throws {
    try checkNames(arrays.map(\.name), path: path)
    try write(arrays.map { Item(name: $0.name, array: $0.array) }, metadata: metadata, to: path)
  }

  /// Writes `arrays` into the file at `path`, keeping every other tensor it holds and its
  /// `__metadata__`. A tensor of the same name is replaced; the others are carried over with
  /// their bytes and dtype unchanged (a `BF16` tensor too, which tl-run cannot read as an
  /// array). Without a file at `path` this is ``write(_:to:metadata:)``. The existing file is
  /// checked whole first: one the reader refuses fails the merge and is left as it was.
  public static func merge(_ arrays: [(name: String, array: NDArray)], into path: String) throws {
    try checkNames(arrays.map(\.name), path: path)
    guard FileKind.of(path) != nil else {
      if errno == ENOENT { return try write(arrays, to: path) }
      throw Source(file: path).error("cannot open: \(errnoDescription())")
    }
    let source = Source(file: path)
    let file = try ReadableFile(path: path, source: source)
    let header = try SafeTensorsHeader(file: file, source: source)
    let replaced = Set(arrays.map(\.name))
    let kept = header.tensors.filter { !replaced.contains($0.name) }.map { entry in
      Item(carrying: entry, from: file, header: header)
    }
    try write(kept + arrays.map { Item(name: $0.name, array: $0.array) }, metadata: header.metadata, to: path)
  }

  /// Refuses two arrays of one name and the name `__metadata__`, which the header reserves.
  static func checkNames(_ names: [String], path: String) throws {
    var seen = Set<String>()
    for name in names {
      let source = Source(file: path, member: name)
      guard seen.insert(name).inserted else { throw source.error("two arrays have this name") }
      if name == "__metadata__" {
        throw source.error("cannot be a tensor name: the safetensors header keeps it for metadata")
      }
    }
  }

  /// One tensor to write: what its header entry says and how to append its bytes.
  struct Item {
    let name: String
    let type: SafeTensorsDType
    let shape: [Int]
    let byteCount: Int
    let writeData: (AtomicFile.Appender) throws -> Void

    init(name: String, array: NDArray) {
      self.name = name
      type = SafeTensorsDType(for: array.dtype)
      shape = array.shape
      byteCount = array.count * array.dtype.itemSize
      writeData = { append in
        #if _endian(big)
          let copy = ArrayStorage(byteCount: array.count * array.dtype.itemSize)
          array.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { copy.base.copyMemory(from: base, byteCount: bytes.count) }
          }
          NPYData.swapBytes(copy.base, count: array.count, itemSize: array.dtype.itemSize)
          try append(UnsafeRawBufferPointer(start: copy.base, count: copy.byteCount))
        #else
          try array.withUnsafeBytes { try append($0) }
        #endif
      }
    }

    /// A tensor of an existing file, copied byte for byte when the new file is written.
    init(carrying entry: SafeTensorsEntry, from file: ReadableFile, header: SafeTensorsHeader) {
      name = entry.name
      type = entry.type
      shape = entry.shape
      byteCount = entry.end - entry.begin
      let (offset, count) = (header.dataStart + entry.begin, entry.end - entry.begin)
      writeData = { append in
        let source = Source(file: file.source.file, member: entry.name)
        guard let buffer = ArrayStorage.allocate(byteCount: count) else {
          throw source.error("cannot allocate \(count) bytes to carry the tensor over")
        }
        try file.read(offset: offset, count: count, into: buffer.base)
        try append(UnsafeRawBufferPointer(start: buffer.base, count: count))
      }
    }
  }

  /// Writes `items` in the package's order under `path`, atomically.
  static func write(_ items: [Item], metadata: [(key: String, value: String)], to path: String) throws {
    let ordered = items.sorted { a, b in
      a.type.rank != b.type.rank
        ? a.type.rank > b.type.rank : a.name.unicodeScalars.lexicographicallyPrecedes(b.name.unicodeScalars)
    }
    let header = encodeHeader(ordered, metadata: metadata)
    guard header.count <= SafeTensorsHeader.maxLength else {
      throw Source(file: path).error(
        "the header would be \(header.count) bytes; the safetensors package reads at most 100000000")
    }
    AtomicFile.removeStaleTemporaries(besides: path)
    try Source(file: path).writing {
      try AtomicFile.write(to: path) { append in
        var length = UInt64(header.count).littleEndian
        try withUnsafeBytes(of: &length) { try append($0) }
        try header.withUnsafeBytes { try append($0) }
        for item in ordered { try item.writeData(append) }
      }
    }
  }

  /// The header as `serde_json::to_string` writes it, padded with spaces to a multiple of 8.
  static func encodeHeader(_ ordered: [Item], metadata: [(key: String, value: String)]) -> [UInt8] {
    var members: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
      members.append(
        "\"__metadata__\":{" + pairs.map { quoted($0.key) + ":" + quoted($0.value) }.joined(separator: ",") + "}")
    }
    var offset = 0
    for item in ordered {
      let shape = item.shape.map(String.init).joined(separator: ",")
      members.append(
        quoted(item.name)
          + ":{\"dtype\":\"\(item.type.name)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + item.byteCount)]}"
      )
      offset += item.byteCount
    }
    var bytes = Array(("{" + members.joined(separator: ",") + "}").utf8)
    bytes += [UInt8](repeating: 0x20, count: (8 - bytes.count % 8) % 8)
    return bytes
  }

  /// A JSON string as `serde_json` writes it: `"` and `\` escaped, `\b \f \n \r \t`, other
  /// control characters as `\u00XX` (lowercase hex), everything else as UTF-8.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{00}"..."\u{1F}":
        let hex = String(scalar.value, radix: 16)
        out += "\\u00" + (hex.count == 1 ? "0" + hex : hex)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}

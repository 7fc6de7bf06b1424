import TLArray
import TLSystem

/// The dict a `.npy` header holds — `descr`, `fortran_order`, `shape` — checked as NumPy does.
struct NPYHeader: Equatable, Sendable {
  var descr: NPYDescr
  var fortranOrder: Bool
  var shape: [Int]

  static let keys = ["descr", "fortran_order", "shape"]

  init(descr: NPYDescr, fortranOrder: Bool, shape: [Int]) {
    self.descr = descr
    self.fortranOrder = fortranOrder
    self.shape = shape
  }

  /// Parses the header text (the bytes after the preamble, padding included).
  init(bytes: some Collection<UInt8>, preamble: NPYPreamble, source: Source) throws {
    // latin-1 maps each byte to the code point of the same value.
    let text =
      preamble.isUTF8
      ? String(decoding: bytes, as: UTF8.self)
      : String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    let literal: PythonLiteral
    do {
      // NumPy filters Python 2's long suffix out of 1.0 and 2.0 headers only.
      literal = try PythonLiteral.parse(text, python2Longs: preamble.major <= 2)
    } catch {
      throw source.error("header is not a Python literal: \(error.message)")
    }
    guard case .dict(let entries) = literal else {
      throw source.error("header is \(literal.kindName), not a dict")
    }
    let values = try Self.entries(entries, source: source)
    descr = try Self.descr(values["descr"], source: source)
    guard case .bool(let fortran) = values["fortran_order"] else {
      throw source.error(
        "fortran_order is \(values["fortran_order"]?.kindName ?? "missing"), not True or False")
    }
    fortranOrder = fortran
    shape = try Self.shape(values["shape"], source: source)
  }

  /// The three entries by name; a missing, repeated, unknown or non-string key throws.
  private static func entries(
    _ entries: [(key: PythonLiteral, value: PythonLiteral)], source: Source
  ) throws -> [String: PythonLiteral] {
    var values: [String: PythonLiteral] = [:]
    for (key, value) in entries {
      guard case .string(let name) = key else {
        throw source.error("header key \(key.kindName) is not a string")
      }
      guard keys.contains(name) else {
        throw source.error(
          "header has unknown key '\(name)' (expected descr, fortran_order, shape)")
      }
      guard values[name] == nil else { throw source.error("header has key '\(name)' twice") }
      values[name] = value
    }
    if let missing = keys.first(where: { values[$0] == nil }) {
      throw source.error("header lacks key '\(missing)'")
    }
    return values
  }

  private static func descr(_ value: PythonLiteral?, source: Source) throws -> NPYDescr {
    switch value {
    case .string(let text): return try NPYDescr(parsing: text, source: source)
    case .list:
      throw source.error(
        "dtype is structured (a list of fields); tl-run reads only plain numeric arrays")
    default: throw source.error("descr is \(value?.kindName ?? "missing"), not a dtype string")
    }
  }

  private static func shape(_ value: PythonLiteral?, source: Source) throws -> [Int] {
    guard case .tuple(let items) = value else {
      throw source.error(
        "shape is \(value?.kindName ?? "missing"), not a tuple of non-negative integers")
    }
    guard items.count <= NPY.maxDimensions else {
      throw source.error("shape has \(items.count) dimensions; NumPy allows at most \(NPY.maxDimensions)")
    }
    return try items.map { item in
      guard case .int(let dim) = item else {
        throw source.error("shape holds \(item.kindName), not a non-negative integer")
      }
      guard let dim else { throw source.error("shape has a dimension too large for this machine") }
      guard dim >= 0 else { throw source.error("shape has negative dimension \(dim)") }
      return dim
    }
  }

  /// Memory for `byteCount` bytes of data, or an error naming the file when the system cannot
  /// provide it (NumPy raises MemoryError; allocating it any other way would stop tl-run).
  func allocateData(_ byteCount: Int, source: Source) throws -> ArrayStorage {
    guard let storage = ArrayStorage.allocate(byteCount: byteCount) else {
      throw source.error(
        "cannot allocate \(byteCount) bytes for data of shape \(Shape.describe(shape)) of \(descr.dtype): \(errnoDescription())"
      )
    }
    return storage
  }

  /// The data's byte size, checked for overflow and against the `available` bytes after the header.
  func dataByteCount(available: Int, source: Source) throws -> Int {
    let described = "\(Shape.describe(shape)) of \(descr.dtype)"
    guard let bytes = Shape.checkedByteCount(shape, itemSize: descr.dtype.itemSize) else {
      throw source.error("shape \(described) overflows the byte count")
    }
    guard bytes <= available else {
      throw source.error(
        "data of shape \(described) needs \(bytes) bytes but the file holds \(available) after the header"
      )
    }
    return bytes
  }
}

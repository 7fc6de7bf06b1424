import TLArray

/// One tensor as a safetensors header declares it, checked against the file.
public struct SafeTensorsEntry: Sendable {
  /// The tensor's name (`encoder.0.weight`).
  public let name: String
  /// The shape, in C order.
  public let shape: [Int]
  let type: SafeTensorsDType
  /// Where its bytes are, relative to the start of the data buffer: `begin..<end`.
  let begin: Int
  let end: Int

  /// The header's dtype string: `F32`, `BF16`.
  public var dtypeName: String { type.name }
  /// The NumPy dtype it reads as; nil when it has none (``refusal`` says why).
  public var dtype: DType? { type.dtype }
  /// Why this tensor cannot be read (`BF16 has no NumPy dtype…`); nil when it can.
  public var refusal: String? {
    if let reason = type.refusal { return reason }
    if shape.count > NPY.maxDimensions {
      return "shape has \(shape.count) dimensions; NumPy allows at most \(NPY.maxDimensions)"
    }
    return nil
  }
}

/// A safetensors file's header: an 8-byte little-endian length N, then N bytes of UTF-8 JSON
/// `{NAME: {"dtype": …, "shape": […], "data_offsets": [BEGIN, END]}, "__metadata__": {…}}`,
/// then the data buffer, which the offsets index.
///
/// Everything is checked before any tensor's data is touched, as the safetensors package
/// checks it (`SafeTensors::read_metadata`, 0.8.0), so that a file the package refuses is
/// refused here too: N at most 100,000,000 and inside the file; strict JSON (see
/// ``SafeTensorsJSON``) of exactly that shape, with no tensor named twice; a known dtype;
/// offsets with begin ≤ end inside the file; a size equal to the dtype's size times the
/// shape's product (multiplied with overflow checks); and tensors that cover the data buffer
/// exactly, with no overlap, no hole and nothing after the last one.
struct SafeTensorsHeader {
  /// The package's limit on N (`MAX_HEADER_SIZE`).
  static let maxLength = 100_000_000

  /// The tensors, in the header's order.
  let tensors: [SafeTensorsEntry]
  /// `__metadata__`, in the header's order (empty when absent or `null`).
  let metadata: [(key: String, value: String)]
  /// The file offset of the data buffer: 8 + N.
  let dataStart: Int

  /// Reads and checks the header of `file`.
  init(file: ReadableFile, source: Source) throws {
    guard file.size >= 8 else {
      throw source.error(
        "is \(file.size) bytes long, too short for a safetensors file (an 8-byte header length, then the header)")
    }
    let prefix = try file.bytes(offset: 0, count: 8)
    let length = prefix.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    guard length <= UInt64(Self.maxLength) else {
      let looks = Self.otherFormat(prefix).map { "; it looks like \($0)" } ?? ""
      throw source.error(
        "header length \(length) is more than the 100000000 bytes the safetensors package allows\(looks)")
    }
    let count = Int(length)
    guard count <= file.size - 8 else {
      throw source.error("header length \(count) runs past the end of the file (\(file.size) bytes)")
    }
    let bytes = try file.bytes(offset: 8, count: count)
    try self.init(header: bytes, dataLength: file.size - 8 - count, source: source)
  }

  /// Checks `header` (the N bytes of JSON) for a file whose data buffer holds `dataLength` bytes.
  init(header: [UInt8], dataLength: Int, source: Source) throws {
    if let bad = Self.firstInvalidUTF8(header) {
      throw source.error("the header is not UTF-8 (an invalid sequence at header byte \(bad))")
    }
    let parsed: (tensors: [RawTensor], metadata: [(key: String, value: String)])
    do { parsed = try Self.parse(header) } catch {
      throw FormatError(
        file: source.file, member: error.tensor, message: "\(error.message) (header byte \(error.offset))")
    }
    tensors = try Self.check(parsed.tensors, dataLength: dataLength, source: source)
    metadata = parsed.metadata
    dataStart = 8 + header.count
  }

  /// The file type whose signature `prefix` starts with, for a header length that is absurd.
  private static func otherFormat(_ prefix: [UInt8]) -> String? {
    if prefix.starts(with: [0x93] + Array("NUMPY".utf8)) { return "a .npy file" }
    if prefix.starts(with: Array("PK".utf8)) { return "a zip archive (.npz?)" }
    if prefix.starts(with: [0x89] + Array("HDF".utf8)) { return "an HDF5 file" }
    return nil
  }

  /// The offset of the first byte that is not part of valid UTF-8, or nil.
  private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var offset = 0
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): offset += UTF8.width(scalar)
      case .emptyInput: return nil
      case .error: return offset
      }
    }
  }
}

extension SafeTensorsHeader {
  /// A tensor as the JSON gives it, before any check.
  struct RawTensor {
    var name: String
    var dtype: String
    var shape: [Int]
    var offsets: [Int]
  }

  /// The tensors and the metadata of the JSON, or the first syntax or shape fault.
  static func parse(_ header: [UInt8]) throws(SafeTensorsJSON.Fault) -> (
    tensors: [RawTensor], metadata: [(key: String, value: String)]
  ) {
    var json = SafeTensorsJSON(header)
    var tensors: [RawTensor] = []
    var names = Set<String>()
    var metadata: [(key: String, value: String)]?
    try json.members("the header's '{'") { (json: inout SafeTensorsJSON, key: String) throws(SafeTensorsJSON.Fault) in
      if key == "__metadata__" {
        guard metadata == nil else { throw json.fault("'__metadata__' is given twice") }
        metadata = try parseMetadata(&json)
        return
      }
      guard names.insert(key).inserted else {
        var fault = json.fault("the header declares this tensor twice")
        fault.tensor = key
        throw fault
      }
      do throws(SafeTensorsJSON.Fault) { tensors.append(try parseTensor(&json, name: key)) } catch {
        var fault = error
        fault.tensor = key
        throw fault
      }
    }
    if let extra = json.peek() {
      throw json.fault("unexpected \(SafeTensorsJSON.describe(extra)) after the header's closing '}'")
    }
    return (tensors, metadata ?? [])
  }

  private static func parseTensor(_ json: inout SafeTensorsJSON, name: String) throws(SafeTensorsJSON.Fault)
    -> RawTensor
  {
    var dtype: String?
    var shape: [Int]?
    var offsets: [Int]?
    try json.members("a tensor's '{'") { (json: inout SafeTensorsJSON, key: String) throws(SafeTensorsJSON.Fault) in
      let seen: Bool
      switch key {
      case "dtype":
        seen = dtype != nil
        dtype = try json.string("dtype (a string)")
      case "shape":
        seen = shape != nil
        shape = try json.integers("shape")
      case "data_offsets":
        seen = offsets != nil
        offsets = try json.integers("data_offsets")
      default:
        throw json.fault("unknown key '\(key)'; a tensor has dtype, shape and data_offsets")
      }
      if seen { throw json.fault("'\(key)' is given twice") }
    }
    guard let dtype, let shape, let offsets else {
      let missing = [("dtype", dtype == nil), ("shape", shape == nil), ("data_offsets", offsets == nil)]
        .filter(\.1).map(\.0)
      throw json.fault("the tensor has no \(missing.joined(separator: ", "))")
    }
    return RawTensor(name: name, dtype: dtype, shape: shape, offsets: offsets)
  }

  /// `__metadata__`: `null`, or an object of strings.
  private static func parseMetadata(_ json: inout SafeTensorsJSON) throws(SafeTensorsJSON.Fault) -> [(
    key: String, value: String
  )] {
    if json.consumeNull() { return [] }
    var pairs: [(key: String, value: String)] = []
    var keys = Set<String>()
    try json.members("'{' (__metadata__ is an object of strings)") {
      (json: inout SafeTensorsJSON, key: String) throws(SafeTensorsJSON.Fault) in
      guard keys.insert(key).inserted else { throw json.fault("__metadata__ gives '\(key)' twice") }
      pairs.append((key, try json.string("a string (__metadata__ values are strings)")))
    }
    return pairs
  }
}

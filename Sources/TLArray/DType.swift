/// The element types an ``NDArray`` can hold: NumPy's numeric dtypes, spelled as NumPy spells them.
public enum DType: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
  case bool
  case int8, int16, int32, int64
  case uint8, uint16, uint32, uint64
  case float16, float32, float64

  /// The kind of number, as NumPy's `dtype.kind` letter: `b`, `i`, `u` or `f`.
  public enum Kind: Character, Sendable {
    case bool = "b"
    case signed = "i"
    case unsigned = "u"
    case float = "f"
  }

  /// Bytes per element.
  public var itemSize: Int {
    switch self {
    case .bool, .int8, .uint8: 1
    case .int16, .uint16, .float16: 2
    case .int32, .uint32, .float32: 4
    case .int64, .uint64, .float64: 8
    }
  }

  public var kind: Kind {
    switch self {
    case .bool: .bool
    case .int8, .int16, .int32, .int64: .signed
    case .uint8, .uint16, .uint32, .uint64: .unsigned
    case .float16, .float32, .float64: .float
    }
  }

  public var isFloatingPoint: Bool { kind == .float }
  /// Signed or unsigned integers (not bool): the dtypes NumPy accepts as index arrays.
  public var isInteger: Bool { kind == .signed || kind == .unsigned }

  /// NumPy's name (`float32`), also accepted by ``init(name:)``.
  public var description: String { rawValue }

  /// Parses a NumPy dtype name or alias: `float32`, `f4`, `f`, `float`, `int`, `i8`, `bool`, `?`.
  public init?(name: String) {
    if let exact = DType(rawValue: name) {
      self = exact
      return
    }
    let aliases: [String: DType] = [
      "f": .float32, "f2": .float16, "f4": .float32, "f8": .float64, "d": .float64,
      "float": .float64, "double": .float64, "half": .float16, "single": .float32,
      "e": .float16, "i": .int32, "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64,
      "int": .int64, "u1": .uint8, "u2": .uint16, "u4": .uint32, "u8": .uint64,
      "b1": .bool, "?": .bool, "b": .int8, "B": .uint8, "h": .int16, "H": .uint16,
      "l": .int64, "q": .int64, "L": .uint64, "Q": .uint64, "I": .uint32,
    ]
    guard let alias = aliases[name] else { return nil }
    self = alias
  }
}

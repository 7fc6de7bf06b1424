import TLArray

/// A `.npy` `descr` string such as `<f4`, `>i8` or `|b1`, read into a ``DType`` and a byte order.
struct NPYDescr: Equatable, Sendable {
  var dtype: DType
  /// True when the bytes in the file are in the opposite order from this machine's.
  var needsSwap: Bool

  /// The byte order character NumPy writes for multi-byte types on this machine.
  static let nativeOrder: Character = 1.littleEndian == 1 ? "<" : ">"

  /// The `descr` NumPy writes for `dtype` on this machine: `|` for one-byte types, else native.
  static func string(for dtype: DType) -> String {
    let order: Character = dtype.itemSize == 1 ? "|" : nativeOrder
    return "\(order)\(code(for: dtype))"
  }

  /// NumPy's type code: the kind letter and the size, `f4`, `b1`, `u8`.
  static func code(for dtype: DType) -> String { "\(dtype.kind.rawValue)\(dtype.itemSize)" }

  /// Kinds NumPy can store that tl-run refuses, with the name the error gives them.
  static let refusedKinds: [Character: String] = [
    "O": "an object array (a pickle, which is never loaded)",
    "c": "complex", "S": "a byte string", "a": "a byte string", "U": "a unicode string",
    "V": "void (raw or structured bytes)", "M": "datetime", "m": "timedelta",
  ]

  init(dtype: DType, needsSwap: Bool) {
    self.dtype = dtype
    self.needsSwap = needsSwap
  }

  /// Parses `text`; a refused or unknown dtype throws naming it.
  init(parsing text: String, source: Source) throws {
    var code = Substring(text)
    var order: Character = "="
    if let first = code.first, "<>|=".contains(first) {
      order = first
      code = code.dropFirst()
    }
    let canonical = DType.allCases.first { Self.code(for: $0) == code }
    guard let dtype = canonical ?? DType(name: String(code)) else {
      throw source.error(Self.refusal(text, code: code))
    }
    self.dtype = dtype
    let fileIsLittle: Bool
    switch order {
    case "<": fileIsLittle = true
    case ">": fileIsLittle = false
    default: fileIsLittle = Self.nativeOrder == "<"  // `|`, `=` or none: native, as NumPy reads it
    }
    needsSwap = dtype.itemSize > 1 && fileIsLittle != (Self.nativeOrder == "<")
  }

  private static func refusal(_ text: String, code: Substring) -> String {
    let quoted = "dtype '\(text)'"
    if let kind = code.first, let name = refusedKinds[kind] {
      return "\(quoted) is \(name); tl-run reads only bool, integer and float arrays"
    }
    if code == "f12" || code == "f16" || code == "g" {
      return "\(quoted) is a long double, which is not portable; save as float64"
    }
    return "unknown \(quoted)"
  }
}

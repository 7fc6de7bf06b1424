/// The subset of Python literal syntax a `.npy` header can hold, as `ast.literal_eval` reads it:
/// dicts, tuples, lists, strings, integers, `True`, `False` and `None`.
indirect enum PythonLiteral: Equatable, Sendable {
  case string(String)
  /// nil when the integer does not fit in `Int` (Python's are unbounded).
  case int(Int?)
  case bool(Bool)
  case none
  case tuple([PythonLiteral])
  case list([PythonLiteral])
  case dict([(key: PythonLiteral, value: PythonLiteral)])

  static func == (lhs: PythonLiteral, rhs: PythonLiteral) -> Bool {
    switch (lhs, rhs) {
    case (.string(let a), .string(let b)): a == b
    case (.int(let a), .int(let b)): a == b
    case (.bool(let a), .bool(let b)): a == b
    case (.none, .none): true
    case (.tuple(let a), .tuple(let b)), (.list(let a), .list(let b)): a == b
    case (.dict(let a), .dict(let b)):
      a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default: false
    }
  }

  /// How the value is named in errors: `a string`, `a list`, `the integer 3`.
  var kindName: String {
    switch self {
    case .string(let s): "the string '\(s)'"
    case .int(let i): i.map { "the integer \($0)" } ?? "a huge integer"
    case .bool(let b): b ? "True" : "False"
    case .none: "None"
    case .tuple: "a tuple"
    case .list: "a list"
    case .dict: "a dict"
    }
  }

  /// Parses one literal filling `text` (surrounding whitespace and comments allowed).
  ///
  /// With `python2Longs`, an integer may end in Python 2's long suffix `L` (`(2L, 3L)`), which
  /// is dropped: NumPy's `_read_array_header` does this for `.npy` versions 1.0 and 2.0 when a
  /// header fails to parse, by `_filter_header`, which removes every token that is the name
  /// `L` right after a number token (`2L`, `2 L`, `0x2L`; not `2l`, `2LL` or `2L3`, where the
  /// name is `l`, `LL`, `L3`; not across a line break, which is a token of its own).
  static func parse(_ text: String, python2Longs: Bool = false) throws(PythonLiteralError)
    -> PythonLiteral
  {
    var parser = PythonLiteralParser(bytes: Array(text.utf8), python2Longs: python2Longs)
    let value = try parser.value()
    parser.skipSpace()
    guard parser.atEnd else { throw parser.unexpected("after the literal") }
    return value
  }
}

/// Why a header is not a Python literal, with the byte offset into the header text.
struct PythonLiteralError: Error, Equatable {
  var message: String
}

/// A recursive-descent reader over UTF-8 bytes; one function per production.
struct PythonLiteralParser {
  let bytes: [UInt8]
  /// Whether an `L` after an integer is dropped, as NumPy does for Python 2 headers.
  var python2Longs = false
  var index = 0

  init(bytes: [UInt8], python2Longs: Bool = false) {
    self.bytes = bytes
    self.python2Longs = python2Longs
  }

  var atEnd: Bool { index >= bytes.count }
  var current: UInt8? { atEnd ? nil : bytes[index] }

  mutating func skipSpace() {
    while let c = current {
      if c == UInt8(ascii: "#") {  // a comment runs to the end of the line
        while let d = current, d != UInt8(ascii: "\n") { index += 1 }
      } else if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C {
        index += 1
      } else if c == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == 0x0A {
        index += 2  // explicit line joining
      } else {
        return
      }
    }
  }

  func unexpected(_ context: String) -> PythonLiteralError {
    guard let c = current else { return PythonLiteralError(message: "text ends \(context)") }
    let shown = (0x20..<0x7F).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "byte \(c)"
    return PythonLiteralError(message: "unexpected \(shown) at offset \(index) \(context)")
  }

  mutating func expect(_ ascii: Unicode.Scalar, _ context: String) throws(PythonLiteralError) {
    skipSpace()
    guard current == UInt8(ascii: ascii) else { throw unexpected(context) }
    index += 1
  }

  mutating func value() throws(PythonLiteralError) -> PythonLiteral {
    skipSpace()
    guard let c = current else { throw unexpected("where a value was expected") }
    switch c {
    case UInt8(ascii: "{"): return try dict()
    case UInt8(ascii: "("): return try tupleOrParenthesized()
    case UInt8(ascii: "["):
      index += 1
      return .list(try items(closing: "]").values)
    case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try strings())
    case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return try integer()
    default: return try name()
    }
  }

  /// Comma-separated values up to `closing`; a trailing comma is allowed.
  mutating func items(closing: Unicode.Scalar) throws(PythonLiteralError) -> (
    values: [PythonLiteral], sawComma: Bool
  ) {
    var values: [PythonLiteral] = []
    var sawComma = false
    while true {
      skipSpace()
      if current == UInt8(ascii: closing) {
        index += 1
        return (values, sawComma)
      }
      if !values.isEmpty {
        try expect(",", "where ',' or '\(closing)' was expected")
        sawComma = true
        skipSpace()
        if current == UInt8(ascii: closing) {
          index += 1
          return (values, sawComma)
        }
      }
      values.append(try value())
    }
  }

  mutating func tupleOrParenthesized() throws(PythonLiteralError) -> PythonLiteral {
    index += 1
    let (values, sawComma) = try items(closing: ")")
    // `(3)` is the integer 3; only a comma (or nothing at all) makes a tuple.
    if values.count == 1 && !sawComma { return values[0] }
    return .tuple(values)
  }

  mutating func dict() throws(PythonLiteralError) -> PythonLiteral {
    index += 1
    var entries: [(key: PythonLiteral, value: PythonLiteral)] = []
    while true {
      skipSpace()
      if current == UInt8(ascii: "}") {
        index += 1
        return .dict(entries)
      }
      if !entries.isEmpty {
        try expect(",", "where ',' or '}' was expected")
        skipSpace()
        if current == UInt8(ascii: "}") {
          index += 1
          return .dict(entries)
        }
      }
      let key = try value()
      try expect(":", "where ':' was expected")
      entries.append((key, try value()))
    }
  }
}

/// The lexical parts of ``PythonLiteralParser``: strings, integers and names.
extension PythonLiteralParser {
  /// One or more adjacent string literals, concatenated as Python does (`'<' 'f4'`).
  mutating func strings() throws(PythonLiteralError) -> String {
    try stringLiteral() + adjacentStrings()
  }

  /// The string literals that follow one already read, concatenated ("" when none follow).
  mutating func adjacentStrings() throws(PythonLiteralError) -> String {
    var text = ""
    while true {
      let saved = index
      skipSpace()
      if let c = current, c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
        text += try stringLiteral()
      } else if let prefixed = try prefixedString() {
        text += prefixed
      } else {
        index = saved
        return text
      }
    }
  }

  /// A string with a `u`, `r` or `b` prefix, or nil (and no bytes consumed) when none is here.
  mutating func prefixedString() throws(PythonLiteralError) -> String? {
    let saved = index
    var prefix = ""
    while let c = current, prefix.count < 2, "uUrRbB".utf8.contains(c) {
      prefix.append(Character(Unicode.Scalar(c)))
      index += 1
    }
    guard !prefix.isEmpty, let c = current, c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") else {
      index = saved
      return nil
    }
    return try stringLiteral()
  }

  /// One quoted string, single or triple quoted, with the common backslash escapes.
  mutating func stringLiteral() throws(PythonLiteralError) -> String {
    let start = index
    guard let quote = current else { throw unexpected("where a string was expected") }
    let triple = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
    index += triple ? 3 : 1
    var out: [UInt8] = []
    while true {
      guard let c = current else {
        throw PythonLiteralError(message: "string starting at offset \(start) is not closed")
      }
      if c == quote
        && (!triple
          || (index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote))
      {
        index += triple ? 3 : 1
        return String(decoding: out, as: UTF8.self)
      }
      if c == 0x0A && !triple {
        throw PythonLiteralError(
          message: "string starting at offset \(start) runs past the end of the line")
      }
      index += 1
      if c == UInt8(ascii: "\\"), let next = current {
        index += 1
        out.append(contentsOf: Self.escapes[next] ?? [c, next])
      } else {
        out.append(c)
      }
    }
  }

  private static let escapes: [UInt8: [UInt8]] = [
    UInt8(ascii: "\\"): [0x5C], UInt8(ascii: "'"): [0x27], UInt8(ascii: "\""): [0x22],
    UInt8(ascii: "n"): [0x0A], UInt8(ascii: "t"): [0x09], UInt8(ascii: "r"): [0x0D],
    UInt8(ascii: "0"): [0x00], 0x0A: [],
  ]

  /// A signed integer: decimal, `0x`, `0o` or `0b`, with `_` separators.
  mutating func integer() throws(PythonLiteralError) -> PythonLiteral {
    var negative = false
    while let c = current, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
      if c == UInt8(ascii: "-") { negative.toggle() }
      index += 1
      skipSpace()
    }
    var radix = 10
    if current == UInt8(ascii: "0"), index + 1 < bytes.count {
      let radixes: [UInt8: Int] = [0x78: 16, 0x58: 16, 0x6F: 8, 0x4F: 8, 0x62: 2, 0x42: 2]
      if let r = radixes[bytes[index + 1]] {
        radix = r
        index += 2
      }
    }
    var digits = ""
    while let c = current,
      let digit = Character(Unicode.Scalar(c)).hexDigitValue ?? (c == UInt8(ascii: "_") ? -1 : nil),
      digit < radix
    {
      if digit >= 0 { digits.append(Character(Unicode.Scalar(c))) }
      index += 1
    }
    guard !digits.isEmpty else { throw unexpected("where digits were expected") }
    if python2Longs { skipLongSuffix() }
    guard let magnitude = Int(digits, radix: radix) else { return .int(nil) }
    return .int(negative ? -magnitude : magnitude)
  }

  /// Consumes Python 2's `L` after an integer, as NumPy's `_filter_header` drops it: the name
  /// `L` alone, after spaces, tabs, form feeds or backslash line joins (which make no token)
  /// but not after a line break or comment (which do).
  mutating func skipLongSuffix() {
    var at = index
    while at < bytes.count {
      if bytes[at] == 0x20 || bytes[at] == 0x09 || bytes[at] == 0x0C {
        at += 1
      } else if bytes[at] == UInt8(ascii: "\\"), at + 1 < bytes.count, bytes[at + 1] == 0x0A {
        at += 2
      } else {
        break
      }
    }
    guard at < bytes.count, bytes[at] == UInt8(ascii: "L") else { return }
    let next = at + 1 < bytes.count ? bytes[at + 1] : 0x20
    // A longer name (`LL`, `L3`, `Lé`) is not the suffix; its bytes stay and fail to parse.
    let isNameByte =
      (next >= 0x30 && next <= 0x39) || (next >= 0x41 && next <= 0x5A)
      || (next >= 0x61 && next <= 0x7A) || next == 0x5F || next >= 0x80
    if !isNameByte { index = at + 1 }
  }

  /// `True`, `False`, `None`, or a prefixed string; anything else is not a literal.
  mutating func name() throws(PythonLiteralError) -> PythonLiteral {
    if let string = try prefixedString() {
      return .string(string + (try adjacentStrings()))
    }
    let start = index
    while let c = current, (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F {
      index += 1
    }
    let word = String(decoding: bytes[start..<index], as: UTF8.self)
    let names: [String: PythonLiteral] = [
      "True": .bool(true), "False": .bool(false), "None": .none,
    ]
    guard let value = names[word] else {
      index = start
      throw unexpected("where a value was expected")
    }
    return value
  }
}

import TLArray

/// A strict RFC 8259 parser into ``JSONValue``, reporting the line and column of a fault.
struct JSONParser {
  private let bytes: [UInt8]
  private var index = 0

  /// Why the text is not JSON, with its 1-based line and column.
  struct SyntaxError: Error {
    let message: String
    let line: Int
    let column: Int
  }

  /// Parses `text`; the first fault in the file's order is reported, a byte that is not UTF-8
  /// (RFC 8259 §8.1: JSON text is UTF-8; decoded leniently, it became U+FFFD) or a syntax error.
  static func parse(_ text: [UInt8]) throws(SyntaxError) -> JSONValue {
    let bad = firstInvalidUTF8(text)
    var parser = JSONParser(bytes: text)
    func invalidUTF8(at offset: Int) -> SyntaxError {
      var at = parser
      at.index = offset
      let hex = String(text[offset], radix: 16)
      return at.fail("invalid UTF-8 (byte 0x\(hex.count == 1 ? "0" + hex : hex)); JSON text is UTF-8")
    }
    let value: JSONValue
    do throws(SyntaxError) {
      parser.skipWhitespace()
      value = try parser.parseValue(depth: 0)
      parser.skipWhitespace()
      if parser.index < parser.bytes.count { throw parser.fail("unexpected text after the end of the document") }
    } catch {
      // A syntax error past the bad byte (or at it: a non-ASCII byte outside a string) is
      // the bad byte's.
      if let bad, bad <= parser.index { throw invalidUTF8(at: bad) }
      throw error
    }
    if let bad { throw invalidUTF8(at: bad) }
    return value
  }

  private init(bytes: [UInt8]) { self.bytes = bytes }

  /// The character that starts at `offset` as the message shows it: its UTF-8 sequence decoded
  /// (not its first byte as latin-1: `é`, not `Ã`), escaped (a control character or U+202E
  /// never reaches the terminal raw).
  private func characterShown(at offset: Int) -> String {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes[offset...].makeIterator()
    guard case .valid(let encoded) = parser.parseScalar(from: &iterator) else { return "?" }
    let scalar = Unicode.UTF8.decode(encoded)
    // Invisible, and what an editor saving "UTF-8 with BOM" puts first (RFC 8259: JSON has none).
    if scalar == "\u{FEFF}" { return "U+FEFF, a byte order mark" }
    return TerminalText.escaped(String(scalar))
  }

  /// The offset of the first byte that does not belong to well-formed UTF-8 (an overlong form,
  /// a surrogate, a code point past U+10FFFF or a truncated sequence), or nil.
  static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let encoded): offset += encoded.count
      case .error: return offset
      case .emptyInput: return nil
      }
    }
  }

  private func fail(_ message: String) -> SyntaxError {
    let before = bytes[..<min(index, bytes.count)]
    let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
    let column = index - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
    return SyntaxError(message: message, line: line, column: column)
  }

  private mutating func skipWhitespace() {
    while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
  }

  private mutating func parseValue(depth: Int) throws(SyntaxError) -> JSONValue {
    guard depth < 512 else { throw fail("nesting deeper than 512 levels") }
    guard index < bytes.count else { throw fail("unexpected end of the document") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try expectWord("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectWord("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectWord("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    default: throw fail("unexpected character '\(characterShown(at: index))'")
    }
  }

  private mutating func expectWord(_ word: String) throws(SyntaxError) {
    let utf8 = Array(word.utf8)
    guard bytes.count - index >= utf8.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
      throw fail("invalid literal (expected \(word))")
    }
    index += utf8.count
  }

  private mutating func parseObject(depth: Int) throws(SyntaxError) -> JSONValue {
    index += 1
    var members: [(key: String, value: JSONValue)] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
        throw fail("expected a key in double quotes")
      }
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
        throw fail("expected ':' after key \"\(key)\"")
      }
      index += 1
      skipWhitespace()
      members.append((key, try parseValue(depth: depth + 1)))
      skipWhitespace()
      guard index < bytes.count else { throw fail("unexpected end inside an object") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      throw fail("expected ',' or '}' in an object")
    }
  }

  private mutating func parseArray(depth: Int) throws(SyntaxError) -> JSONValue {
    index += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue(depth: depth + 1))
      skipWhitespace()
      guard index < bytes.count else { throw fail("unexpected end inside a list") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(elements)
      }
      throw fail("expected ',' or ']' in a list")
    }
  }

  private mutating func parseNumber() throws(SyntaxError) -> String {
    let start = index
    func digits(_ p: inout JSONParser) -> Int {
      let s = p.index
      while p.index < p.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(p.bytes[p.index]) { p.index += 1 }
      return p.index - s
    }
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    let intStart = index
    guard digits(&self) > 0 else { throw fail("invalid number") }
    if bytes[intStart] == UInt8(ascii: "0"), index - intStart > 1 {
      index = intStart
      throw fail("invalid number (leading zero)")
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard digits(&self) > 0 else { throw fail("invalid number (no digits after '.')") }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard digits(&self) > 0 else { throw fail("invalid number (no exponent digits)") }
    }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  private mutating func parseString() throws(SyntaxError) -> String {
    index += 1
    var scalars = String.UnicodeScalarView()
    var chunkStart = index
    func flush(_ p: JSONParser, _ from: Int, _ to: Int, into s: inout String.UnicodeScalarView) {
      s.append(contentsOf: String(decoding: p.bytes[from..<to], as: UTF8.self).unicodeScalars)
    }
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        flush(self, chunkStart, index, into: &scalars)
        index += 1
        return String(scalars)
      }
      if byte < 0x20 { throw fail("control character in a string") }
      if byte == UInt8(ascii: "\\") {
        flush(self, chunkStart, index, into: &scalars)
        scalars.append(try parseEscape())
        chunkStart = index
        continue
      }
      index += 1
    }
    throw fail("unterminated string")
  }

  private mutating func parseEscape() throws(SyntaxError) -> Unicode.Scalar {
    index += 1
    guard index < bytes.count else { throw fail("unterminated escape") }
    let simple: [UInt8: Unicode.Scalar] = [
      UInt8(ascii: "\""): "\"", UInt8(ascii: "\\"): "\\", UInt8(ascii: "/"): "/",
      UInt8(ascii: "b"): "\u{08}", UInt8(ascii: "f"): "\u{0C}", UInt8(ascii: "n"): "\n",
      UInt8(ascii: "r"): "\r", UInt8(ascii: "t"): "\t",
    ]
    let letter = bytes[index]
    index += 1
    if let scalar = simple[letter] { return scalar }
    guard letter == UInt8(ascii: "u") else { throw fail("invalid escape") }
    var code = try hex4()
    if (0xD800..<0xDC00).contains(code) {
      guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
        throw fail("unpaired surrogate in \\u escape")
      }
      index += 2
      let low = try hex4()
      guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
    }
    guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
    return scalar
  }

  private mutating func hex4() throws(SyntaxError) -> UInt32 {
    guard bytes.count - index >= 4,
      let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
    else {
      throw fail("invalid \\u escape")
    }
    index += 4
    return value
  }
}

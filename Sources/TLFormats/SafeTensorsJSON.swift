/// A strict RFC 8259 reader for the one JSON shape a safetensors header has: an object of
/// objects whose values are strings, lists of non-negative integers, or (`__metadata__`)
/// strings and `null`.
///
/// The project's general JSON parser lives in TLPipeline, which TLFormats may not import;
/// this reader is driven by the header's schema instead, so it never recurses and never builds
/// a tree: what is not the schema is an error at its byte offset. Syntax is RFC 8259's (no
/// comments, no trailing commas, no leading zeros, no raw control characters in strings, no
/// lone surrogates in `\u` escapes), as `serde_json`, which the safetensors package uses,
/// reads it; whitespace, the package's space padding included, is allowed between tokens.
struct SafeTensorsJSON {
  /// What is wrong, the byte offset in the header where it was found, and the tensor whose
  /// entry it is in (set by the caller that knows it).
  struct Fault: Error {
    let message: String
    let offset: Int
    var tensor: String?
  }

  private let bytes: [UInt8]
  private(set) var index = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  /// A fault at the current position.
  func fault(_ message: String) -> Fault { Fault(message: message, offset: index) }

  var atEnd: Bool { index >= bytes.count }

  /// The next byte after whitespace, not consumed; nil at the end.
  mutating func peek() -> UInt8? {
    while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    return index < bytes.count ? bytes[index] : nil
  }

  /// Consumes `byte` (after whitespace) or throws naming what was expected.
  mutating func expect(_ byte: UInt8, _ what: String) throws(Fault) {
    guard let next = peek() else { throw fault("the header ends where \(what) was expected") }
    guard next == byte else { throw fault("expected \(what), found \(Self.describe(next))") }
    index += 1
  }

  /// Consumes the literal `null` if it comes next.
  mutating func consumeNull() -> Bool {
    guard peek() == UInt8(ascii: "n"), bytes.count - index >= 4,
      bytes[index..<index + 4].elementsEqual("null".utf8)
    else { return false }
    index += 4
    return true
  }

  /// Reads an object's members: `body` gets each key and must read its value.
  mutating func members(_ what: String, _ body: (inout SafeTensorsJSON, String) throws(Fault) -> Void)
    throws(Fault)
  {
    try expect(UInt8(ascii: "{"), what)
    if peek() == UInt8(ascii: "}") {
      index += 1
      return
    }
    while true {
      if peek() == UInt8(ascii: "}") { throw fault("a comma before '}' (a trailing comma) is not JSON") }
      let key = try string("a key (a string)")
      try expect(UInt8(ascii: ":"), "':' after the key")
      try body(&self, key)
      guard let next = peek() else { throw fault("the header ends inside an object") }
      index += 1
      if next == UInt8(ascii: "}") { return }
      guard next == UInt8(ascii: ",") else {
        index -= 1
        throw fault("expected ',' or '}', found \(Self.describe(next))")
      }
    }
  }

  /// A list of non-negative integers: `[2, 3]`.
  mutating func integers(_ what: String) throws(Fault) -> [Int] {
    try expect(UInt8(ascii: "["), what)
    var values: [Int] = []
    if peek() == UInt8(ascii: "]") {
      index += 1
      return values
    }
    while true {
      values.append(try integer(what))
      guard let next = peek() else { throw fault("the header ends inside a list") }
      index += 1
      if next == UInt8(ascii: "]") { return values }
      guard next == UInt8(ascii: ",") else {
        index -= 1
        throw fault("expected ',' or ']' in \(what), found \(Self.describe(next))")
      }
    }
  }

  /// One non-negative integer no larger than `Int.max`, as JSON writes it (no sign, no
  /// fraction, no exponent, no leading zero).
  mutating func integer(_ what: String) throws(Fault) -> Int {
    guard let first = peek() else { throw fault("the header ends where a number was expected") }
    let start = index
    if first == UInt8(ascii: "-") { throw fault("\(what) holds a negative number") }
    guard Self.isDigit(first) else { throw fault("expected a number in \(what), found \(Self.describe(first))") }
    var value = 0
    var overflow = false
    while index < bytes.count, Self.isDigit(bytes[index]) {
      let (times, o1) = value.multipliedReportingOverflow(by: 10)
      let (sum, o2) = times.addingReportingOverflow(Int(bytes[index] - 0x30))
      overflow = overflow || o1 || o2
      value = sum
      index += 1
    }
    if first == UInt8(ascii: "0") && index - start > 1 {
      index = start
      throw fault("a number with a leading zero is not JSON")
    }
    if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
      index = start
      throw fault("\(what) holds a number that is not an integer")
    }
    guard !overflow else {
      index = start
      throw fault("\(what) holds a number larger than \(Int.max)")
    }
    return value
  }

  /// A string, its escapes decoded.
  mutating func string(_ what: String) throws(Fault) -> String {
    try expect(UInt8(ascii: "\""), what)
    var out: [UInt8] = []
    while true {
      guard index < bytes.count else { throw fault("the header ends inside a string") }
      let byte = bytes[index]
      index += 1
      switch byte {
      case UInt8(ascii: "\""):
        return String(decoding: out, as: UTF8.self)  // the header was checked to be UTF-8
      case UInt8(ascii: "\\"):
        try escape(into: &out)
      case 0..<0x20:
        index -= 1
        throw fault("a raw control character (\(Self.describe(byte))) in a string is not JSON (JSON escapes it)")
      default:
        out.append(byte)
      }
    }
  }

  private mutating func escape(into out: inout [UInt8]) throws(Fault) {
    guard index < bytes.count else { throw fault("the header ends inside a string") }
    let letter = bytes[index]
    index += 1
    let simple: [UInt8: UInt8] = [
      UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
      UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
    ]
    if let plain = simple[letter] {
      out.append(plain)
      return
    }
    guard letter == UInt8(ascii: "u") else {
      index -= 2
      throw fault("'\\\(Character(Unicode.Scalar(letter)))' is not a JSON escape")
    }
    var scalar = try hex4()
    if (0xD800..<0xDC00).contains(scalar) {
      guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
      else { throw fault("a lone leading surrogate \\u escape is not a character") }
      index += 2
      let low = try hex4()
      guard (0xDC00..<0xE000).contains(low) else { throw fault("a leading surrogate not followed by a trailing one") }
      scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
    }
    guard let character = Unicode.Scalar(scalar) else {
      throw fault("a lone trailing surrogate \\u escape is not a character")
    }
    out.append(contentsOf: Array(String(Character(character)).utf8))
  }

  private mutating func hex4() throws(Fault) -> UInt32 {
    guard bytes.count - index >= 4 else { throw fault("the header ends inside a \\u escape") }
    var value: UInt32 = 0
    for byte in bytes[index..<index + 4] {
      guard let digit = Self.hexValue(byte) else { throw fault("a \\u escape needs four hex digits") }
      value = value * 16 + digit
    }
    index += 4
    return value
  }

  private static func hexValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - 0x30)
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - 0x61 + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - 0x41 + 10)
    default: nil
    }
  }

  private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

  /// A byte for a message: `'x'` when printable ASCII, else its hex value.
  static func describe(_ byte: UInt8) -> String {
    if (0x21..<0x7F).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
    let hex = String(byte, radix: 16, uppercase: true)
    return "byte 0x" + (hex.count == 1 ? "0" + hex : hex)
  }
}

import Testing

@testable import TLPipeline

@Test func parsesNumbersKeepingTheirText() throws {
  let value = try JSONParser.parse(Array(#"{"a": [1, 1.0, -2e3, 0], "b": "x\u00e9\n"}"#.utf8))
  guard case .object(let members) = value else {
    Issue.record("not an object")
    return
  }
  #expect(members.map(\.key) == ["a", "b"])
  #expect(members[0].value == .array([.number("1"), .number("1.0"), .number("-2e3"), .number("0")]))
  #expect(members[1].value == .string("xé\n"))
}

@Test(arguments: [
  ("{\"a\": 1,}", 1, 9),
  ("[1 2]", 1, 4),
  ("{\n  \"a\": tru\n}", 2, 8),
  ("[01]", 1, 2),
  ("\"abc", 1, 5),
  ("{} {}", 1, 4),
])
func syntaxErrorsGiveLineAndColumn(text: String, line: Int, column: Int) {
  do {
    _ = try JSONParser.parse(Array(text.utf8))
    Issue.record("\(text) parsed")
  } catch {
    #expect(error.line == line && error.column == column, "\(error.message) at \(error.line):\(error.column)")
  }
}

/// JSON text is UTF-8 (RFC 8259 §8.1): a byte that is not well-formed UTF-8 is refused at its
/// place instead of becoming U+FFFD. Well-formed text of any length passes.
@Test(
  arguments: [
    ([0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D], 1, 7, "0xff"),  // {"n":"\xff\xfe"}
    ([0x22, 0xC3, 0x22], 1, 2, "0xc3"),  // a truncated sequence
    ([0x22, 0xC0, 0xAF, 0x22], 1, 2, "0xc0"),  // an overlong '/'
    ([0x22, 0xED, 0xA0, 0x80, 0x22], 1, 2, "0xed"),  // an encoded surrogate
    ([0x5B, 0x0A, 0x31, 0x2C, 0xF4, 0x90, 0x80, 0x80, 0x5D], 2, 3, "0xf4"),  // past U+10FFFF
  ] as [([UInt8], Int, Int, String)])
func invalidUTF8IsRefusedWhereItIs(bytes: [UInt8], line: Int, column: Int, shown: String) {
  do {
    _ = try JSONParser.parse(bytes)
    Issue.record("\(bytes) parsed")
  } catch {
    #expect(error.line == line && error.column == column, "\(error.message) at \(error.line):\(error.column)")
    #expect(error.message == "invalid UTF-8 (byte \(shown)); JSON text is UTF-8")
  }
  #expect(JSONParser.firstInvalidUTF8(Array("é漢😀 \u{10FFFF}".utf8)) == nil)
}

/// The first fault in the file's order is the one reported: a syntax error before a bad byte,
/// the bad byte before a syntax error after it.
@Test func theFirstFaultInTheFileIsReported() {
  for (bytes, message) in [
    (Array("[1,,\"".utf8) + [0xFF, 0x22, 0x5D], "unexpected character ','"),
    (Array("[\"".utf8) + [0xFF, 0x22, 0x2C, 0x2C, 0x5D], "invalid UTF-8 (byte 0xff); JSON text is UTF-8"),
  ] {
    do {
      _ = try JSONParser.parse(bytes)
      Issue.record("\(bytes) parsed")
    } catch {
      #expect(error.message == message, "\(error.message)")
    }
  }
}

/// A character where none may be is shown as itself, escaped where it is a control or a
/// direction override (it was shown as its first byte read as latin-1: 'Ã' for 'é').
@Test func anUnexpectedCharacterIsShownAsItself() {
  for (text, shown) in [
    ("[é]", "é"), ("[\u{202E}]", "\\u202e"), ("\u{FEFF}[]", "U+FEFF, a byte order mark"), ("[漢]", "漢"),
  ] {
    do {
      _ = try JSONParser.parse(Array(text.utf8))
      Issue.record("\(text) parsed")
    } catch {
      #expect(error.message == "unexpected character '\(shown)'", "\(error.message)")
    }
  }
}

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

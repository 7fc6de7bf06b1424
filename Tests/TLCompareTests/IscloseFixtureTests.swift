import Foundation
import TLArray
import TLCompare
import TLTestSupport
import Testing

/// One row of `testdata/compare/isclose_cases.json`, written by `testdata/gen_compare.py`.
struct IscloseCase: Decodable, Sendable, CustomTestStringConvertible {
  var dtype: String
  var actual: String
  var expected: String
  var rtol: Double
  var atol: Double
  var equalNaN: Bool
  /// What `numpy.isclose` said for one-element arrays of `dtype`.
  var isclose: Bool
  /// NumPy rounds integers through float64 here; tl-run compares them exactly and must disagree.
  var exactIntegers: Bool

  enum CodingKeys: String, CodingKey {
    case dtype, actual, expected, rtol, atol, isclose
    case equalNaN = "equal_nan"
    case exactIntegers = "exact_integers"
  }

  var testDescription: String {
    "\(dtype) \(actual) vs \(expected), rtol \(rtol) atol \(atol)\(equalNaN ? "" : " equal_nan=False")"
  }
}

private struct IscloseFile: Decodable {
  var numpy: String
  var cases: [IscloseCase]
}

private func loadCases() -> [IscloseCase] {
  let url = URL(fileURLWithPath: Fixtures.path("compare/isclose_cases.json"))
  guard let data = try? Data(contentsOf: url),
    let file = try? JSONDecoder().decode(IscloseFile.self, from: data)
  else { return [] }
  return file.cases
}

@Test func iscloseFixtureIsPresent() {
  #expect(loadCases().count >= 100, "testdata/compare/isclose_cases.json is missing or unreadable")
}

@Test(arguments: loadCases())
func elementRuleAgreesWithNumpyIsclose(_ row: IscloseCase) throws {
  let dtype = try #require(DType(name: row.dtype))
  let actual = try #require(
    parseElement(row.actual, dtype), "cannot parse \(row.actual) as \(dtype)")
  let expected = try #require(
    parseElement(row.expected, dtype), "cannot parse \(row.expected) as \(dtype)")
  let tolerance = Tolerance(rtol: row.rtol, atol: row.atol, equalNaN: row.equalNaN)
  let result = compareArray(name: "x", actual: actual, expected: expected, tolerance: tolerance)
  let ours = result.status == .pass
  #expect(result.status == .pass || result.status == .mismatch)
  #expect(ours == (row.exactIntegers ? !row.isclose : row.isclose))
}

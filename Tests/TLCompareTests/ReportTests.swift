import Foundation
import TLArray
import TLCompare
import Testing

/// A run with one array off in two places, one equal, one 0-d and one without a reference.
private func sampleRun() -> CollectionComparison {
  var expected = (0..<30).map { Float($0) / 10 }
  expected[1 * 3 + 2] = 0.84168
  expected[4 * 3 + 0] = 0.0001
  var actual = expected
  actual[1 * 3 + 2] = 0.8418  // largest absolute difference
  actual[4 * 3 + 0] = 0.00003  // largest relative difference
  let reference = NDArray(shape: [10, 3], scalars: expected)
  let out = array((0..<24).map(Double.init), .float32, shape: [2, 4, 3])
  return compareCollections(
    actual: [
      ("embed.dW", NDArray(shape: [10, 3], scalars: actual)), ("out", out),
      ("loss", NDArray(scalar: 0.5)),
      ("embed.mask", out),
    ],
    expected: [("embed.dW", reference), ("out", out), ("loss", NDArray(scalar: 0.5))],
    policy: TolerancePolicy(commandLine: ToleranceOverride(rtol: 1.3e-6, atol: 1e-5)))
}

@Test func textReportStatesTheKeyFacts() {
  let text = sampleRun().textReport
  let absDiff = (Float(0.8418) - Float(0.84168)).description
  let relDiff = ((Float(0.0001) - Float(0.00003)) / Float(0.0001)).description
  for line in [
    "embed.dW    float32 (10, 3)  MISMATCH  Mismatched elements: 2 / 30 (6.67%)",
    "    [1, 2]: actual 0.8418 expected 0.84168",
    "    [4, 0]: actual 3e-05 expected 0.0001",
    "  max abs diff \(absDiff) at [1, 2]; max rel diff \(relDiff) at [4, 0]",
    "  tolerance: rtol 1.3e-06 atol 1e-05 (--rtol 1.3e-06, --atol 1e-05)",
    "out         float32 (2, 4, 3)  ok  (max abs diff 0)",
    "loss        float64 ()  ok  (max abs diff 0)",
    "embed.mask  float32 (2, 4, 3)  unchecked  (no reference)",
    "3 arrays compared: 2 passed, 1 failed, 1 unchecked",
  ] {
    #expect(text.contains(line), "missing line: \(line)\nin:\n\(text)")
  }
}

@Test(arguments: [
  (
    ArrayComparison.Status.shapeMismatch,
    "x  float32 (3,)  SHAPE MISMATCH  actual float32 (3, 1), expected float32 (3,)"
  ),
  (
    .dtypeMismatch,
    "x  float64 vs float32 (3,)  DTYPE MISMATCH  actual float64, expected float32; values within tolerance (max abs diff 0)"
  ),
  (.missing, "x  float32 (3,)  MISSING  in the reference, not in the output"),
])
func failureLinesNameTheProblem(status: ArrayComparison.Status, line: String) {
  let reference = array([1, 2, 3], .float32)
  let actual: [(name: String, array: NDArray)] =
    switch status {
    case .shapeMismatch: [("x", reference.reshaped([3, 1]))]
    case .dtypeMismatch: [("x", reference.astype(.float64))]
    default: []
    }
  let result = compareCollections(actual: actual, expected: [("x", reference)])
  #expect(result.textReport == line + "\n1 array compared: 0 passed, 1 failed, 0 unchecked")
}

@Test func valuesPrintWithTheirOwnDTypesDigits() {
  let big = Int64(1) << 53
  let ints = compareArray(
    name: "ids", actual: NDArray(scalar: big + 1), expected: NDArray(scalar: big), tolerance: .exact
  )
  #expect(ints.textReport.contains("[]: actual 9007199254740993 expected 9007199254740992"))
  #expect(ints.textReport.contains("max abs diff 1 at []"))
  let halves = compareArray(
    name: "h", actual: array([0.1, -0.0], .float16), expected: array([.nan, 1], .float16),
    tolerance: .float16)
  #expect(halves.textReport.contains("[0]: actual 0.1 expected nan"))
  #expect(halves.textReport.contains("[1]: actual -0.0 expected 1.0"))
  let strictNaN = compareArray(
    name: "n", actual: array([.nan]), expected: array([.nan]),
    tolerance: Tolerance(rtol: 0, atol: 0, equalNaN: false))
  #expect(strictNaN.textReport.contains("  tolerance: rtol 0 atol 0, equal_nan false"))
}

@Test func jsonReportRoundTripsWithNaNAndInfinityAsStrings() throws {
  let special = compareCollections(
    actual: [("dx", array([.nan, 1, 2], .float32))],
    expected: [("dx", array([1, .infinity, 2], .float32))])
  let data = special.jsonData()
  let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  #expect(object["exit_status"] as? Int == 1 && object["failed"] as? Int == 1)
  let arrays = try #require(object["arrays"] as? [[String: Any]])
  let dx = try #require(arrays.first)
  #expect(dx["status"] as? String == "mismatch" && dx["dtype"] as? String == "float32")
  #expect(
    dx["expected_shape"] as? [Int] == [3] && dx["mismatched"] as? Int == 2
      && dx["total"] as? Int == 3)
  let first = try #require(dx["first_mismatches"] as? [[String: Any]])
  #expect(first.count == 2)
  #expect(first[0]["actual"] as? String == "nan" && first[0]["expected"] as? Double == 1)
  #expect(first[1]["expected"] as? String == "inf" && first[1]["index"] as? [Int] == [1])
  let maxAbs = try #require(dx["max_abs_diff"] as? [String: Any])
  #expect(maxAbs["value"] as? String == "inf" && maxAbs["index"] as? [Int] == [1])
  let maxRel = try #require(dx["max_rel_diff"] as? [String: Any])
  #expect(maxRel["value"] as? String == "nan")
  // The default: float32 arithmetic over a nominal 10,000 terms, the reference's scale 2.
  let r = 4 * 0x1p-23 * 100.0
  #expect(
    dx["rtol"] as? Double == r && dx["atol"] as? Double == r * 2 && dx["equal_nan"] as? Bool == true
      && dx["check_dtype"] as? Bool == true)
  #expect(dx["tolerance_basis"] as? String == "default: float32 arithmetic, sums of ~10000 terms, scale 2")
  let decoded = try JSONDecoder().decode(CollectionReport.self, from: data)
  #expect(decoded == special.report)
  #expect(special.jsonReport == String(decoding: data, as: UTF8.self))
}

@Test func jsonKeysAreSortedSnakeCaseAndOmitWhatDoesNotApply() throws {
  let data = sampleRun().jsonData(prettyPrinted: false)
  let text = try #require(String(data: data, encoding: .utf8))
  #expect(text.hasPrefix("{\"arrays\":[{\"atol\":1e-05,"), "\(text.prefix(80))")
  let report = try JSONDecoder().decode(CollectionReport.self, from: data)
  #expect(report.arrays.map(\.name) == ["embed.dW", "embed.mask", "loss", "out"])
  #expect(
    report.arrays[0].maxAbsDiff?.value
      == .double(Double((Float(0.8418) - Float(0.84168)).description) ?? .nan))
  let unchecked = try #require(report.arrays.first { $0.status == .unchecked })
  #expect(unchecked.mismatched == nil && unchecked.rtol == nil && unchecked.expectedShape == nil)
  #expect(report.compared == 3 && report.passed == 2 && report.failed == 1 && report.unchecked == 1)
  #expect(report.exitStatus == 1)
}

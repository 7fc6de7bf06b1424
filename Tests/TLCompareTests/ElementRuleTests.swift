import TLArray
import TLCompare
import Testing

/// One pair of elements and what the rule must say about it.
struct ElementCase: Sendable, CustomTestStringConvertible {
  var label: String
  var dtype: DType
  var actual: Double
  var expected: Double
  var tolerance: Tolerance
  var close: Bool
  var testDescription: String { label }
}

private let none = Tolerance.exact
private let noNaN = Tolerance(rtol: 0, atol: 0, equalNaN: false)
private let edges = Tolerance(rtol: 0.5, atol: 0.25)  // bound 1.25 at |expected| = 2

@Test(arguments: [
  ElementCase(
    label: "equal", dtype: .float64, actual: 0.1, expected: 0.1, tolerance: none, close: true),
  ElementCase(
    label: "rtol edge passes", dtype: .float64, actual: 5, expected: 4,
    tolerance: Tolerance(rtol: 0.25, atol: 0), close: true),
  ElementCase(
    label: "just past rtol edge", dtype: .float64, actual: Double(5).nextUp, expected: 4,
    tolerance: Tolerance(rtol: 0.25, atol: 0), close: false),
  ElementCase(
    label: "atol edge passes", dtype: .float64, actual: 0.5, expected: 0,
    tolerance: Tolerance(rtol: 0.9, atol: 0.5), close: true),
  ElementCase(
    label: "just past atol edge", dtype: .float64, actual: Double(0.5).nextUp, expected: 0,
    tolerance: Tolerance(rtol: 0.9, atol: 0.5), close: false),
  ElementCase(
    label: "atol + rtol edge below", dtype: .float64, actual: -3.25, expected: -2, tolerance: edges,
    close: true),
  ElementCase(
    label: "atol + rtol edge above", dtype: .float64, actual: -0.75, expected: -2, tolerance: edges,
    close: true),
  ElementCase(
    label: "past atol + rtol edge", dtype: .float64, actual: Double(-3.25).nextDown, expected: -2,
    tolerance: edges, close: false),
  ElementCase(
    label: "float32 edge passes", dtype: .float32, actual: -3.25, expected: -2, tolerance: edges,
    close: true),
  ElementCase(
    label: "float32 past edge", dtype: .float32, actual: Double(Float(-3.25).nextDown),
    expected: -2, tolerance: edges, close: false),
  ElementCase(
    label: "reference on the right", dtype: .float64, actual: 0, expected: 1,
    tolerance: Tolerance(rtol: 1, atol: 0), close: true),
  ElementCase(
    label: "reference on the right, swapped", dtype: .float64, actual: 1, expected: 0,
    tolerance: Tolerance(rtol: 1, atol: 0), close: false),
  ElementCase(
    label: "NaN vs NaN, equal_nan", dtype: .float32, actual: .nan, expected: .nan, tolerance: none,
    close: true),
  ElementCase(
    label: "NaN vs NaN, not equal_nan", dtype: .float32, actual: .nan, expected: .nan,
    tolerance: noNaN, close: false),
  ElementCase(
    label: "NaN vs number", dtype: .float64, actual: .nan, expected: 1,
    tolerance: Tolerance(rtol: 1, atol: 1), close: false),
  ElementCase(
    label: "number vs NaN", dtype: .float64, actual: 1, expected: .nan,
    tolerance: Tolerance(rtol: 1, atol: 1), close: false),
  ElementCase(
    label: "inf vs inf", dtype: .float64, actual: .infinity, expected: .infinity, tolerance: none,
    close: true),
  ElementCase(
    label: "-inf vs -inf", dtype: .float16, actual: -.infinity, expected: -.infinity,
    tolerance: none, close: true),
  ElementCase(
    label: "inf vs -inf", dtype: .float64, actual: .infinity, expected: -.infinity,
    tolerance: Tolerance(rtol: 1, atol: 1), close: false),
  ElementCase(
    label: "inf vs large", dtype: .float32, actual: .infinity, expected: 3e38,
    tolerance: Tolerance(rtol: 1, atol: 1), close: false),
  ElementCase(
    label: "−0.0 vs 0.0", dtype: .float64, actual: -0.0, expected: 0.0, tolerance: none, close: true
  ),
  ElementCase(
    label: "0.0 vs −0.0 float16", dtype: .float16, actual: 0.0, expected: -0.0, tolerance: none,
    close: true),
  ElementCase(
    label: "subnormal vs 0", dtype: .float64, actual: .leastNonzeroMagnitude, expected: 0, tolerance: none,
    close: false),
  ElementCase(
    label: "int within atol", dtype: .int32, actual: 5, expected: 3,
    tolerance: Tolerance(rtol: 0, atol: 2), close: true),
  ElementCase(
    label: "int past atol", dtype: .int32, actual: 6, expected: 3,
    tolerance: Tolerance(rtol: 0, atol: 2.9), close: false),
  ElementCase(
    label: "uint8 difference both ways", dtype: .uint8, actual: 0, expected: 255, tolerance: none,
    close: false),
  ElementCase(
    label: "bool differs", dtype: .bool, actual: 1, expected: 0, tolerance: none, close: false),
  ElementCase(
    label: "bool equal", dtype: .bool, actual: 1, expected: 1, tolerance: none, close: true),
])
func elementRule(_ c: ElementCase) {
  let result = compareArray(
    name: "x", actual: array([c.actual], c.dtype), expected: array([c.expected], c.dtype),
    tolerance: c.tolerance)
  #expect(result.status == (c.close ? .pass : .mismatch))
  #expect(result.mismatched == (c.close ? 0 : 1) && result.total == 1)
}

@Test func equalArraysPass() {
  let a = array((0..<24).map { Double($0) / 7 }, .float32, shape: [2, 3, 4])
  let result = compareArray(name: "out", actual: a, expected: a, tolerance: .float32)
  #expect(result.status == .pass && result.mismatched == 0 && result.total == 24)
  #expect(result.maxAbsDiff == ArrayComparison.Extreme(value: 0, index: nil))
  #expect(result.firstMismatches.isEmpty && result.maxRelDiff == nil)
}

@Test func singleChangedElementIsFoundAtItsMultiIndex() {
  let values = (0..<24).map { Double($0) / 7 }
  var changed = values
  changed[1 * 12 + 2 * 4 + 3] += 0.5  // index [1, 2, 3] of (2, 3, 4)
  let result = compareArray(
    name: "dx", actual: array(changed, shape: [2, 3, 4]),
    expected: array(values, shape: [2, 3, 4]),
    tolerance: .float64)
  #expect(result.status == .mismatch && result.mismatched == 1 && result.total == 24)
  #expect(
    result.firstMismatches == [
      ArrayComparison.ElementMismatch(
        index: [1, 2, 3], actual: .float(changed[23]), expected: .float(values[23]))
    ])
  #expect(result.maxAbsDiff?.index == [1, 2, 3] && result.maxRelDiff?.index == [1, 2, 3])
  #expect(abs((result.maxAbsDiff?.value ?? 0) - 0.5) < 1e-12)
  #expect(abs((result.percent) - 100.0 / 24) < 1e-12)
}

@Test func largestDifferencesAreAmongViolations() {
  // [0] is within atol but has the largest difference; [1] violates absolutely, [2] relatively.
  let result = compareArray(
    name: "h", actual: array([100.9, 0.5, 0.3]), expected: array([100, 0, 0.1]),
    tolerance: Tolerance(rtol: 0.01, atol: 0.1))
  #expect(result.mismatched == 2)
  #expect(result.maxAbsDiff?.index == [1] && result.maxAbsDiff?.value == 0.5)
  #expect(result.maxRelDiff?.index == [1] && result.maxRelDiff?.value == .infinity)
  let finite = compareArray(
    name: "h", actual: array([0.5, 0.001]), expected: array([0.25, 0.0001]), tolerance: .exact)
  #expect(finite.maxAbsDiff?.index == [0] && finite.maxRelDiff?.index == [1])
}

@Test func onlyTheFirstFiveMismatchesAreListed() {
  let result = compareArray(
    name: "W", actual: array((0..<8).map(Double.init)),
    expected: array(Array(repeating: -1, count: 8)),
    tolerance: .exact)
  #expect(
    result.mismatched == 8 && result.firstMismatches.map(\.index) == [[0], [1], [2], [3], [4]])
}

@Test func emptyAndZeroDimensionalArrays() {
  let empty = array([], .float32, shape: [0, 3])
  let none = compareArray(name: "e", actual: empty, expected: empty, tolerance: .float32)
  #expect(none.status == .pass && none.total == 0 && none.percent == 0)
  let scalar = compareArray(
    name: "loss", actual: NDArray(scalar: 1.5), expected: NDArray(scalar: 1.25), tolerance: .float64
  )
  #expect(scalar.status == .mismatch && scalar.total == 1)
  #expect(scalar.firstMismatches.first?.index == [] && scalar.maxAbsDiff?.index == [])
}

@Test func int64BeyondDoublePrecisionComparesExactly() {
  let big = Int64(1) << 53
  let result = compareArray(
    name: "ids", actual: NDArray(shape: [2], scalars: [big + 1, 7]),
    expected: NDArray(shape: [2], scalars: [big, 7]),
    tolerance: .default(for: .int64))
  #expect(result.status == .mismatch && result.mismatched == 1)
  #expect(
    result.firstMismatches.first?.actual == .int(big + 1)
      && result.firstMismatches.first?.expected == .int(big))
  let unsigned = compareArray(
    name: "u", actual: NDArray(scalar: UInt64.max), expected: NDArray(scalar: UInt64.max - 1),
    tolerance: .exact)
  #expect(unsigned.status == .mismatch && unsigned.maxAbsDiff?.value == 1)
}

@Test func shapeIsCheckedBeforeDType() {
  let result = compareArray(
    name: "out", actual: array([1, 2, 3, 4, 5, 6], .float64, shape: [2, 3]),
    expected: array([1, 2, 3, 4, 5, 6], .float32, shape: [3, 2]), tolerance: .float32)
  #expect(result.status == .shapeMismatch && result.status.isFailure)
  #expect(result.shape == [2, 3] && result.expectedShape == [3, 2] && result.total == 0)
}

@Test func dtypeMismatchFailsEvenWithEqualValues() {
  let values: [Double] = [1, 2, 3]
  let result = compareArray(
    name: "out", actual: array(values, .float64), expected: array(values, .float32),
    tolerance: .float32)
  #expect(result.status == .dtypeMismatch && result.status.isFailure)
  #expect(result.dtype == .float64 && result.expectedDType == .float32)
  #expect(result.valuesStatus == .pass && result.mismatched == 0 && result.total == 3)
}

/// The values are compared under a dtype mismatch too, in the promoted dtype (float64 here),
/// and reported beside it; without the dtype check only the values decide.
@Test func dtypeMismatchStillComparesTheValues() {
  let expected = array([1, 2, 3], .float64)
  let actual = array([1, 2.5, 3], .float32)
  let checked = compareArray(name: "out", actual: actual, expected: expected, tolerance: .float64)
  #expect(checked.status == .dtypeMismatch && checked.valuesStatus == .mismatch)
  #expect(checked.mismatched == 1 && checked.firstMismatches.map(\.index) == [[1]])
  #expect(
    checked.textReport.hasPrefix(
      "out  float32 vs float64 (3,)  DTYPE MISMATCH  actual float32, expected float64; values: Mismatched elements: 1 / 3"
    ))
  var loose = Tolerance.float64
  loose.checkDType = false
  let valuesOnly = compareArray(name: "out", actual: actual, expected: expected, tolerance: loose)
  #expect(valuesOnly.status == .mismatch && valuesOnly.valuesStatus == .mismatch)
  let same = compareArray(name: "out", actual: array([1, 2, 3], .float32), expected: expected, tolerance: loose)
  #expect(same.status == .pass && same.textReport == "out  float32 vs float64 (3,)  ok  (max abs diff 0)")
  // Integers against floats are promoted as NumPy does: int64 and float32 meet in float64.
  let ids = compareArray(
    name: "ids", actual: array([1, 2], .int64), expected: array([1, 2], .float32), tolerance: loose)
  #expect(ids.status == .pass)
}

@Test(arguments: DType.allCases)
func everyDTypeFindsOneChangedElement(dtype: DType) {
  let expected = array([0, 1, 1, 0, 1, 1], dtype, shape: [2, 3])
  let actual = array([0, 1, 1, 0, 0, 1], dtype, shape: [2, 3])
  let result = compareArray(
    name: "x", actual: actual, expected: expected, tolerance: .default(for: dtype))
  #expect(result.status == .mismatch && result.mismatched == 1 && result.total == 6)
  #expect(result.firstMismatches.map(\.index) == [[1, 1]] && result.maxAbsDiff?.value == 1)
  #expect(
    compareArray(name: "x", actual: expected, expected: expected, tolerance: .exact).status == .pass
  )
}

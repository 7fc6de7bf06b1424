import TLArray
import TLCompare
import Testing

private let out = array([1, 2, 3], .float32)
private let dW = array([0.5, -0.25], .float32)

struct CollectionCase: Sendable, CustomTestStringConvertible {
  var label: String
  var actual: [String: NDArray]
  var expected: [String: NDArray]
  var statuses: [String: ArrayComparison.Status]
  var exitStatus: Int32
  var testDescription: String { label }
}

@Test(arguments: [
  CollectionCase(
    label: "all within tolerance", actual: ["out": out, "embed.dW": dW],
    expected: ["out": out, "embed.dW": dW],
    statuses: ["embed.dW": .pass, "out": .pass], exitStatus: 0),
  CollectionCase(
    label: "an empty reference checks nothing: not a pass", actual: ["out": out], expected: [:],
    statuses: ["out": .unchecked], exitStatus: 1),
  CollectionCase(label: "both empty", actual: [:], expected: [:], statuses: [:], exitStatus: 1),
  CollectionCase(
    label: "unchecked output does not fail", actual: ["out": out, "lstm.h": dW],
    expected: ["out": out],
    statuses: ["lstm.h": .unchecked, "out": .pass], exitStatus: 0),
  CollectionCase(
    label: "missing output fails", actual: ["out": out], expected: ["out": out, "dx": dW],
    statuses: ["dx": .missing, "out": .pass], exitStatus: 1),
  CollectionCase(
    label: "value mismatch fails", actual: ["out": array([1, 2, 4], .float32)],
    expected: ["out": out],
    statuses: ["out": .mismatch], exitStatus: 1),
  CollectionCase(
    label: "shape mismatch fails", actual: ["out": out.reshaped([3, 1])], expected: ["out": out],
    statuses: ["out": .shapeMismatch], exitStatus: 1),
  CollectionCase(
    label: "dtype mismatch fails", actual: ["out": out.astype(.float64)], expected: ["out": out],
    statuses: ["out": .dtypeMismatch], exitStatus: 1),
])
func collectionStatuses(_ c: CollectionCase) {
  let result = compareCollections(
    actual: c.actual.map { ($0.key, $0.value) }, expected: c.expected.map { ($0.key, $0.value) },
    policy: .defaults)
  #expect(result.arrays.map(\.name) == c.statuses.keys.sorted())
  #expect(
    Dictionary(uniqueKeysWithValues: result.arrays.map { ($0.name, $0.status) }) == c.statuses)
  #expect(result.exitStatus == c.exitStatus && result.isPass == (c.exitStatus == 0))
  #expect(result.passed + result.failed + result.unchecked == result.arrays.count)
}

@Test func collectionUsesThePolicyPerArray() {
  let shifted = array([0.5 + 1e-3, -0.25], .float32)
  let policy = TolerancePolicy(arrays: ["embed.dW": ToleranceOverride(atol: 1e-2)])
  let loose = compareCollections(
    actual: [("embed.dW", shifted)], expected: [("embed.dW", dW)], policy: policy)
  #expect(loose.arrays.first?.status == .pass)
  #expect(loose.arrays.first?.tolerance == Tolerance(rtol: 4 * 0x1p-23 * 100, atol: 1e-2))
  let strict = compareCollections(actual: [("embed.dW", shifted)], expected: [("embed.dW", dW)])
  #expect(strict.arrays.first?.status == .mismatch && strict.exitStatus == 1)
}

@Test func missingArrayCarriesTheReferenceShape() {
  let result = compareCollections(
    actual: [], expected: [("dx", array([1, 2, 3, 4], shape: [2, 2]))])
  let dx = result.arrays.first
  #expect(dx?.status == .missing && dx?.expectedShape == [2, 2] && dx?.expectedDType == .float64)
  #expect(dx?.dtype == nil && dx?.shape == nil && dx?.tolerance?.rtol == 4 * 0x1p-52 * 100)
}

@Test func emptyReferenceSaysNothingWasChecked() {
  let result = compareCollections(actual: [("out", out)], expected: [])
  #expect(result.referenceIsEmpty && !result.isPass && result.exitStatus == 1)
  #expect(
    result.summaryLine == "0 arrays compared: the reference holds no arrays, so nothing was checked (1 unchecked)")
  #expect(result.report.nothingChecked == true)
}

/// The defaults scale with the reference: a 1 % error in an element of a gradient whose
/// magnitudes are ~1e-4 is caught (a fixed atol of 1e-5 let it pass), while float32 rounding
/// noise of a few ulps of the array's scale passes.
@Test func defaultsFollowTheScaleOfTheReference() {
  let reference = array([1e-4, -5e-5, 2e-5, 8e-5], .float32)
  let onePercent = array([1.01e-4, -5e-5, 2e-5, 8e-5], .float32)
  let policy = TolerancePolicy(precision: Precision(dtype: .float32, terms: 700))
  let caught = compareCollections(
    actual: [("affine.dW", onePercent)], expected: [("affine.dW", reference)], policy: policy)
  #expect(caught.arrays.first?.status == .mismatch)
  let ulps = Float(1e-4).ulp * 4
  let noise = array([Double(Float(1e-4) + ulps), -5e-5, Double(Float(2e-5) - ulps), 8e-5], .float32)
  let passed = compareCollections(actual: [("affine.dW", noise)], expected: [("affine.dW", reference)], policy: policy)
  #expect(passed.isPass)
}

/// NumPy's float64 loss of a float32 sum, 2 float32 ulps off: a correct result under the run's
/// float32 precision (it failed float64's fixed rtol 1e-7).
@Test func float64LossOfFloat32ArithmeticPasses() {
  let policy = TolerancePolicy(precision: Precision(dtype: .float32, terms: 700))
  let result = compareCollections(
    actual: [("out", NDArray(scalar: 3.009807586669922))], expected: [("out", NDArray(scalar: 3.00980806350708))],
    policy: policy)
  #expect(result.isPass)
  let float64Run = compareCollections(
    actual: [("out", NDArray(scalar: 3.009807586669922))], expected: [("out", NDArray(scalar: 3.00980806350708))],
    policy: TolerancePolicy(precision: Precision(dtype: .float64, terms: 700)))
  #expect(!float64Run.isPass)
}

/// A missing array whose name is a slip of an unmatched output's names that output.
@Test func missingArraySuggestsTheNearestUnmatchedOutput() {
  let result = compareCollections(
    actual: [("lstm.dWx", dW), ("lstm.dWh", dW)], expected: [("lstm.dwx", dW), ("lstm.dWh", dW)])
  let missing = result.arrays.first { $0.name == "lstm.dwx" }
  #expect(missing?.status == .missing && missing?.suggestion == "lstm.dWx")
  #expect(missing?.report.didYouMean == "lstm.dWx")
  let far = compareCollections(actual: [("out", dW)], expected: [("lstm.dWx", dW)])
  #expect(far.arrays.first { $0.name == "lstm.dWx" }?.suggestion == nil)
}

@Test func repeatedNamesKeepTheFirstArray() {
  let result = compareCollections(actual: [("out", out), ("out", dW)], expected: [("out", out)])
  #expect(result.arrays.count == 1 && result.arrays.first?.status == .pass)
}

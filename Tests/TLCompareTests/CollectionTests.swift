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
    label: "nothing compared", actual: ["out": out], expected: [:], statuses: ["out": .unchecked],
    exitStatus: 0),
  CollectionCase(label: "both empty", actual: [:], expected: [:], statuses: [:], exitStatus: 0),
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
  #expect(loose.arrays.first?.tolerance == Tolerance(rtol: 1.3e-6, atol: 1e-2))
  let strict = compareCollections(actual: [("embed.dW", shifted)], expected: [("embed.dW", dW)])
  #expect(strict.arrays.first?.status == .mismatch && strict.exitStatus == 1)
}

@Test func missingArrayCarriesTheReferenceShape() {
  let result = compareCollections(
    actual: [], expected: [("dx", array([1, 2, 3, 4], shape: [2, 2]))])
  let dx = result.arrays.first
  #expect(dx?.status == .missing && dx?.expectedShape == [2, 2] && dx?.expectedDType == .float64)
  #expect(dx?.dtype == nil && dx?.shape == nil && dx?.tolerance == .float64)
}

@Test func repeatedNamesKeepTheFirstArray() {
  let result = compareCollections(actual: [("out", out), ("out", dW)], expected: [("out", out)])
  #expect(result.arrays.count == 1 && result.arrays.first?.status == .pass)
}

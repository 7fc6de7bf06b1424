import TLArray
import TLCompare
import Testing

/// The defaults of `torch.testing.assert_close`, per dtype of the reference.
@Test(arguments: [
  (DType.float16, 1e-3, 1e-5), (.float32, 1.3e-6, 1e-5), (.float64, 1e-7, 1e-7),
  (.int8, 0, 0), (.int64, 0, 0), (.uint8, 0, 0), (.uint64, 0, 0), (.bool, 0, 0),
])
func defaultTolerancePerDType(dtype: DType, rtol: Double, atol: Double) {
  let tolerance = Tolerance.default(for: dtype)
  #expect(tolerance == Tolerance(rtol: rtol, atol: atol, equalNaN: true))
}

/// A policy with every source set, so each case can show which one wins.
private let layered = TolerancePolicy(
  commandLine: ToleranceOverride(rtol: 0.1),
  arrays: [
    "embed.dW": ToleranceOverride(rtol: 0.2, atol: 0.02), "dx": ToleranceOverride(equalNaN: true),
  ],
  file: ToleranceOverride(rtol: 0.3, atol: 0.03, equalNaN: false))

struct ResolutionCase: Sendable, CustomTestStringConvertible {
  var label: String
  var policy: TolerancePolicy
  var name: String
  var dtype: DType
  var expected: Tolerance
  var testDescription: String { label }
}

@Test(arguments: [
  ResolutionCase(
    label: "dtype default only", policy: .defaults, name: "out", dtype: .float32,
    expected: .float32),
  ResolutionCase(
    label: "file fields override the default field by field",
    policy: TolerancePolicy(file: ToleranceOverride(atol: 1e-3)), name: "out", dtype: .float64,
    expected: Tolerance(rtol: 1e-7, atol: 1e-3)),
  ResolutionCase(
    label: "per-array beats file, command line beats per-array", policy: layered, name: "embed.dW",
    dtype: .float32, expected: Tolerance(rtol: 0.1, atol: 0.02, equalNaN: false)),
  ResolutionCase(
    label: "another array gets the file's atol", policy: layered, name: "out", dtype: .float32,
    expected: Tolerance(rtol: 0.1, atol: 0.03, equalNaN: false)),
  ResolutionCase(
    label: "per-array equal_nan beats file", policy: layered, name: "dx", dtype: .float16,
    expected: Tolerance(rtol: 0.1, atol: 0.03, equalNaN: true)),
  ResolutionCase(
    label: "command-line atol applies to integers",
    policy: TolerancePolicy(commandLine: ToleranceOverride(atol: 1)),
    name: "ids", dtype: .int64, expected: Tolerance(rtol: 0, atol: 1)),
])
func toleranceResolutionOrder(_ c: ResolutionCase) {
  #expect(c.policy.tolerance(for: c.name, dtype: c.dtype) == c.expected)
}

@Test(arguments: [
  (
    TolerancePolicy(commandLine: ToleranceOverride(rtol: -1)),
    "--rtol must be a finite number ≥ 0, got -1.0"
  ),
  (
    TolerancePolicy(file: ToleranceOverride(atol: .nan)),
    "tolerance.atol must be a finite number ≥ 0, got nan"
  ),
  (
    TolerancePolicy(arrays: ["embed.dW": ToleranceOverride(atol: .infinity)]),
    "tolerance.arrays.embed.dW.atol must be a finite number ≥ 0, got inf"
  ),
])
func invalidToleranceNamesItsSetting(policy: TolerancePolicy, message: String) {
  #expect(throws: ToleranceError.self) { try policy.validate() }
  do {
    try policy.validate()
  } catch {
    #expect(error.description == message)
  }
}

@Test func validToleranceIsAccepted() throws {
  try layered.validate()
  try TolerancePolicy.defaults.validate()
}

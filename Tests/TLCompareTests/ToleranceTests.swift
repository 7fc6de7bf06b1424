import TLArray
import TLCompare
import Testing

/// The fixed values of `torch.testing.assert_close`, per dtype (the floor for an all-zero reference).
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

/// c·ε·√K for the nominal K = 10,000 of a computation not known: 4 · 2⁻²³ · 100.
private let nominalFloat32 = 4 * 0x1p-23 * 100.0

struct ResolutionCase: Sendable, CustomTestStringConvertible {
  var label: String
  var policy: TolerancePolicy
  var name: String
  /// The reference: its dtype and its largest magnitude (2) matter.
  var dtype: DType
  var expected: Tolerance
  var testDescription: String { label }
}

@Test(arguments: [
  ResolutionCase(
    label: "default: c·ε·√K, atol scaled by the reference's largest magnitude", policy: .defaults, name: "out",
    dtype: .float32, expected: Tolerance(rtol: nominalFloat32, atol: nominalFloat32 * 2)),
  ResolutionCase(
    label: "file fields override the default field by field",
    policy: TolerancePolicy(file: ToleranceOverride(atol: 1e-3)), name: "out", dtype: .float64,
    expected: Tolerance(rtol: 4 * 0x1p-52 * 100, atol: 1e-3)),
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
  ResolutionCase(
    label: "integers are exact by default", policy: .defaults, name: "ids", dtype: .int32, expected: .exact),
  ResolutionCase(
    label: "the run's precision: a float64 loss of float32 arithmetic gets float32's tolerance",
    policy: TolerancePolicy(precision: Precision(dtype: .float32, terms: 400)), name: "out", dtype: .float64,
    expected: Tolerance(rtol: 4 * 0x1p-23 * 20, atol: 4 * 0x1p-23 * 20 * 2)),
  ResolutionCase(
    label: "a per-name precision beats the run's",
    policy: TolerancePolicy(
      precision: Precision(dtype: .float32, terms: 400), precisions: ["out": Precision(dtype: .float64, terms: 4)]),
    name: "out", dtype: .float64, expected: Tolerance(rtol: 4 * 0x1p-52 * 2, atol: 4 * 0x1p-52 * 2 * 2)),
  ResolutionCase(
    label: "check_dtype from the file", policy: TolerancePolicy(file: ToleranceOverride(checkDType: false)),
    name: "out", dtype: .float32,
    expected: Tolerance(rtol: nominalFloat32, atol: nominalFloat32 * 2, checkDType: false)),
])
func toleranceResolutionOrder(_ c: ResolutionCase) {
  let reference = array([0.5, -2, 1], c.dtype)
  let resolved = c.policy.tolerance(for: c.name, expected: reference)
  #expect(resolved == c.expected, "\(resolved.rtol) \(resolved.atol)")
}

/// A float32 output checked against a float64 reference is held to float32's precision.
@Test func lessPreciseOutputCoarsensTheDefault() {
  let tolerance = TolerancePolicy.defaults.tolerance(for: "x", expected: array([4], .float64), actualDType: .float32)
  #expect(tolerance == Tolerance(rtol: nominalFloat32, atol: nominalFloat32 * 4))
}

/// A reference of zeros (and non-finite values) has no scale: atol falls back to the dtype's
/// fixed `torch.testing.assert_close` value.
@Test func referenceWithoutScaleKeepsTheDTypeAtol() {
  let tolerance = TolerancePolicy.defaults.tolerance(
    for: "x", expected: array([0, .nan, -.infinity, 0], .float32))
  #expect(tolerance == Tolerance(rtol: nominalFloat32, atol: 1e-5))
}

/// The report says how the tolerance was set.
@Test func toleranceBasisNamesItsSources() {
  let derived = TolerancePolicy(precision: Precision(dtype: .float32, terms: 700)).tolerance(
    for: "out", expected: array([3.0], .float64))
  #expect(derived.basis == "default: float32 arithmetic, sums of ~700 terms, scale 3")
  let mixed = TolerancePolicy(commandLine: ToleranceOverride(rtol: 0.5)).tolerance(
    for: "out", expected: array([3.0], .float64))
  #expect(mixed.basis == "--rtol 0.5; default: float64 arithmetic, sums of ~10000 terms, scale 3")
  let perArray = TolerancePolicy(arrays: ["out": ToleranceOverride(rtol: 0.5, atol: 0.1)]).tolerance(
    for: "out", expected: array([3.0], .float64))
  #expect(perArray.basis == "tolerance.arrays.out.rtol 0.5, tolerance.arrays.out.atol 0.1")
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

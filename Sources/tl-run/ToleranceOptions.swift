import ArgumentParser
import TLCompare

/// `--rtol`, `--atol`, `--no-equal-nan` and `--json`, shared by `run` and `compare`.
struct ComparisonOptions: ParsableArguments {
  // `.unconditional`: `--rtol -1` takes `-1` as its value (to be refused by `validate()` as
  // nan and inf are), rather than as an unknown flag leaving `--rtol` without a value.
  @Option(
    parsing: .unconditional, help: "Relative tolerance for every array (beats a pipeline's own and the default).")
  var rtol: Double?

  @Option(
    parsing: .unconditional, help: "Absolute tolerance for every array (beats a pipeline's own and the default).")
  var atol: Double?

  @Flag(inversion: .prefixedNo, help: "Count NaN as equal to NaN (default: the file's setting, else yes).")
  var equalNan: Bool?

  @Flag(
    inversion: .prefixedNo,
    help: "Fail arrays whose dtypes differ (default: the file's check_dtype, else yes); values are compared either way."
  )
  var checkDtype: Bool?

  @Flag(help: "Print the report as JSON on stdout.")
  var json = false

  var override: ToleranceOverride {
    ToleranceOverride(rtol: rtol, atol: atol, equalNaN: equalNan, checkDType: checkDtype)
  }

  func validate() throws {
    if let rtol, !(rtol >= 0 && rtol.isFinite) {
      throw ValidationError("--rtol must be a finite number ≥ 0, got \(rtol)")
    }
    if let atol, !(atol >= 0 && atol.isFinite) {
      throw ValidationError("--atol must be a finite number ≥ 0, got \(atol)")
    }
  }
}

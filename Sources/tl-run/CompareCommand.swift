import ArgumentParser
import TLCompare
import TLIO

/// `tl-run compare ACTUAL EXPECTED`: NumPy's allclose rule with the reference on the right.
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract:
      "Compare two arrays or two collections (directory, .npz, .safetensors, .h5): |actual − expected| ≤ atol + rtol·|expected|.",
    discussion: """
      Default tolerances follow the arithmetic and the scale (README, "Verdicts"): for a float \
      array rtol = 4·ε·√K and atol = rtol·max|EXPECTED|, with ε of the less precise dtype of the \
      pair and K = 10,000 (the computation behind the arrays is not known here): float32 rtol \
      4.8e-5, float64 rtol 8.9e-14. Integers and bool are exact. Differing dtypes fail unless \
      --no-check-dtype; the values are compared either way. Exit status 0 all within \
      tolerance, 1 a difference, a missing array, or an EXPECTED that holds no array, 2 an error.
      """)

  @Argument(help: "The arrays to check: an array source or a collection.")
  var actual: String

  @Argument(help: "The reference (NumPy's results): an array source or a collection.")
  var expected: String

  @OptionGroup var options: ComparisonOptions

  func run() throws {
    if options.json { JSONErrorReport.armCrashReport() }
    do {
      try compare()
    } catch let error where options.json && !(error is ExitCode) {
      // A script reading --json gets the error as JSON too; stderr and the exit status stay.
      print(JSONErrorReport(error: error).text)
      throw error
    }
  }

  private func compare() throws {
    let actualLocation = ArrayLocation(parsing: actual).recognizingHDF5()
    let expectedLocation = ArrayLocation(parsing: expected).recognizingHDF5()
    let actualArrays = try ArrayIO.readAll(actualLocation)
    var expectedArrays = try ArrayIO.readAll(expectedLocation)
    if actualLocation.isSingleArray && expectedLocation.isSingleArray, let only = actualArrays.first {
      // Two single arrays are compared with each other whatever their names.
      expectedArrays = expectedArrays.map { (only.name, $0.array) }
    }
    let comparison = compareCollections(
      actual: actualArrays, expected: expectedArrays, policy: TolerancePolicy(commandLine: options.override))
    print(options.json ? comparison.jsonReport : comparison.textReport)
    if comparison.exitStatus != 0 { throw ExitCode(comparison.exitStatus) }
  }
}

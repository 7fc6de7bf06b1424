import ArgumentParser
import TLCompare
import TLIO

/// `tl-run compare ACTUAL EXPECTED`: NumPy's allclose rule with the reference on the right.
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract:
      "Compare two arrays or two collections (directory, .npz, .h5): |actual − expected| ≤ atol + rtol·|expected|.",
    discussion: """
      Default tolerances per dtype of EXPECTED (as torch.testing.assert_close): float16 rtol 1e-3 \
      atol 1e-5, float32 rtol 1.3e-6 atol 1e-5, float64 rtol 1e-7 atol 1e-7, integers and bool \
      exact. Exit status 0 all within tolerance, 1 a difference or a missing array, 2 an error.
      """)

  @Argument(help: "The arrays to check: an array source or a collection.")
  var actual: String

  @Argument(help: "The reference (NumPy's results): an array source or a collection.")
  var expected: String

  @OptionGroup var options: ComparisonOptions

  func run() throws {
    let actualLocation = ArrayLocation(parsing: actual)
    let expectedLocation = ArrayLocation(parsing: expected)
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

import Foundation
import TLArray
import TLFormats
import TLTestSupport
import Testing

/// Reading the cases testdata/gen_layers_recurrent.py wrote under testdata/layers/<case>/, and
/// comparing with the tolerances of layers.md §10 chosen by the reference's dtype.
enum RecurrentFixture {
  /// `name`.npy of `case`, or nil when the case has no such array.
  static func optional(_ caseName: String, _ name: String) throws -> NDArray? {
    let path = Fixtures.path("layers/\(caseName)/\(name).npy")
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    return try NPY.read(path: path)
  }

  /// `name`.npy of `case`, which must exist.
  static func load(_ caseName: String, _ name: String) throws -> NDArray {
    try #require(try optional(caseName, name), "fixture \(caseName)/\(name).npy is missing")
  }

  /// Compares dtype, shape and values: float32 references rtol 1e-5 and `atol32` (1e-6 unless a
  /// long chain needs more), float64 rtol 1e-10 / atol 1e-12. Prints the max |difference|.
  ///
  /// `computedIn` is the least precise float dtype that entered the computation: a float64
  /// state carried through float32 weights (`*_state_h64_w32`) has float32's precision, and
  /// its last bits follow the machine's sgemm kernel, so it gets the float32 tolerances.
  static func expectMatches(
    _ actual: NDArray?, _ caseName: String, _ name: String, atol32: Double = 1e-6,
    computedIn: DType = .float64, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let expected = try load(caseName, name)
    guard let actual else {
      Issue.record("\(caseName): no \(name) produced", sourceLocation: sourceLocation)
      return
    }
    let float64 = expected.dtype == .float64 && computedIn == .float64
    let (rtol, atol) = float64 ? (1e-10, 1e-12) : (1e-5, atol32)
    expectAllClose(
      actual, expected, rtol: rtol, atol: atol, "\(caseName) \(name)",
      sourceLocation: sourceLocation)
    if actual.count == expected.count {
      print("maxdiff \(caseName) \(name) \(expected.dtype) \(maxAbsDifference(actual, expected))")
    }
  }
}

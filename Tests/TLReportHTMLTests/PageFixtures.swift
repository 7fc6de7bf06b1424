import TLArray
import TLCompare

@testable import TLReportHTML

/// Pages with known contents for the tests.
enum PageFixtures {
  static let tolerance = Tolerance(rtol: 1e-5, atol: 1e-6, basis: "test")

  /// An 8 × 8 float32 array `w` whose left half matches its reference of zeros and whose right
  /// half is off by 1 (ratio 10⁶: the far-out colour), and a 4-element `b` that matches.
  static func failingCase(name: String = "demo", sentences: [String] = []) -> HTMLCase {
    let expected = NDArray(shape: [8, 8], scalars: [Float](repeating: 0, count: 64))
    let actual = NDArray(shape: [8, 8], scalars: (0..<64).map { Float($0 % 8 >= 4 ? 1 : 0) })
    let comparison = compareArray(name: "w", actual: actual, expected: expected, tolerance: tolerance)
    let pictures = ArrayPictures(actual: actual, expected: expected, tolerance: tolerance, layout: .plain)
    let section = HTMLArraySection(comparison: comparison, sentences: sentences, pictures: pictures)
    let passing = HTMLPassingArray(name: "b", dtype: "float32", shape: [4], maxRatio: 0.25)
    return HTMLCase(
      name: name, status: "mismatch", message: "w: Mismatched elements: 32 / 64 (50%)", worstArray: "w",
      detail: HTMLCaseDetail(failing: [section], passing: [passing]))
  }

  /// The same case's arrays all within tolerance.
  static func passingCase(name: String = "demo") -> HTMLCase {
    let passing = [
      HTMLPassingArray(name: "b", dtype: "float32", shape: [4], maxRatio: 0.25),
      HTMLPassingArray(name: "w", dtype: "float32", shape: [8, 8], maxRatio: 0),
    ]
    return HTMLCase(name: name, status: "pass", detail: HTMLCaseDetail(failing: [], passing: passing))
  }

  static func page(_ entry: HTMLCase) -> HTMLPage {
    HTMLPage(title: "tl-run: \(entry.name)", lines: ["pipeline: demo.json"], cases: [entry], isBatch: false)
  }
}

import TLArray
import TLCompare
import Testing

@testable import TLReportHTML

/// The page stays small however big the arrays: pictures are pooled to 256 × 256 cells.
@Suite struct PageSizeTests {
  /// The largest picture (256 × 256 cells) in the worst case for its compression, every cell
  /// a random colour: at most 75 KB of PNG, 100 KB as base64 on the page. A page's size is
  /// therefore bounded by its number of pictures (at most two per array, 32 arrays per case,
  /// and a batch's ``PictureBudget``).
  @Test func theLargestPictureInTheWorstCaseIsUnder100KBOnThePage() {
    var state: UInt64 = 1
    let values = (0..<65_536).map { _ -> Double in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return [0.001, 0.05, 0.5, 5, 50, 5_000, 1e6, .infinity][Int(state >> 61)]
    }
    let expected = NDArray(shape: [256, 256], scalars: [Double](repeating: 0, count: 65_536))
    let actual = NDArray(shape: [256, 256], scalars: values)
    let pictures = ArrayPictures(
      actual: actual, expected: expected, tolerance: Tolerance(rtol: 0, atol: 1), layout: .plain)
    let png = pictures.heatmaps[0].png
    #expect(png.count > 40_000, "random cells should not compress much: \(png.count) bytes")
    #expect(png.count < 75_000)
    let entry = HTMLCase(
      name: "noise", status: "mismatch",
      detail: HTMLCaseDetail(
        failing: [
          HTMLArraySection(
            comparison: compareArray(
              name: "x", actual: actual, expected: expected, tolerance: Tolerance(rtol: 0, atol: 1)), pictures: pictures
          )
        ],
        passing: []))
    let size = HTMLPage(title: "noise", cases: [entry], isBatch: false).render().utf8.count
    #expect(size < 115_000, "\(size) bytes")
  }
}

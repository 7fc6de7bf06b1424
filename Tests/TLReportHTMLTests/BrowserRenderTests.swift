import Foundation
import TLArray
import TLCompare
import TLTestSupport
import Testing

@testable import TLReportHTML

/// The page as a real browser draws it: headless Chromium takes a screenshot, decoded here, and
/// the heatmap's far-out cells must be where the array's wrong half is.
///
/// Enabled when Chromium is installed, and always in CI (`CI=true`), where `.ci/setup`
/// installs it, so that a missing browser fails there instead of skipping unseen. Elsewhere
/// without Chromium the test is skipped, with the reason in the condition's comment.
@Suite(
  .enabled(
    if: Chromium.shouldTest,
    "headless Chromium is not installed (Debian: apt-get install chromium, as .ci/setup does; or set TL_CHROMIUM)"),
  .serialized)
struct BrowserRenderTests {
  let farOut = Palette.steps[Palette.farOutIndex].rgb
  let within = Palette.steps[0].rgb

  func screenshot(_ page: HTMLPage) throws -> PNGImage {
    let directory = try Fixtures.temporaryDirectory("html")
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("page.html")
    try page.write(to: file.path)
    return try Chromium.screenshot(of: file, width: 1000, height: 1400)
  }

  static func near(_ pixel: (UInt8, UInt8, UInt8, UInt8), _ colour: (UInt8, UInt8, UInt8)) -> Bool {
    abs(Int(pixel.0) - Int(colour.0)) <= 4 && abs(Int(pixel.1) - Int(colour.1)) <= 4
      && abs(Int(pixel.2) - Int(colour.2)) <= 4
  }

  /// Per row of the screenshot, the longest run of far-out pixels: (start x, length).
  func farOutRuns(_ image: PNGImage) -> [(start: Int, length: Int)] {
    (0..<image.height).map { y in
      var best = (start: 0, length: 0)
      var start = 0
      var length = 0
      for x in 0..<image.width {
        if Self.near(image.pixel(x, y), farOut) {
          if length == 0 { start = x }
          length += 1
          if length > best.length { best = (start, length) }
        } else {
          length = 0
        }
      }
      return best
    }
  }

  @Test func theHeatmapOfAFailingArrayIsDrawn() throws {
    let image = try screenshot(PageFixtures.page(PageFixtures.failingCase()))
    // The 8 × 8 array is drawn at 16 px a cell: its wrong right half is a block of 64 × 128
    // far-out pixels (legend swatches are 14 px), with the left half, within tolerance, beside it.
    let runs = farOutRuns(image)
    let rows = runs.indices.filter { runs[$0].length >= 60 }
    #expect(rows.count >= 120, "\(rows.count) screenshot rows hold a run of ≥ 60 far-out pixels; the heatmap holds 128")
    guard let top = rows.first, let bottom = rows.last else { return }
    #expect(bottom - top + 1 == rows.count, "the far-out rows are not one block")
    let left = runs[top].start
    #expect(rows.allSatisfy { abs(runs[$0].start - left) <= 1 && abs(runs[$0].length - 64) <= 2 })
    // The left half: within-tolerance pixels just left of the block, as wide as it.
    let middle = (top + bottom) / 2
    let beside = (max(0, left - 60)..<left).filter { Self.near(image.pixel($0, middle), within) }
    #expect(beside.count >= 56, "\(beside.count) of the 60 pixels left of the far-out block are the within colour")
  }

  @Test func aPassingPageHasNoFarOutPixels() throws {
    let image = try screenshot(PageFixtures.page(PageFixtures.passingCase()))
    let count = (0..<image.height).reduce(0) { sum, y in
      sum + (0..<image.width).count { Self.near(image.pixel($0, y), farOut) }
    }
    #expect(count == 0)
    // The page was drawn: its text is dark pixels on white.
    let dark = (0..<200).reduce(0) { sum, y in sum + (0..<image.width).count { image.pixel($0, y).0 < 100 } }
    #expect(dark > 100)
  }

  /// Histogram bars above tolerance are drawn in the legend's colour of their decade: an array
  /// with one element at each of ratios 5, 50, 5·10³ and 5·10⁵ shows a yellow, an orange, a red
  /// and a dark red bar (each 36 px wide; the legend's swatches are 14 px, the heatmap's cells 16).
  @Test func histogramBarsTakeTheLegendsColours() throws {
    let expected = NDArray(shape: [4], scalars: [Float](repeating: 0, count: 4))
    let actual = NDArray(shape: [4], scalars: [Float(5e-6), 5e-5, 5e-3, 0.5])
    let tolerance = PageFixtures.tolerance
    let comparison = compareArray(name: "w", actual: actual, expected: expected, tolerance: tolerance)
    let pictures = ArrayPictures(actual: actual, expected: expected, tolerance: tolerance, layout: .plain)
    let entry = HTMLCase(
      name: "bars", status: "mismatch",
      detail: HTMLCaseDetail(
        failing: [HTMLArraySection(comparison: comparison, pictures: pictures)], passing: []))
    let image = try screenshot(PageFixtures.page(entry))
    for step in 3...6 {
      let colour = Palette.steps[step].rgb
      let wide = (0..<image.height).filter { y in
        var run = 0
        var best = 0
        for x in 0..<image.width {
          run = Self.near(image.pixel(x, y), colour) ? run + 1 : 0
          best = max(best, run)
        }
        return best >= 30
      }
      #expect(wide.count >= 5, "no bar in \(Palette.steps[step].label)'s colour: \(wide.count) rows")
    }
  }
}

import TLArray
import TLCompare
import TLTestSupport
import Testing

@testable import TLReportHTML

/// The heatmaps put each element's ratio in the cell its axes say, pooled by the maximum,
/// with gate blocks on cell edges. Checked on the decoded PNG.
@Suite struct HeatmapLayoutTests {
  let tolerance = Tolerance(rtol: 1e-5, atol: 1e-6)
  let farOut = Palette.steps[Palette.farOutIndex].rgb
  let within = Palette.steps[0].rgb

  /// `expected` of zeros and `actual` equal but for `bad` flat positions set to 1 (ratio 10⁶).
  func pair(_ shape: [Int], bad: [Int]) -> (NDArray, NDArray) {
    let count = shape.reduce(1, *)
    var values = [Float](repeating: 0, count: count)
    for index in bad { values[index] = 1 }
    return (NDArray(shape: shape, scalars: values), NDArray(shape: shape, scalars: [Float](repeating: 0, count: count)))
  }

  /// The cells (x, y) of a picture drawn in the far-out colour.
  func farOutCells(_ map: Heatmap) throws -> [[Int]] {
    let image = try PNGImage(decoding: map.png)
    #expect(image.width == map.columns && image.height == map.rows)
    var cells: [[Int]] = []
    for y in 0..<image.height {
      for x in 0..<image.width {
        let (r, g, b, _) = image.pixel(x, y)
        if (r, g, b) == farOut { cells.append([x, y]) }
      }
    }
    return cells
  }

  @Test func aBigEmbeddingGradientIsPooledToAtMost256PerAxis() throws {
    // V = 10000, D = 650: one bad element in the last row and column.
    let (actual, expected) = pair([10_000, 650], bad: [10_000 * 650 - 1])
    let pictures = ArrayPictures(actual: actual, expected: expected, tolerance: tolerance, layout: .plain)
    let map = try #require(pictures.heatmaps.first)
    #expect(map.rows <= 256 && map.columns <= 256 && map.rows >= 128)
    #expect(map.rowsPerCell == 40 && map.columnsPerCell == 3)
    #expect(try farOutCells(map) == [[map.columns - 1, map.rows - 1]])
    #expect(pictures.maxRatio == 1e6)
  }

  @Test func lstmGateBlocksStayWholeCells() throws {
    // Wx (D, 4H), D = 650, H = 650: every element of block i (columns 1300..<1950) wrong.
    let (d, h) = (650, 650)
    let bad = (0..<d).flatMap { row in (2 * h..<3 * h).map { row * 4 * h + $0 } }
    let (actual, expected) = pair([d, 4 * h], bad: bad)
    let pictures = ArrayPictures(actual: actual, expected: expected, tolerance: tolerance, layout: .lstmGates)
    let map = try #require(pictures.heatmaps.first)
    #expect(map.blocks == ["f", "g", "i", "o"])
    #expect(map.columns % 4 == 0 && map.columns <= 256)
    let block = map.columns / 4
    let cells = try farOutCells(map)
    #expect(cells.count == block * map.rows)
    #expect(cells.allSatisfy { $0[0] >= 2 * block && $0[0] < 3 * block })
  }

  @Test func aTimeLayersOutputIsTimeByFeatureAndBatchRowByTime() throws {
    // (N, T, H) = (20, 35, 650): element [3, 7, 100] wrong.
    let (n, t, h) = (20, 35, 650)
    let (actual, expected) = pair([n, t, h], bad: [(3 * t + 7) * h + 100])
    let pictures = ArrayPictures(actual: actual, expected: expected, tolerance: tolerance, layout: .timeSeries)
    #expect(pictures.heatmaps.count == 2)
    let timeByFeature = pictures.heatmaps[0]
    #expect(timeByFeature.rows == t && timeByFeature.columnsPerCell == 3)
    #expect(try farOutCells(timeByFeature) == [[100 / 3, 7]])
    #expect(timeByFeature.rowAxis == "t (T = 35)")
    let batchByTime = pictures.heatmaps[1]
    #expect(batchByTime.rows == n && batchByTime.columns == t)
    #expect(try farOutCells(batchByTime) == [[7, 3]])
  }

  @Test func aBiasVectorIsOneRowOfGateBlocks() throws {
    let (actual, expected) = pair([12], bad: [0, 11])
    let pictures = ArrayPictures(actual: actual, expected: expected, tolerance: tolerance, layout: .gruGates)
    let map = try #require(pictures.heatmaps.first)
    #expect(map.blocks == ["z", "r", "h̃"] && map.rows == 1 && map.columns == 12)
    #expect(try farOutCells(map) == [[0, 0], [11, 0]])
    // A length that is no multiple of the gates is drawn without blocks.
    let (odd, oddExpected) = pair([10], bad: [])
    let plain = ArrayPictures(actual: odd, expected: oddExpected, tolerance: tolerance, layout: .lstmGates)
    #expect(plain.heatmaps.first?.blocks == [])
    #expect(try farOutCells(try #require(plain.heatmaps.first)).isEmpty)
  }
}

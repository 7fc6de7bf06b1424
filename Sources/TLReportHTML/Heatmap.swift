/// One picture of an array's error ratios (``ErrorRatio``), max-pooled to at most
/// ``Heatmap/maxCells`` cells per axis and stored as a PNG of ``Palette`` indices.
public struct Heatmap: Sendable {
  /// The most cells a picture has along either axis: larger arrays are max-pooled (each cell
  /// the largest ratio of the block of elements it covers), so one picture is at most
  /// 256 × 256 cells (65,536 bytes before compression).
  public static let maxCells = 256

  /// What the picture shows: `time × feature, the largest over the 20 batch rows`.
  public var title: String
  /// The axes as the page labels them: `t (T = 35)`, `h (H = 650)`.
  public var rowAxis: String
  public var columnAxis: String
  /// The picture's size in cells, and how many elements along each axis one cell covers.
  public var rows: Int
  public var columns: Int
  public var rowsPerCell: Int
  public var columnsPerCell: Int
  /// Gate letters of equal-width column blocks, in order (empty: no blocks).
  public var blocks: [String]
  /// The PNG, one pixel per cell.
  public var png: [UInt8]
}

/// Max-pools error ratios into a grid of at most ``Heatmap/maxCells`` per axis; with blocks,
/// each block of columns is pooled on its own so block edges stay cell edges.
struct PooledGrid {
  let sourceRows: Int
  let rowFactor: Int
  let rows: Int
  let blockWidth: Int
  let columnFactor: Int
  let blockColumns: Int
  let columns: Int
  var cells: [Float]

  init(rows sourceRows: Int, columns sourceColumns: Int, blocks: Int = 1) {
    let cap = Heatmap.maxCells
    self.sourceRows = sourceRows
    rowFactor = max(1, (sourceRows + cap - 1) / cap)
    rows = max(1, (sourceRows + rowFactor - 1) / rowFactor)
    blockWidth = max(1, sourceColumns / max(blocks, 1))
    columnFactor = max(1, (sourceColumns + cap - 1) / cap)
    blockColumns = max(1, (blockWidth + columnFactor - 1) / columnFactor)
    columns = blockColumns * max(blocks, 1)
    cells = [Float](repeating: 0, count: rows * columns)
  }

  @inline(__always)
  mutating func add(row: Int, column: Int, _ ratio: Float) {
    let cell = (row / rowFactor) * columns + (column / blockWidth) * blockColumns + (column % blockWidth) / columnFactor
    if !(cells[cell] >= ratio) { cells[cell] = ratio }
  }

  func heatmap(title: String, rowAxis: String, columnAxis: String, blocks: [String] = []) -> Heatmap {
    let pixels = cells.map(Palette.index(of:))
    let png = PNGEncoder.indexed(
      width: columns, height: rows, pixels: pixels, palette: Palette.steps.map(\.rgb))
    return Heatmap(
      title: title, rowAxis: rowAxis, columnAxis: columnAxis, rows: rows, columns: columns,
      rowsPerCell: rowFactor, columnsPerCell: columnFactor, blocks: blocks, png: png)
  }
}

import TLArray
import TLCompare

/// The pictures of one compared array: its heatmaps laid out as ``ArrayLayout`` says, the
/// histogram of its error ratios and the largest ratio.
public struct ArrayPictures: Sendable {
  public var heatmaps: [Heatmap]
  public var histogram: ErrorHistogram
  /// The largest ``ErrorRatio`` of any element (0 for an empty array).
  public var maxRatio: Double

  /// Scans `actual` against `expected` (same shape; any dtypes, read as float64) once.
  /// - Precondition: `actual.shape == expected.shape`.
  public init(actual: NDArray, expected: NDArray, tolerance: Tolerance, layout: ArrayLayout, drawing: Bool = true) {
    precondition(actual.shape == expected.shape, "pictures need arrays of one shape")
    let shape = expected.shape
    var plan = Plan(shape: shape, layout: drawing ? layout : nil)
    var histogram = ErrorHistogram()
    var maxRatio = 0.0
    actual.astype(.float64).withUnsafeBufferPointer(of: Double.self) { a in
      expected.astype(.float64).withUnsafeBufferPointer(of: Double.self) { e in
        for index in 0..<e.count {
          let ratio = ErrorRatio.of(actual: a[index], expected: e[index], tolerance)
          histogram.add(ratio)
          if !(maxRatio >= ratio) { maxRatio = ratio }
          plan.add(index, ratio.isFinite ? Float(min(ratio, 1e38)) : .infinity)
        }
      }
    }
    self.heatmaps = plan.heatmaps()
    self.histogram = histogram
    self.maxRatio = maxRatio
  }
}

/// Which grids an array's elements go into, by its shape and layout.
private struct Plan {
  enum Kind {
    case none
    /// One grid of the last axis (rank 0 and 1), with blocks for gates.
    case row(blocks: [String])
    /// Rows × columns of a matrix, or of the last two axes, the largest over the leading ones.
    case matrix(blocks: [String])
    /// (A, B, C): B × C (the largest over A) and A × B (the largest over C).
    case cube(time: Bool)
  }

  let shape: [Int]
  var kind: Kind = .none
  var first: PooledGrid?
  var second: PooledGrid?

  init(shape: [Int], layout: ArrayLayout?) {
    self.shape = shape
    guard let layout, !shape.contains(0) else { return }
    let rank = shape.count
    var blocks: [String] = []
    if case .gates(let letters) = layout, rank <= 2, let last = shape.last, last % letters.count == 0 {
      blocks = letters
    }
    switch rank {
    case 0, 1:
      kind = .row(blocks: blocks)
      first = PooledGrid(rows: 1, columns: shape.last ?? 1, blocks: max(blocks.count, 1))
    case 2:
      kind = .matrix(blocks: blocks)
      first = PooledGrid(rows: shape[0], columns: shape[1], blocks: max(blocks.count, 1))
    case 3:
      kind = .cube(time: layout == .timeSeries)
      first = PooledGrid(rows: shape[1], columns: shape[2])
      second = PooledGrid(rows: shape[0], columns: shape[1])
    default:
      kind = .matrix(blocks: [])
      first = PooledGrid(rows: shape[rank - 2], columns: shape[rank - 1])
    }
  }

  @inline(__always)
  mutating func add(_ index: Int, _ ratio: Float) {
    switch kind {
    case .none: return
    case .row: first?.add(row: 0, column: index, ratio)
    case .matrix:
      let columns = shape[shape.count - 1]
      let rows = shape[shape.count - 2]
      first?.add(row: (index / columns) % rows, column: index % columns, ratio)
    case .cube:
      let (b, c) = (shape[1], shape[2])
      let middle = (index / c) % b
      first?.add(row: middle, column: index % c, ratio)
      second?.add(row: index / (b * c), column: middle, ratio)
    }
  }

  func heatmaps() -> [Heatmap] {
    let rank = shape.count
    switch kind {
    case .none: return []
    case .row(let blocks):
      let length = shape.last ?? 1
      let axis = blocks.isEmpty ? "i (\(length))" : "gate blocks of \(length / blocks.count)"
      return first.map { [$0.heatmap(title: "every element", rowAxis: "", columnAxis: axis, blocks: blocks)] } ?? []
    case .matrix(let blocks):
      let (rows, columns) = (shape[rank - 2], shape[rank - 1])
      let over = rank > 2 ? ", the largest over the leading axes \(shape.dropLast(2).map(String.init))" : ""
      let columnAxis = blocks.isEmpty ? "axis \(rank - 1) (\(columns))" : "gate blocks of \(columns / blocks.count)"
      return first.map {
        [
          $0.heatmap(
            title: "rows × columns\(over)", rowAxis: "axis \(rank - 2) (\(rows))", columnAxis: columnAxis,
            blocks: blocks)
        ]
      } ?? []
    case .cube(let time):
      let (a, b, c) = (shape[0], shape[1], shape[2])
      var pictures: [Heatmap] = []
      if let first {
        pictures.append(
          time
            ? first.heatmap(
              title: "time × feature, the largest over the \(a) batch rows", rowAxis: "t (T = \(b))",
              columnAxis: "feature (\(c))")
            : first.heatmap(
              title: "axis 1 × axis 2, the largest over axis 0 (\(a))", rowAxis: "axis 1 (\(b))",
              columnAxis: "axis 2 (\(c))"))
      }
      if let second {
        pictures.append(
          time
            ? second.heatmap(
              title: "batch row × time, the largest over the \(c) features", rowAxis: "n (N = \(a))",
              columnAxis: "t (T = \(b))")
            : second.heatmap(
              title: "axis 0 × axis 1, the largest over axis 2 (\(c))", rowAxis: "axis 0 (\(a))",
              columnAxis: "axis 1 (\(b))"))
      }
      return pictures
    }
  }
}

import TLArray
import TLKernels

extension Kernel {
  /// The rows that `ids` select in a table of `rows` rows: any integer dtype, negatives wrap
  /// (−1 → last row). Throws for non-integer ids and ids outside [−rows, rows), naming `what`.
  static func rowIndices(
    _ ids: NDArray, rows: Int, layer: String, type: String, what: String = "ids"
  ) throws -> [Int] {
    guard ids.dtype.isInteger else {
      throw LayerError(layer: layer, type: type, "\(what) must be integers, got \(ids.dtype)")
    }
    switch rowIndices(ids, rows: rows) {
    case .success(let indices): return indices
    case .failure(let bad):
      throw LayerError(
        layer: layer, type: type,
        "\(what) value \(bad.value) at \(describeIndex(bad.flatIndex, in: ids.shape)) is out of bounds for \(rows) rows"
      )
    }
  }
}

extension Kernel {
  /// The distinct values of `indices` (each in `0..<rows`), ascending: the rows a scatter-add
  /// of them writes, for ``TLArray/NDArray/withNonzeroRows(_:)``.
  static func distinctRows(_ indices: [Int], of rows: Int) -> [Int] {
    var seen = [Bool](repeating: false, count: rows)
    for row in indices { seen[row] = true }
    return seen.indices.filter { seen[$0] }
  }
}

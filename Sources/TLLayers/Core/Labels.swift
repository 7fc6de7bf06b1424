import TLArray
import TLKernels

/// Class labels of the loss layers: integer labels checked against [−1, V), or one-hot rows
/// turned into labels by argmax (the book's `t.argmax(axis=1)`).
extension Kernel {
  /// The labels in `ts` as Ints, each in [−1, classes) (−1 is the ignore label, or the last class
  /// where a layer has no ignore label). Throws for non-integer labels and values outside.
  static func labels(_ ts: NDArray, classes: Int, check: LayerCheck) throws -> [Int] {
    try check.integer("ts", ts.dtype)
    let values = ts.astype(Double.self).scalars(as: Double.self)
    var out = [Int](repeating: 0, count: values.count)
    for (i, v) in values.enumerated() {
      guard v >= -1, v < Double(classes) else {
        throw check.error(
          "ts value \(Int64(exactly: v).map(String.init) ?? String(v)) at \(describeIndex(i, in: ts.shape)) is outside [-1, \(classes))"
        )
      }
      out[i] = Int(v)
    }
    return out
  }

  /// The argmax of each last-axis row of a one-hot `ts` (first maximum wins), as NumPy's argmax.
  static func argmaxLastAxis(_ ts: NDArray) -> [Int] {
    let width = ts.shape.last ?? 1
    let values = ts.astype(Double.self).scalars(as: Double.self)
    return stride(from: 0, to: values.count, by: max(width, 1)).map { start in
      var best = start
      for i in start..<start + width where values[i] > values[best] { best = i }
      return best - start
    }
  }
}

extension Kernel {
  /// The class label of each row of scores x (…,C) for softmax losses: `ts` either has x's shape
  /// (one-hot, replaced by its argmax as the book does) or x's shape without the last axis
  /// (integer labels in [−1, C)).
  static func softmaxLabels(_ ts: NDArray, scores shape: [Int], check: LayerCheck) throws -> [Int] {
    if ts.shape == shape { return argmaxLastAxis(ts) }
    let rowsShape = Array(shape.dropLast())
    let pattern = rowsShape.map { Dim.size($0) }
    try check.shape("ts", ts.shape, pattern)
    return try labels(ts, classes: shape.last ?? 0, check: check)
  }
}

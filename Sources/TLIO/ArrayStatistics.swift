import TLArray

/// Summary figures of an array, as `tl-run inspect` shows them (``ArrayInspector``).
public struct ArrayStatistics: Sendable, Equatable {
  /// Smallest and largest value, ignoring NaN; nil for an empty or all-NaN array.
  public var min: Double?
  public var max: Double?
  /// Mean of the non-NaN values (of all values for integers); nil when there are none.
  public var mean: Double?
  public var nanCount: Int
  public var infCount: Int
}

extension NDArray {
  /// One pass over the elements: min, max, mean, and NaN / Inf counts.
  public func statistics() -> ArrayStatistics { dtype.accept(StatisticsVisitor(array: self)) }
}

private struct StatisticsVisitor: DTypeVisitor {
  let array: NDArray
  func visit<T: NDElement>(_: T.Type) -> ArrayStatistics {
    if T.self == Float.self { return floatStatistics(Float.self) }
    if T.self == Double.self { return floatStatistics(Double.self) }
    return array.withUnsafeBufferPointer(of: T.self) { values in
      var stats = ArrayStatistics(min: nil, max: nil, mean: nil, nanCount: 0, infCount: 0)
      var sum = 0.0
      var finite = 0
      for v in values {
        let d = v.castValue.double
        if d.isNaN {
          stats.nanCount += 1
          continue
        }
        if d.isInfinite { stats.infCount += 1 }
        stats.min = Swift.min(stats.min ?? d, d)
        stats.max = Swift.max(stats.max ?? d, d)
        sum += d
        finite += 1
      }
      stats.mean = finite > 0 ? sum / Double(finite) : nil
      return stats
    }
  }

  /// The float32/float64 path: no per-element boxing, SIMD lanes, so it runs at memory speed.
  private func floatStatistics<F: StatisticsFloat>(_: F.Type) -> ArrayStatistics {
    array.withUnsafeBufferPointer(of: F.self) { FloatStatisticsKernel.statistics($0) }
  }
}

import TLCompare

/// How far one element is from its reference, in units of its tolerance:
/// `|actual − expected| / (atol + rtol·|expected|)`, the quantity `numpy.isclose` compares
/// with 1 (docs/pipeline.md §4). At most 1 is within tolerance.
///
/// Computed in float64 whatever the arrays' dtype (an element whose ratio lies within a few
/// ulps of 1 may be drawn on the other side of 1 than the comparison, made in the arrays' own
/// dtype, judged it; the counts on the page are the comparison's).
public enum ErrorRatio {
  /// The ratio for one pair: 0 for equal values (and NaN against NaN when `equalNaN`), infinity
  /// for a NaN against anything else, for unequal infinities and for any difference under a
  /// zero tolerance.
  @inlinable
  public static func of(actual: Double, expected: Double, _ tolerance: Tolerance) -> Double {
    if actual.isNaN || expected.isNaN {
      return actual.isNaN && expected.isNaN && tolerance.equalNaN ? 0 : .infinity
    }
    if actual == expected { return 0 }
    if !actual.isFinite || !expected.isFinite { return .infinity }
    let bound = tolerance.atol + tolerance.rtol * abs(expected)
    let difference = abs(actual - expected)
    return bound > 0 ? difference / bound : .infinity
  }
}

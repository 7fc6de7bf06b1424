import TLCompare

/// When a candidate (a variant's array, or tl-run's array transformed) explains the port's
/// array (docs/pipeline.md §7.1). Differences are measured in units of the array's tolerance:
/// `|a − e| / (atol + rtol·|e|)` at the worst element, NumPy's `isclose` bound with the port
/// (or, for the candidate against tl-run's, tl-run's) on the right. A candidate explains the
/// port's array only when all three hold:
///
/// - it **fits**: the port is within ``fitSlack`` tolerances of the candidate (rounding of a
///   port that computes in another order);
/// - it **changes** something: the candidate is at least ``minimumChange`` tolerances from
///   tl-run's own result, so a transform that does nothing on this data (`dW[ids] = dout`
///   where no id repeats, a factor of 1) explains nothing;
/// - it fits **far better** than tl-run's result: the port is at least ``minimumGain`` times
///   further (and at least `minimumGain` tolerances) from tl-run's result than from the
///   candidate, so a port off by a few tolerances (noise) gets no diagnosis.
enum Evidence {
  /// How many tolerances the port may be off the candidate and still fit it.
  static let fitSlack = 4.0
  /// How many tolerances the candidate must differ from tl-run's result.
  static let minimumChange = 10.0
  /// How many times further the port must be from tl-run's result than from the candidate.
  static let minimumGain = 10.0

  /// How `candidate` compares: whether it fits the port, whether it explains it, and the
  /// largest absolute difference left between them.
  static func judge(candidate: [Double], ours: [Double], port: [Double], tolerance: Tolerance)
    -> (fits: Bool, explains: Bool, maxDiff: Double)
  {
    guard candidate.count == port.count, ours.count == port.count else { return (false, false, .infinity) }
    let fit = distance(candidate, port, tolerance)
    let fits = fit.tolerances <= fitSlack
    let change = distance(candidate, ours, tolerance).tolerances
    let gap = distance(ours, port, tolerance).tolerances
    let explains = fits && change >= minimumChange && gap >= minimumGain * max(fit.tolerances, 1)
    return (fits, explains, fit.maxDiff)
  }

  /// The worst difference of `actual` from `expected` in tolerances (NaN against NaN counts as
  /// 0 under `equal_nan`, else as infinitely far), and the largest absolute difference. An
  /// element the comparison fails whose difference is no number of tolerances (a NaN or an
  /// infinity against anything else) is infinitely far, as TLCompare's element rule judges it.
  static func distance(_ actual: [Double], _ expected: [Double], _ tolerance: Tolerance)
    -> (tolerances: Double, maxDiff: Double)
  {
    var worst = 0.0
    var largest = 0.0
    for (a, e) in zip(actual, expected) {
      if a == e || (a.isNaN && e.isNaN && tolerance.equalNaN) { continue }
      let diff = abs(a - e)
      // Both finite from here (an infinite or NaN difference fails NumPy's isclose).
      guard diff.isFinite else { return (.infinity, .infinity) }
      let bound = tolerance.atol + tolerance.rtol * abs(e)
      worst = max(worst, bound > 0 ? diff / bound : .infinity)
      largest = max(largest, diff)
    }
    return (worst, largest)
  }
}

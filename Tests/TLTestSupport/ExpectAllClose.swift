import TLArray
import Testing

/// Checks dtype, shape and every value of `actual` against `expected` with NumPy's rule
/// `|a − e| ≤ atol + rtol·|e|` (NaN equals NaN), and reports the worst element on failure.
public func expectAllClose(
  _ actual: NDArray, _ expected: NDArray, rtol: Double = 1e-5, atol: Double = 1e-6,
  checkDType: Bool = true, _ label: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
  let what = label.isEmpty ? "" : "\(label): "
  if checkDType && actual.dtype != expected.dtype {
    Issue.record("\(what)dtype \(actual.dtype) ≠ expected \(expected.dtype)", sourceLocation: sourceLocation)
  }
  guard actual.shape == expected.shape else {
    Issue.record(
      "\(what)shape \(Shape.describe(actual.shape)) ≠ expected \(Shape.describe(expected.shape))",
      sourceLocation: sourceLocation)
    return
  }
  var worst: (index: Int, excess: Double)? = nil
  var mismatches = 0
  for i in 0..<actual.count {
    let a = actual.double(atFlat: i), e = expected.double(atFlat: i)
    if a.isNaN && e.isNaN { continue }
    if a == e { continue }  // equal infinities
    let excess = abs(a - e) - (atol + rtol * abs(e))
    if excess > 0 || excess.isNaN {
      mismatches += 1
      let score = excess.isNaN ? Double.infinity : excess
      if score > (worst?.excess ?? -1) { worst = (i, score) }
    }
  }
  if let worst {
    let a = actual.double(atFlat: worst.index), e = expected.double(atFlat: worst.index)
    Issue.record(
      "\(what)\(mismatches)/\(actual.count) elements differ (rtol \(rtol), atol \(atol)); worst at flat index \(worst.index): \(a) vs expected \(e), maxdiff \(abs(a - e))",
      sourceLocation: sourceLocation)
  }
}

/// The largest |a − e| over all elements (NaN pairs skipped), for reports of how close we are.
public func maxAbsDifference(_ actual: NDArray, _ expected: NDArray) -> Double {
  precondition(actual.count == expected.count)
  var worst = 0.0
  for i in 0..<actual.count {
    let a = actual.double(atFlat: i), e = expected.double(atFlat: i)
    if a.isNaN && e.isNaN { continue }
    worst = max(worst, a == e ? 0 : abs(a - e))
  }
  return worst
}

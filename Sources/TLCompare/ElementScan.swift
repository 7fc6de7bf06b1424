import TLArray

/// What one pass over two same-shaped, same-dtype buffers found, by flat C-order index.
struct ElementScan {
  var mismatched = 0
  var first: [Int] = []
  var maxAbs: (value: Double, index: Int)?
  var maxRel: (value: Double, index: Int)?
  /// The largest difference over all elements, for a passing array's report.
  var largestAbs: (value: Double, index: Int)?

  /// Notes one element out of tolerance (the cold path of the loops).
  mutating func record(_ index: Int, abs: Double, rel: Double) {
    mismatched += 1
    if first.count < ArrayComparison.firstMismatchLimit { first.append(index) }
    if Self.isLarger(abs, than: maxAbs?.value) { maxAbs = (abs, index) }
    if Self.isLarger(rel, than: maxRel?.value) { maxRel = (rel, index) }
  }

  /// Orders differences with NaN (NaN against a number) below every number, so the reported
  /// maximum is a number whenever one exists.
  static func isLarger(_ candidate: Double, than current: Double?) -> Bool {
    guard let current else { return true }
    if current.isNaN { return !candidate.isNaN }
    return candidate > current
  }
}

/// The element rule, as typed loops over the arrays' own element types. `isClose` is shared
/// with TLDiagnosis, so a diagnosis calls an element failing exactly where the comparison does.
package enum ElementRule {
  /// NumPy's `isclose` for one float pair, in `F` as NumPy 2 computes it for arrays of `F`
  /// (the Python-float tolerances are weak scalars, so `atol + rtol·|e|` is rounded to `F`).
  @inline(__always)
  package static func isClose<F: BinaryFloatingPoint>(
    _ actual: F, _ expected: F, difference: F, rtol: F, atol: F, equalNaN: Bool
  ) -> Bool {
    if difference <= atol + rtol * expected.magnitude && expected.isFinite { return true }
    if actual == expected { return true }  // equal infinities; −0.0 == 0.0
    return equalNaN && actual.isNaN && expected.isNaN
  }

  /// Scans float buffers of equal length.
  static func scan<F: BinaryFloatingPoint>(
    _ actual: UnsafeBufferPointer<F>, _ expected: UnsafeBufferPointer<F>, tolerance: Tolerance
  ) -> ElementScan {
    let rtol = F(tolerance.rtol)
    let atol = F(tolerance.atol)
    let equalNaN = tolerance.equalNaN
    var scan = ElementScan()
    var largest: F = 0
    var largestIndex: Int?
    for i in 0..<actual.count {
      let a = actual[i]
      let e = expected[i]
      let difference = (a - e).magnitude
      if difference > largest {
        largest = difference
        largestIndex = i
      }
      if isClose(a, e, difference: difference, rtol: rtol, atol: atol, equalNaN: equalNaN) {
        continue
      }
      scan.record(i, abs: Double(difference), rel: Double(difference / e.magnitude))
    }
    scan.largestAbs = largestIndex.map { (Double(largest), $0) }
    return scan
  }

  /// Scans integer buffers exactly: the difference is taken in 64-bit integers, so int64 and
  /// uint64 values beyond 2⁵³ are never rounded through `Double`.
  static func scan<I: FixedWidthInteger>(
    _ actual: UnsafeBufferPointer<I>, _ expected: UnsafeBufferPointer<I>, tolerance: Tolerance
  ) -> ElementScan {
    let exact = tolerance.rtol == 0 && tolerance.atol == 0
    var scan = ElementScan()
    var largest: UInt64 = 0
    var largestIndex: Int?
    for i in 0..<actual.count where actual[i] != expected[i] {
      let e = expected[i]
      let difference = distance(actual[i], e)
      if difference > largest {
        largest = difference
        largestIndex = i
      }
      let magnitude = Double(e.magnitude)
      if !exact && isWithin(difference, tolerance.atol + tolerance.rtol * magnitude) { continue }
      scan.record(i, abs: Double(difference), rel: Double(difference) / magnitude)
    }
    scan.largestAbs = largestIndex.map { (Double(largest), $0) }
    return scan
  }

  /// `|x − y|` exactly, for any integer type of at most 64 bits.
  @inline(__always)
  static func distance<I: FixedWidthInteger>(_ x: I, _ y: I) -> UInt64 {
    if I.isSigned {
      let a = Int64(x)
      let b = Int64(y)
      return a >= b ? UInt64(bitPattern: a &- b) : UInt64(bitPattern: b &- a)
    }
    let a = UInt64(x)
    let b = UInt64(y)
    return a >= b ? a - b : b - a
  }

  /// `difference ≤ bound` without rounding `difference` to `Double`.
  static func isWithin(_ difference: UInt64, _ bound: Double) -> Bool {
    guard bound >= 0 else { return false }  // also NaN
    if bound >= 18_446_744_073_709_551_616.0 { return true }
    return difference <= UInt64(bound.rounded(.down))
  }
}

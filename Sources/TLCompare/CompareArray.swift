import TLArray

/// Compares `actual` with its reference `expected`: shape first, then every element by
/// `|actual − expected| ≤ atol + rtol·|expected|` (NumPy's rule, the reference on the right).
///
/// Elements are compared in the arrays' own type: float16/32/64 as NumPy computes them for
/// arrays of that dtype, integers and bool exactly. Arrays of different dtypes are compared in
/// the dtype NumPy promotes the pair to (`np.result_type`), as `np.isclose` would; the result
/// is then ``ArrayComparison/Status/dtypeMismatch`` unless `tolerance.checkDType` is false,
/// with the values' verdict reported beside it.
public func compareArray(
  name: String, actual: NDArray, expected: NDArray, tolerance: Tolerance
) -> ArrayComparison {
  var result = ArrayComparison(
    name: name, status: .pass, dtype: actual.dtype, shape: actual.shape,
    expectedDType: expected.dtype, expectedShape: expected.shape, tolerance: tolerance)
  guard actual.shape == expected.shape else {
    result.status = .shapeMismatch
    return result
  }
  let common = DType.promote(actual.dtype, expected.dtype)
  let scan = scanElements(actual.astype(common), expected.astype(common), tolerance)
  result.total = expected.count
  result.mismatched = scan.mismatched
  let values: ArrayComparison.Status = scan.mismatched == 0 ? .pass : .mismatch
  result.valuesStatus = values
  result.status = actual.dtype != expected.dtype && tolerance.checkDType ? .dtypeMismatch : values
  result.firstMismatches = scan.first.map { flat in
    ArrayComparison.ElementMismatch(
      index: multiIndex(flat, shape: expected.shape),
      actual: actual.castValue(atFlat: flat), expected: expected.castValue(atFlat: flat))
  }
  let extreme = { (found: (value: Double, index: Int)) in
    ArrayComparison.Extreme(
      value: found.value, index: multiIndex(found.index, shape: expected.shape))
  }
  if scan.mismatched > 0 {
    result.maxAbsDiff = scan.maxAbs.map(extreme)
    result.maxRelDiff = scan.maxRel.map(extreme)
  } else {
    result.maxAbsDiff =
      scan.largestAbs.map(extreme) ?? ArrayComparison.Extreme(value: 0, index: nil)
  }
  return result
}

/// The C-order multi-index of flat position `flat` in an array of `shape`.
func multiIndex(_ flat: Int, shape: [Int]) -> [Int] {
  var rest = flat
  var index = [Int](repeating: 0, count: shape.count)
  for axis in shape.indices.reversed() where shape[axis] > 0 {
    index[axis] = rest % shape[axis]
    rest /= shape[axis]
  }
  return index
}

/// Runs the typed loop of ``ElementRule`` for the arrays' runtime dtype (`acceptByKind` is
/// inlinable, so every loop is specialised for its type).
private func scanElements(_ actual: NDArray, _ expected: NDArray, _ tolerance: Tolerance)
  -> ElementScan
{
  expected.dtype.acceptByKind(TypedPair(actual: actual, expected: expected, tolerance: tolerance))
}

/// Two arrays of one dtype, read as typed buffers.
private struct TypedPair: DTypeKindVisitor {
  let actual: NDArray
  let expected: NDArray
  let tolerance: Tolerance

  func visitFloat<F: NDElement & BinaryFloatingPoint>(_: F.Type) -> ElementScan {
    actual.withUnsafeBufferPointer(of: F.self) { a in
      expected.withUnsafeBufferPointer(of: F.self) { e in
        ElementRule.scan(a, e, tolerance: tolerance)
      }
    }
  }

  func visitInteger<I: NDElement & FixedWidthInteger>(_: I.Type) -> ElementScan {
    actual.withUnsafeBufferPointer(of: I.self) { a in
      expected.withUnsafeBufferPointer(of: I.self) { e in
        ElementRule.scan(a, e, tolerance: tolerance)
      }
    }
  }

  /// NumPy stores a bool as one byte, 0 or 1, so it is compared as uint8.
  func visitBool() -> ElementScan {
    actual.withUnsafeBytes { a in
      expected.withUnsafeBytes { e in
        ElementRule.scan(
          a.assumingMemoryBound(to: UInt8.self), e.assumingMemoryBound(to: UInt8.self),
          tolerance: tolerance)
      }
    }
  }
}

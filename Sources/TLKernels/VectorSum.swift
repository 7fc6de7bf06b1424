internal import CTLMath

/// NumPy's pairwise float32 sum with its eight partial sums in one AVX2 register, a row
/// divided by a scalar, a matrix's column sums and a bias added to its rows in AVX2 lanes
/// (`Sources/CTLMath/pairwise_sum.c`): the softmax's row sum and division over V = 10000 scores
/// a row, TimeAffine's db and bias over N·T×V, which the generic loops ran one partial sum (or
/// four lanes, with the column sums stored back every row) at a time. NumPy's bits. The callers
/// ask ``NumPyMathPath/usesC`` first (a ``NumPyMathPath/withSwiftPath(_:)`` body turns these
/// off); the functions may be called only where the CPU has AVX2 and FMA3 (the C loops'
/// condition, ``NumPyMathPath/hasAVX2FMA``).
@usableFromInline package enum VectorSum {
  /// ``Kernel/pairwiseSum(_:count:stride:)`` of `count` contiguous floats.
  @usableFromInline package static func pairwise(_ a: UnsafePointer<Float>, count: Int) -> Float {
    #if arch(x86_64)
      precondition(NumPyMathPath.hasAVX2FMA, "VectorSum needs AVX2")
      return CTLMath_pairwise_sum_f32(a, count)
    #else
      preconditionFailure("VectorSum needs x86-64 with AVX2")
    #endif
  }

  /// x[j] /= divisor for j < count.
  @usableFromInline package static func divide(_ x: UnsafeMutablePointer<Float>, by divisor: Float, count: Int) {
    #if arch(x86_64)
      precondition(NumPyMathPath.hasAVX2FMA, "VectorSum needs AVX2")
      CTLMath_divide_f32(x, divisor, count)
    #else
      preconditionFailure("VectorSum needs x86-64 with AVX2")
    #endif
  }

  /// out[j] = Σ_r m[r, j] row by row for j in `columns` (``Kernel/sumRows(_:into:)``'s order).
  @usableFromInline package static func sumRows(
    _ m: UnsafePointer<Float>, rows: Int, ld: Int, columns: Range<Int>, into out: UnsafeMutablePointer<Float>
  ) {
    #if arch(x86_64)
      precondition(NumPyMathPath.hasAVX2FMA, "VectorSum needs AVX2")
      CTLMath_sum_rows_f32(m, rows, ld, columns.lowerBound, columns.upperBound, out)
    #else
      preconditionFailure("VectorSum needs x86-64 with AVX2")
    #endif
  }

  /// m[r, j] += b[j] for the `rows` rows (``Kernel/addRowVector(_:to:)``).
  @usableFromInline package static func addRowVector(
    _ b: UnsafePointer<Float>, to m: UnsafeMutablePointer<Float>, rows: Range<Int>, cols: Int, ld: Int
  ) {
    #if arch(x86_64)
      precondition(NumPyMathPath.hasAVX2FMA, "VectorSum needs AVX2")
      CTLMath_add_row_vector_f32(m + rows.lowerBound * ld, rows.count, cols, ld, b)
    #else
      preconditionFailure("VectorSum needs x86-64 with AVX2")
    #endif
  }
}

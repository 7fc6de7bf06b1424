internal import CTLMath

/// NumPy's pairwise float32 sum with its eight partial sums in one AVX2 register, and a row
/// divided by a scalar in AVX2 lanes (`Sources/CTLMath/pairwise_sum.c`): the softmax's row sum
/// and division over V = 10000 scores a row, which the generic loops ran one partial sum (and
/// four quotients) at a time. NumPy's bits; nil or false (nothing done) where the CPU lacks
/// AVX2 or a ``NumPyMathPath/withSwiftPath(_:)`` body runs, and the caller takes its loop.
@usableFromInline package enum VectorSum {
  /// ``Kernel/pairwiseSum(_:count:stride:)`` of `count` contiguous floats.
  @usableFromInline package static func pairwise(_ a: UnsafePointer<Float>, count: Int) -> Float? {
    #if arch(x86_64)
      guard NumPyMathPath.usesC else { return nil }
      return CTLMath_pairwise_sum_f32(a, count)
    #else
      return nil
    #endif
  }

  /// x[j] /= divisor for j < count.
  @usableFromInline package static func divide(_ x: UnsafeMutablePointer<Float>, by divisor: Float, count: Int) -> Bool
  {
    #if arch(x86_64)
      guard NumPyMathPath.usesC else { return false }
      CTLMath_divide_f32(x, divisor, count)
      return true
    #else
      return false
    #endif
  }
}

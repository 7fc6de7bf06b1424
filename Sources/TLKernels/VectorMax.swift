internal import CTLMath

/// A float32 row's max in AVX2 lanes (`Sources/CTLMath/row_max.c`), for the book's softmax
/// over V = 10000 scores a row: the scalar loop's compare-and-branch per element took about as
/// long as the row's exp.
@usableFromInline package enum VectorMax {
  /// The largest of `count` (≥ 8) floats; nil when one is NaN or the CPU lacks AVX2 (the caller
  /// then runs its scalar loop).
  @usableFromInline package static func max(_ src: UnsafePointer<Float>, count: Int) -> Float? {
    #if arch(x86_64)
      guard NumPyMathPath.hasAVX2FMA else { return nil }
      var found: Float = 0
      return CTLMath_max_f32(src, count, &found) != 0 ? found : nil
    #else
      return nil
    #endif
  }
}

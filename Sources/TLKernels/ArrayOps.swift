import TLArray

/// Whole-array element-wise operations with NumPy's dtype rules, for the layers whose cost is
/// dominated by one pass (Sigmoid, Dropout): one allocation for the result, no boxing.
extension Kernel {
  /// a ⊙ b for equal shapes, in promote(a, b) (a float32 array times a bool mask stays float32).
  @usableFromInline package static func multiply(_ a: NDArray, _ b: NDArray) -> NDArray {
    precondition(a.shape == b.shape, "multiply \(a.shape) by \(b.shape)")
    let dtype = DType.promote(a.dtype, b.dtype)
    var out = NDArray(zeros: dtype, shape: a.shape)
    dtype.byFloat(
      float: { multiply(a, b, into: &out, Float.self) },
      double: { multiply(a, b, into: &out, Double.self) })
    return out
  }

  private static func multiply<T: LayerScalar>(
    _ a: NDArray, _ b: NDArray, into out: inout NDArray, _: T.Type
  ) {
    let b = b.astype(T.self)
    out.withUnsafeMutableBufferPointer(of: T.self) { po in
      a.cast(into: po)
      b.withUnsafeBufferPointer(of: T.self) { pb in
        for i in po.indices { po[i] *= pb[i] }
      }
    }
  }

  /// x · s for a Python float s, which NumPy casts to x's dtype first (NEP 50 "weak" scalars).
  @usableFromInline package static func scaled(_ x: NDArray, by s: Double) -> NDArray {
    var out = x
    x.dtype.byFloat(
      float: { scale(&out, Float(s), Float.self) }, double: { scale(&out, s, Double.self) })
    return out
  }

  /// s − x for a Python float s, in x's dtype (`1.0 - out` in Sigmoid's backward).
  @usableFromInline package static func subtracted(from s: Double, _ x: NDArray) -> NDArray {
    var out = x
    x.dtype.byFloat(
      float: { rsub(&out, Float(s)) },
      double: { rsub(&out, s) })
    return out
  }

  private static func scale<T: LayerScalar>(_ x: inout NDArray, _ s: T, _: T.Type) {
    x.withUnsafeMutableBufferPointer(of: T.self) { p in for i in p.indices { p[i] *= s } }
  }

  private static func rsub<T: LayerScalar>(_ x: inout NDArray, _ s: T) {
    x.withUnsafeMutableBufferPointer(of: T.self) { p in for i in p.indices { p[i] = s - p[i] } }
  }
}

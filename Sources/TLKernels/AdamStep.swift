internal import CTLMath

extension Kernel {
  /// The element loop of the book's `Adam.update` on a float32 param `p` of n elements, written
  /// to `out` (n elements; `p`'s own memory for in place, else a buffer overlapping nothing):
  /// m += (1−β1)(g − m), v += (1−β2)(g² − v) in float32, then
  /// out = float32(float64(p) − lr_t·float64(m) / float64(√v + 1e-7)) (docs/layers.md §2.7). The
  /// C loop (CTLMath_adam_f32) rounds each operation by itself, so its bits are the scalar
  /// definition's; `g`, `m` and `v` must overlap nothing, and all hold the same count.
  package static func adamStep(
    _ p: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>,
    m: UnsafeMutableBufferPointer<Float>, v: UnsafeMutableBufferPointer<Float>, oneMinusBeta1: Float,
    oneMinusBeta2: Float, lrT: Double
  ) {
    precondition(
      out.count == p.count && g.count == p.count && m.count == p.count && v.count == p.count,
      "Adam buffers of unequal counts")
    guard let param = p.baseAddress, let result = out.baseAddress, let grad = g.baseAddress,
      let first = m.baseAddress, let second = v.baseAddress
    else { return }
    CTLMath_adam_f32(param, result, grad, first, second, p.count, oneMinusBeta1, oneMinusBeta2, Float(1e-7), lrT)
  }
}

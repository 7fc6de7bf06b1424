internal import CTLMath
import TLSystem

extension Kernel {
  /// What ``adamStep(_:into:_:m:v:oneMinusBeta1:oneMinusBeta2:lrT:state:)`` does with `m`, `v`.
  package enum AdamState: Sendable {
    /// Read and update them: an update with another one after it.
    case update
    /// Read them only: the last update, after which nobody reads them.
    case read
    /// Neither: an update that is both the first and the last, where they are the zeros of
    /// the book's `np.zeros_like` (the bits equal ``update``'s on zero-filled `m`, `v`);
    /// `m` and `v` may then be empty.
    case none

    var code: Int32 {
      switch self {
      case .update: CTLMATH_ADAM_STATE_UPDATE
      case .read: CTLMATH_ADAM_STATE_READ
      case .none: CTLMATH_ADAM_STATE_NONE
      }
    }
  }

  /// The element loop of the book's `Adam.update` on a float32 param `p` of n elements, written
  /// to `out` (n elements; `p`'s own memory for in place, else a buffer overlapping nothing):
  /// m += (1−β1)(g − m), v += (1−β2)(g² − v) in float32, then
  /// out = float32(float64(p) − lr_t·float64(m) / float64(√v + 1e-7)) (docs/layers.md §2.7). The
  /// C loop (CTLMath_adam_f32) rounds each operation by itself, so its bits are the scalar
  /// definition's; `g`, `m` and `v` must overlap nothing, and all hold the same count (`m`, `v`
  /// may be empty with `state` ``AdamState/none``). Elements are independent: from
  /// ``parallelElements`` on, blocks of them go to the workers as they become free
  /// (``forEachElementRange(count:alignment:_:)``), the bits unchanged.
  package static func adamStep(
    _ p: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>,
    m: UnsafeMutableBufferPointer<Float>, v: UnsafeMutableBufferPointer<Float>, oneMinusBeta1: Float,
    oneMinusBeta2: Float, lrT: Double, state: AdamState = .update
  ) {
    precondition(
      out.count == p.count && g.count == p.count && (state == .none || m.count == p.count && v.count == p.count),
      "Adam buffers of unequal counts")
    guard let param = p.baseAddress, let result = out.baseAddress, let grad = g.baseAddress else { return }
    let buffers = UncheckedSendable((param, result, grad, m.baseAddress, v.baseAddress))
    let code = state.code
    forEachElementRange(count: p.count) { range in
      let (param, result, grad, m, v) = buffers.value
      let at = range.lowerBound
      CTLMath_adam_f32(
        param + at, result + at, grad + at, m.map { $0 + at }, v.map { $0 + at }, range.count, oneMinusBeta1,
        oneMinusBeta2, Float(1e-7), lrT, code)
    }
  }
}

import TLArray
import TLKernels

/// A state carried from step to step of a recurrent time loop: h, and LSTM's memory c. Each
/// is laid out like xs, rows in (n·T + t) order, so step t is a strided view.
struct CarriedState<T: LayerScalar> {
  let n: Int, t: Int, h: Int
  /// (N,T,H): the value each step starts from; step 0's rows hold the initial state.
  let prev: Buffer<T>
  /// (N,H): the value after the last step.
  let last: Buffer<T>
  /// (N,H), in the backward: the running gradient, of the step's output on entry to a step and
  /// of its input on exit.
  let gradient: Buffer<T>

  /// Zeros, or `initial` (N,H) converted to `T` as the state before step 0.
  init(n: Int, t: Int, h: Int, initial: NDArray?) {
    (self.n, self.t, self.h) = (n, t, h)
    (prev, last, gradient) = (Buffer(zeros: n * t * h), Buffer(zeros: n * h), Buffer(zeros: n * h))
    guard let initial else { return }
    let converted = ReadOnlyBuffer<T>(viewing: initial)
    for row in 0..<n { (prev.p + row * t * h).update(from: converted.p + row * h, count: h) }
  }

  private init(n: Int, t: Int, h: Int, prev: Buffer<T>, last: Buffer<T>, gradient: Buffer<T>) {
    (self.n, self.t, self.h) = (n, t, h)
    (self.prev, self.last, self.gradient) = (prev, last, gradient)
  }

  /// The same values in `U` (exact when widening Float to Double).
  func converted<U: LayerScalar>(to _: U.Type) -> CarriedState<U> {
    CarriedState<U>(
      n: n, t: t, h: h, prev: prev.converted(to: U.self), last: last.converted(to: U.self),
      gradient: gradient.converted(to: U.self))
  }

  /// The value step `step` starts from (N rows).
  func input(_ step: Int) -> Matrix<T> {
    Matrix(UnsafePointer(prev.p + step * h), rows: n, cols: h, ld: t * h)
  }

  /// Where step `step` writes its value: the next step's start, or the final value.
  func output(_ step: Int) -> MutableMatrix<T> {
    step + 1 < t
      ? MutableMatrix(prev.p + (step + 1) * h, rows: n, cols: h, ld: t * h)
      : MutableMatrix(last.p, rows: n, cols: h)
  }

  /// The running gradient (N,H).
  var gradientMatrix: MutableMatrix<T> { gradient.mutableMatrix(rows: n, cols: h) }

  /// Sets the running gradient to `last` (the gradient of the final value), or zeros.
  func startGradient(_ last: Buffer<T>?) {
    for i in 0..<n * h { gradient.p[i] = last?.p[i] ?? 0 }
  }
}

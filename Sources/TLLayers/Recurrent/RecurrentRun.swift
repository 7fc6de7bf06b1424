import TLArray
import TLKernels

/// A ``RecurrentTape`` with its cell and computation type hidden, so a layer can hold one
/// whatever dtype its inputs promote to. Arrays come back in the computation dtype; callers cast.
///
/// Closures rather than a protocol: they are made where the tape's types are concrete, so the
/// step loops they call are specialised (a generic class's protocol witnesses would not be).
struct RecurrentRun {
  /// The computation dtype of the cached values.
  let dtype: DType
  private let outputsBody: () -> (hs: NDArray, h: NDArray, own: [String: NDArray])
  private let backwardBody:
    (NDArray, [String: NDArray]) -> (dxs: NDArray, grads: [NDArray], dh: NDArray, dOwn: [String: NDArray])
  private let widenedBody: () -> RecurrentRun

  init<Cell: RecurrentCell>(_ tape: RecurrentTape<Cell>) {
    dtype = Cell.Scalar.dtype
    outputsBody = { tape.outputs() }
    backwardBody = { tape.backward(dhs: $0, last: $1) }
    widenedBody = {
      Cell.Scalar.self == Double.self
        ? RecurrentRun(tape) : RecurrentRun(RecurrentTape<Cell.Wide>(widening: tape))
    }
  }

  /// hs (N,T,H), the final h (N,H) and, for a cell that carries it (LSTM), the final c.
  func outputs() -> (hs: NDArray, h: NDArray, c: NDArray?) {
    let (hs, h, own) = outputsBody()
    return (hs, h, own["c"])
  }

  /// The backward with upstream dhs (N,T,H) and the last step's dc (LSTM; nil = zeros):
  /// dxs (N,T,D), [dWx, dWh, db], and the gradients of the initial h and c.
  func backward(dhs: NDArray, dcLast: NDArray?) -> (
    dxs: NDArray, grads: [NDArray], dh: NDArray, dc: NDArray?
  ) {
    let result = backwardBody(dhs, dcLast.map { ["c": $0] } ?? [:])
    return (result.dxs, result.grads, result.dh, result.dOwn["c"])
  }

  /// The same run in float64, for a backward whose upstream gradient is float64.
  func widened() -> RecurrentRun { widenedBody() }
}

extension RecurrentTape {
  /// hs, the final h and the final value (N,H) of each of the cell's own states, by name.
  fileprivate func outputs() -> (hs: NDArray, h: NDArray, own: [String: NDArray]) {
    let own = cell.finalStates().mapValues { $0.array([n, h]) }
    return (hs().array([n, t, h]), hidden.last.copy(count: n * h).array([n, h]), own)
  }

  /// dxs, the grads, and the gradients (N,H) of the initial h and of the cell's own states.
  fileprivate func backward(dhs: NDArray, last: [String: NDArray]) -> (
    dxs: NDArray, grads: [NDArray], dh: NDArray, dOwn: [String: NDArray]
  ) {
    let g = backward(
      dhs: Buffer(converting: dhs), dhsIsFloat32: dhs.dtype == .float32,
      last: last.mapValues { Buffer(converting: $0) })
    let dh = hidden.gradient.copy(count: n * h).array([n, h])
    let dOwn = cell.initialStateGradients().mapValues { $0.array([n, h]) }
    let grads = [g.dWx.array([d, gh]), g.dWh.array([h, gh]), g.db.array([gh])]
    return (g.dxs.array([n, t, d]), grads, dh, dOwn)
  }
}

/// Starts a forward pass in the dtype `shapes` computed: the one switch from a runtime dtype
/// to a specialised tape. `Cell` is the float32 cell; its `Wide` runs float64.
func makeRecurrentRun<Cell: RecurrentCell>(
  _: Cell.Type, shapes: RecurrentShapes, xs: NDArray, params: [NDArray], state: [String: NDArray]
) -> RecurrentRun where Cell.Scalar == Float {
  func run<C: RecurrentCell>(_: C.Type) -> RecurrentRun {
    let tape = RecurrentTape<C>(
      shapes: shapes, xs: xs, wx: params[0], wh: params[1], b: params[2], state: state)
    tape.forward()
    return RecurrentRun(tape)
  }
  return shapes.dtype.byFloat(float: { run(Cell.self) }, double: { run(Cell.Wide.self) })
}

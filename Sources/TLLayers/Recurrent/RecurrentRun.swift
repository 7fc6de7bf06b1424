import TLArray

/// A ``RecurrentTape`` with its computation type hidden, so a layer can hold one whatever
/// dtype its inputs promote to. Arrays come back in the computation dtype; callers cast.
///
/// Closures rather than a protocol: they are made where the tape's types are concrete, so the
/// step loops they call are specialised (a generic class's protocol witnesses would not be).
struct RecurrentRun {
  /// The computation dtype of the cached values.
  let dtype: DType
  private let outputsBody: () -> (hs: NDArray, h: NDArray, c: NDArray?)
  private let backwardBody: (NDArray, NDArray?) -> (dxs: NDArray, grads: [NDArray], dh: NDArray, dc: NDArray?)
  private let widenedBody: () -> RecurrentRun

  init<Cell: RecurrentCell, T: LayerScalar>(_ tape: RecurrentTape<Cell, T>) {
    dtype = T.dtype
    outputsBody = { tape.outputs() }
    backwardBody = { tape.backward(dhs: $0, dcLast: $1) }
    widenedBody = {
      T.self == Double.self
        ? RecurrentRun(tape) : RecurrentRun(RecurrentTape<Cell, Double>(widening: tape))
    }
  }

  /// hs (N,T,H), the final h (N,H) and, for LSTM, the final c.
  func outputs() -> (hs: NDArray, h: NDArray, c: NDArray?) { outputsBody() }

  /// The backward with upstream dhs (N,T,H) and the last step's dc (LSTM; nil = zeros):
  /// dxs (N,T,D), [dWx, dWh, db], and the gradients of the initial h and c.
  func backward(dhs: NDArray, dcLast: NDArray?) -> (
    dxs: NDArray, grads: [NDArray], dh: NDArray, dc: NDArray?
  ) {
    backwardBody(dhs, dcLast)
  }

  /// The same run in float64, for a backward whose upstream gradient is float64.
  func widened() -> RecurrentRun { widenedBody() }
}

extension RecurrentTape {

  func outputs() -> (hs: NDArray, h: NDArray, c: NDArray?) {
    let final = Buffer<T>(zeros: n * h)
    final.p.update(from: hLast.p, count: n * h)
    var c: NDArray? = nil
    if Cell.hasMemory {
      let memory = Buffer<T>(zeros: n * h)
      memory.p.update(from: cLast.p, count: n * h)
      c = memory.array([n, h])
    }
    return (hs().array([n, t, h]), final.array([n, h]), c)
  }

  func backward(dhs: NDArray, dcLast: NDArray?) -> (
    dxs: NDArray, grads: [NDArray], dh: NDArray, dc: NDArray?
  ) {
    let g = backward(
      dhs: Buffer(converting: dhs), dhsIsFloat32: dhs.dtype == .float32,
      dcLast: dcLast.map { Buffer(converting: $0) })
    let dhCopy = Buffer<T>(zeros: n * h)
    dhCopy.p.update(from: dh.p, count: n * h)
    var dcCopy: NDArray? = nil
    if Cell.hasMemory {
      let copy = Buffer<T>(zeros: n * h)
      copy.p.update(from: dc.p, count: n * h)
      dcCopy = copy.array([n, h])
    }
    let grads = [g.dWx.array([d, gh]), g.dWh.array([h, gh]), g.db.array([gh])]
    return (g.dxs.array([n, t, d]), grads, dhCopy.array([n, h]), dcCopy)
  }
}

/// Starts a forward pass in the dtype `shapes` computed: the one switch from a runtime dtype
/// to a specialised tape.
func makeRecurrentRun<Cell: RecurrentCell>(
  _: Cell.Type, shapes: RecurrentShapes, xs: NDArray, params: [NDArray], h0: NDArray?, c0: NDArray?
) -> RecurrentRun {
  func run<T: LayerScalar>(_: T.Type) -> RecurrentRun {
    let tape = RecurrentTape<Cell, T>(
      shapes: shapes, xs: xs, wx: params[0], wh: params[1], b: params[2], h0: h0, c0: c0)
    tape.forward()
    return RecurrentRun(tape)
  }
  return shapes.dtype.byFloat(float: { run(Float.self) }, double: { run(Double.self) })
}

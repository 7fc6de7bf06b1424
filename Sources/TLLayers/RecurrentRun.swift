import TLArray

/// A ``RecurrentTape`` with its computation type hidden, so a layer can hold one whatever
/// dtype its inputs promote to. Arrays come back in the computation dtype; callers cast.
protocol RecurrentRun: AnyObject {
  /// hs (N,T,H), the final h (N,H) and, for LSTM, the final c.
  func outputs() -> (hs: NDArray, h: NDArray, c: NDArray?)
  /// The backward with upstream dhs (N,T,H) and the last step's dc (LSTM; nil = zeros):
  /// dxs (N,T,D), [dWx, dWh, db], and the gradients of the initial h and c.
  func backward(dhs: NDArray, dcLast: NDArray?) -> (dxs: NDArray, grads: [NDArray], dh: NDArray, dc: NDArray?)
  /// The computation dtype of the cached values.
  var dtype: DType { get }
  /// The same run in float64, for a backward whose upstream gradient is float64.
  func widened() -> any RecurrentRun
}

extension RecurrentTape: RecurrentRun {
  var dtype: DType { T.dtype }
  func widened() -> any RecurrentRun { RecurrentTape<Cell, Double>(widening: self) }

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

  func backward(dhs: NDArray, dcLast: NDArray?) -> (dxs: NDArray, grads: [NDArray], dh: NDArray, dc: NDArray?) {
    let g = backward(dhs: Buffer(converting: dhs), dhsIsFloat32: dhs.dtype == .float32, dcLast: dcLast.map { Buffer(converting: $0) })
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
) -> any RecurrentRun {
  func run<T: LayerScalar>(_: T.Type) -> any RecurrentRun {
    let tape = RecurrentTape<Cell, T>(shapes: shapes, xs: xs, wx: params[0], wh: params[1], b: params[2], h0: h0, c0: c0)
    tape.forward()
    return tape
  }
  return shapes.dtype.byFloat(float: { run(Float.self) }, double: { run(Double.self) })
}

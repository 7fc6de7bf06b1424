import TLArray
import TLKernels

/// Ports the book's single-step `RNN`, `LSTM` and `GRU` (common/time_layers.py): one step
/// with its own grads, the building block the time layers loop over.
///
/// forward(x (N,D), h_prev (N,H) [, c_prev (N,H) for LSTM]) → h_next [, c_next]; backward(dh_next
/// [, dc_next]) → (dx, dh_prev [, dc_prev]). Unlike the time layers nothing is forced to float32:
/// every result is in NumPy's promotion of the inputs, and grads [dWx, dWh, db] are in their
/// params' dtypes. It runs the time layers' tape with T = 1, so the math is shared.
public final class RecurrentStep {
  public let cell: RecurrentArchitecture
  public let paramNames = ["Wx", "Wh", "b"]
  public let params: [NDArray]
  public private(set) var grads: [NDArray]
  private var run: RecurrentRun?
  private var shapes: RecurrentShapes?

  public init(_ cell: RecurrentArchitecture, Wx: NDArray, Wh: NDArray, b: NDArray) {
    self.cell = cell
    params = [Wx, Wh, b]
    grads = params.map { NDArray(zeros: $0.dtype, shape: $0.shape) }
  }

  private func error(_ message: String) -> LayerError {
    LayerError(layer: "step", type: cell.stepTypeName, message)
  }

  /// h_next (and c_next for LSTM, which requires `cPrev`), in the computation dtype.
  public func forward(x: NDArray, hPrev: NDArray, cPrev: NDArray? = nil) throws -> (
    h: NDArray, c: NDArray?
  ) {
    guard x.rank == 2 else { throw error("expects x of shape (N,D), got \(spell(x.shape))") }
    guard (cPrev != nil) == (cell == .lstm) else {
      throw error(cell == .lstm ? "needs c_prev" : "takes no c_prev")
    }
    var state = ["h": ArraySignature(hPrev)]
    if let cPrev { state["c"] = ArraySignature(cPrev) }
    let xs = x.reshaped([x.shape[0], 1, x.shape[1]])
    let shapes = try RecurrentShapes(
      layer: "step", type: cell.stepTypeName, cell: cell,
      params: Dictionary(uniqueKeysWithValues: zip(paramNames, params)), xs: ArraySignature(xs),
      state: state)
    let run = cell.start(shapes: shapes, xs: xs, params: params, h0: hPrev, c0: cPrev)
    (self.run, self.shapes) = (run, shapes)
    let outputs = run.outputs()
    return (outputs.h, outputs.c)
  }

  /// (dx, dh_prev, dc_prev for LSTM); `dcNext` is LSTM's and defaults to zeros.
  public func backward(dhNext: NDArray, dcNext: NDArray? = nil) throws -> (
    dx: NDArray, dhPrev: NDArray, dcPrev: NDArray?
  ) {
    guard let run, let shapes else {
      preconditionFailure("\(cell.stepTypeName): backward before forward")
    }
    guard cell == .lstm || dcNext == nil else { throw error("takes no dc_next") }
    var dtype = run.dtype
    for (name, gradient) in [("dh_next", dhNext), ("dc_next", dcNext ?? dhNext)] {
      guard gradient.shape == [shapes.n, shapes.h], gradient.dtype.isLayerFloat else {
        throw error(
          "expects \(name) of shape (N,H) = \(spell([shapes.n, shapes.h])), got \(gradient.dtype) \(spell(gradient.shape))"
        )
      }
      dtype = DType.promote(dtype, gradient.dtype)
    }
    let result = (dtype == run.dtype ? run : run.widened())
      .backward(
        dhs: dhNext.reshaped([shapes.n, 1, shapes.h]), dcLast: cell == .lstm ? dcNext : nil)
    grads = zip(result.grads, params).map { $0.astype($1.dtype) }
    return (result.dxs.reshaped([shapes.n, shapes.d]), result.dh, result.dc)
  }
}

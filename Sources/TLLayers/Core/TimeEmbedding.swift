import TLArray
import TLKernels

/// Ports the book's `TimeEmbedding` (common/time_layers.py): xs (N,T) ids → out (N,T,D).
///
/// out is a **float32** buffer whatever W's dtype (`np.empty(..., dtype='f')`, docs/layers.md §5.5;
/// ``LayerBuffers``).
/// Backward returns nil and sets dW (V,D) = Σ over (n,t) with xs[n,t] = v of dout[n,t], summed
/// in the book's order: within each t sequentially over n, then across t. dW says which rows
/// the ids touched (``TLArray/NDArray/nonzeroRows``): only those take memory, and a `.npy` of it
/// stores the others as holes.
public final class TimeEmbedding: Layer {
  public let typeName = "TimeEmbedding"
  public let paramNames = ["W"]
  public let W: NDArray
  public private(set) var grads: [NDArray]
  public var params: [NDArray] { [W] }
  private let check: LayerCheck
  /// The wrapped row of each id, in (n,t) C order, and N, T.
  private var ids: (rows: [Int], n: Int, t: Int)?

  /// Takes W (V,D) of float32 or float64; throws for anything else.
  public init(W: NDArray, name: String = "time_embedding") throws {
    check = LayerCheck(layer: name, type: typeName)
    _ = try Self.infer(W: ArraySignature(W), xs: nil, check: check)
    self.W = W
    grads = [NDArray(zeros: W.dtype, shape: W.shape)]
  }

  /// Checks W (V,D) and (when given) xs: (N,T) of an integer dtype.
  static func infer(W: ArraySignature, xs: ArraySignature?, check: LayerCheck) throws
    -> ArraySignature?
  {
    try check.float("W", W.dtype)
    try check.shape("W", W.shape, ["V", "D"])
    guard let xs else { return nil }
    try check.shape("xs", xs.shape, ["N", "T"])
    try check.integer("xs", xs.dtype)
    return ArraySignature(shape: xs.shape + [W.shape[1]], dtype: LayerBuffers.float)
  }

  public func forward(_ xs: NDArray) throws -> NDArray {
    _ = try Self.infer(W: ArraySignature(W), xs: ArraySignature(xs), check: check)
    let rows = try Kernel.rowIndices(
      xs, rows: W.shape[0], layer: check.layer, type: typeName, what: "xs")
    ids = (rows, xs.shape[0], xs.shape[1])
    let d = W.shape[1]
    var out = NDArray(zeros: LayerBuffers.float, shape: xs.shape + [d])
    out.dtype.byFloat(
      float: { Self.gather(W, rows, into: &out, Float.self) }, double: { Self.gather(W, rows, into: &out, Double.self) }
    )
    return out
  }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    guard let ids else { preconditionFailure("\(typeName).backward before forward") }
    try check.shape("dout", dout.shape, [.size(ids.n), .size(ids.t), .size(W.shape[1])])
    try check.float("dout", dout.dtype)
    let touched = Kernel.distinctRows(ids.rows, of: W.shape[0])
    var dW = Kernel.zeros(W.dtype, shape: W.shape, faultingInRows: touched)
    dout.dtype.byFloat(
      float: { accumulate(dout, Float.self, ids, into: &dW) },
      double: { accumulate(dout, Double.self, ids, into: &dW) })
    grads[0] = dW.withNonzeroRows(touched)
    return nil
  }

  private func accumulate<S: LayerScalar>(
    _ dout: NDArray, _: S.Type, _ ids: (rows: [Int], n: Int, t: Int), into dW: inout NDArray
  ) {
    W.dtype.byFloat(
      float: { Self.accumulate(dout, S.self, ids, into: &dW, Float.self) },
      double: { Self.accumulate(dout, S.self, ids, into: &dW, Double.self) })
  }

  /// For each t: scatter-add dout[:,t,:] into a zeroed step buffer (in W's dtype, like the
  /// book's per-step Embedding), then add the touched rows into the total and re-zero them.
  /// The step buffer holds only the ≤ N distinct rows of one step (a slot per row) instead of
  /// the book's T buffers of V×D; the additions and their roundings are the same.
  private static func accumulate<S: LayerScalar, A: LayerScalar>(
    _ dout: NDArray, _: S.Type, _ ids: (rows: [Int], n: Int, t: Int), into dW: inout NDArray,
    _: A.Type
  ) {
    let (v, d) = (dW.shape[0], dW.shape[1])
    var step = [A](repeating: 0, count: ids.n * d)
    var slotOfRow = [Int](repeating: -1, count: v)
    var slots = [Int](repeating: 0, count: ids.n)  // ids[:, t] as slots of the step buffer
    var touched: [Int] = []  // the distinct rows of step t, in slot order
    touched.reserveCapacity(ids.n)
    dout.withUnsafeBufferPointer(of: S.self) { src in
      dW.withUnsafeMutableBufferPointer(of: A.self) { total in
        step.withUnsafeMutableBufferPointer { stepBuffer in
          guard let base = src.baseAddress, let stepBase = stepBuffer.baseAddress else { return }
          let stepMatrix = MutableMatrix(stepBase, rows: ids.n, cols: d)
          for t in 0..<ids.t {
            for n in 0..<ids.n {
              let row = ids.rows[n * ids.t + t]
              if slotOfRow[row] < 0 {
                slotOfRow[row] = touched.count
                touched.append(row)
              }
              slots[n] = slotOfRow[row]
            }
            Kernel.scatterAddRows(
              Matrix(base + t * d, rows: ids.n, cols: d, ld: ids.t * d), slots, into: stepMatrix)
            for (slot, row) in touched.enumerated() {
              for j in 0..<d {
                total[row * d + j] += stepBuffer[slot * d + j]
                stepBuffer[slot * d + j] = 0
              }
              slotOfRow[row] = -1
            }
            touched.removeAll(keepingCapacity: true)
          }
        }
      }
    }
  }
}

extension LayerKind {
  /// TimeEmbedding: param W (V,D); xs (N,T) integer ids.
  static let timeEmbedding = LayerKind.core(
    "TimeEmbedding", params: ["W"],
    infer: { config, xs, check in
      try check.required(
        TimeEmbedding.infer(W: ArraySignature(check.param(config, "W")), xs: xs, check: check))
    },
    make: { config, check in try TimeEmbedding(W: check.param(config, "W"), name: config.name) })
}

extension TimeEmbedding {
  /// out[k, :] = W[rows[k], :] rounded to Out (the rows of out in (n,t) order).
  fileprivate static func gather<Out: LayerScalar>(_ W: NDArray, _ rows: [Int], into out: inout NDArray, _: Out.Type) {
    let (v, d) = (W.shape[0], W.shape[1])
    out.withUnsafeMutableBufferPointer(of: Out.self) { dst in
      let target = MutableMatrix(dst, rows: rows.count, cols: d)
      W.dtype.byFloat(
        float: {
          W.withUnsafeBufferPointer(of: Float.self) {
            Kernel.gatherRows(Matrix($0, rows: v, cols: d), rows, into: target)
          }
        },
        double: {
          W.withUnsafeBufferPointer(of: Double.self) {
            Kernel.gatherRows(Matrix($0, rows: v, cols: d), rows, into: target)
          }
        })
    }
  }
}

import TLArray
import TLKernels

/// Ports the book's `SigmoidWithLoss` (common/layers.py): y = σ(x) for scores x (B,), and
/// L = −(1/B) Σ_b log(p_b + 1e-7) with p_b = y_b for label 1 and 1 − y_b for label 0.
///
/// ts (B,) are integer labels in [−1, 2) (−1 indexes the last column, y, as in NumPy). The loss
/// is 0-d in x's dtype (NumPy 2); dx = (y − t)·dout/B in **promote(x, ts)**: float64 for int32
/// or int64 labels (docs/layers.md §4.6).
public final class SigmoidWithLoss: Layer {
  public let typeName = "SigmoidWithLoss"
  public let paramNames: [String] = []
  public let params: [NDArray] = []
  public let grads: [NDArray] = []
  public let ts: NDArray
  private let check: LayerCheck
  private var y: NDArray?

  public init(ts: NDArray, name: String = "sigmoid_with_loss") {
    self.ts = ts
    check = LayerCheck(layer: name, type: typeName)
  }

  /// Checks x (B,) and ts (B,) with labels in [−1, 2); returns the 0-d loss signature.
  static func infer(x: ArraySignature, ts: NDArray, check: LayerCheck) throws -> ArraySignature {
    try check.shape("x", x.shape, ["B"])
    try check.float("x", x.dtype)
    guard x.shape[0] > 0 else {  // cross_entropy_error's t.argmax(axis=1) of 1-d labels raises
      throw check.error(
        "x of shape \(spell(x.shape)) has B = 0 rows: the book's cross_entropy_error cannot take an empty batch (NumPy raises)"
      )
    }
    try check.shape("ts", ts.shape, x.shape.map { .size($0) })
    _ = try Kernel.labels(ts, classes: 2, check: check)
    _ = try check.promotedFloat("y − t", x.dtype, ts.dtype)
    return ArraySignature(shape: [], dtype: x.dtype)
  }

  public func forward(_ x: NDArray) throws -> NDArray {
    _ = try Self.infer(x: ArraySignature(x), ts: ts, check: check)
    let labels = try Kernel.labels(ts, classes: 2, check: check)
    var y = x
    x.dtype.byFloat(
      float: { Sigmoid.sigmoid(&y, Float.self) }, double: { Sigmoid.sigmoid(&y, Double.self) })
    self.y = y
    return x.dtype.byFloat(
      float: { NDArray(scalar: Self.loss(y, labels, column: 0, of: 1, Float.self)) },
      double: { NDArray(scalar: Self.loss(y, labels, column: 0, of: 1, Double.self)) })
  }

  /// The loss of column `column` of (B, columns) sigmoids y with labels in the same layout:
  /// −Σ_b log(p_b + 1e-7) / B, the sum pairwise over the gathered p as `np.sum` does it.
  static func loss<T: LayerScalar>(
    _ y: NDArray, _ labels: [Int], column: Int, of columns: Int, _: T.Type
  ) -> T {
    var scratch = [T](repeating: 0, count: labels.count / max(columns, 1))
    return loss(y, labels, column: column, of: columns, scratch: &scratch)
  }

  /// ``loss(_:_:column:of:_:)`` gathering p into `scratch` (B elements), reused across columns.
  static func loss<T: LayerScalar>(
    _ y: NDArray, _ labels: [Int], column: Int, of columns: Int, scratch: inout [T]
  ) -> T {
    let batch = scratch.count
    y.withUnsafeBufferPointer(of: T.self) { p in
      for b in 0..<batch {
        let k = b * columns + column
        // Label −1 indexes the last column, y, like label 1.
        scratch[b] = T.log((labels[k] == 0 ? 1 - p[k] : p[k]) + T(1e-7))
      }
    }
    return -scratch.withUnsafeBufferPointer { Kernel.sumAll($0) } / T(batch)
  }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    guard let y else { preconditionFailure("\(typeName).backward before forward") }
    let scale = try check.scalarDout(dout)
    let labels = try Kernel.labels(ts, classes: 2, check: check)
    return Self.gradient(
      y, labels, dtype: DType.promote(y.dtype, ts.dtype), scale: scale, batch: labels.count)
  }

  /// (y − t)·dout/batch for every element, in `dtype` (promote(y, ts)), as a new array.
  static func gradient(_ y: NDArray, _ labels: [Int], dtype: DType, scale: Double, batch: Int)
    -> NDArray
  {
    var dx = y.astype(dtype)
    dtype.byFloat(
      float: { gradient(&dx, labels, Float(scale), Float(batch)) },
      double: { gradient(&dx, labels, scale, Double(batch)) })
    return dx
  }

  private static func gradient<T: LayerScalar>(
    _ dx: inout NDArray, _ labels: [Int], _ scale: T, _ batch: T
  ) {
    dx.withUnsafeMutableBufferPointer(of: T.self) { p in
      for i in p.indices { p[i] = (p[i] - T(labels[i])) * scale / batch }
    }
  }
}

extension LayerKind {
  /// SigmoidWithLoss: no params; x (B,) scores; input ts (B,) integer 0/1 labels.
  static let sigmoidWithLoss = LayerKind.core(
    "SigmoidWithLoss", inputs: ["ts"], loss: true,
    infer: { config, x, check in
      try SigmoidWithLoss.infer(x: x, ts: check.input(config, "ts"), check: check)
    },
    make: { config, check in try SigmoidWithLoss(ts: check.input(config, "ts"), name: config.name) }
  )
}

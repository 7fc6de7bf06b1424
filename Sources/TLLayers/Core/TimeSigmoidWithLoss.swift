import TLArray
import TLKernels

/// Ports the book's `TimeSigmoidWithLoss` (common/time_layers.py): a SigmoidWithLoss per column
/// t of scores xs (N,T) with integer 0/1 labels ts (N,T); loss = (1/T) Σ_t loss_t.
///
/// The loss is 0-d in xs's dtype (NumPy 2), accumulated over t in that dtype. backward: dout is
/// scaled by 1/T (as a Python float), each column's (y − t)·dout/N is computed in promote(xs, ts)
/// and written into a **float32** buffer (docs/layers.md §5.10).
public final class TimeSigmoidWithLoss: Layer {
  public let typeName = "TimeSigmoidWithLoss"
  public let paramNames: [String] = []
  public let params: [NDArray] = []
  public let grads: [NDArray] = []
  public let ts: NDArray
  private let check: LayerCheck
  private var y: NDArray?

  public init(ts: NDArray, name: String = "time_sigmoid_with_loss") {
    self.ts = ts
    check = LayerCheck(layer: name, type: typeName)
  }

  /// Checks xs (N,T) and ts (N,T) with labels in [−1, 2); returns the 0-d loss signature.
  static func infer(xs: ArraySignature, ts: NDArray, check: LayerCheck) throws -> ArraySignature {
    try check.shape("xs", xs.shape, ["N", "T"])
    try check.float("xs", xs.dtype)
    guard xs.shape[1] > 0 else {  // the book's loss / T is Python's 0 / 0
      throw check.error(
        "xs of shape \(spell(xs.shape)) has T = 0 steps: the book's loss / T divides by zero (Python raises)")
    }
    guard xs.shape[0] > 0 else {  // SigmoidWithLoss's cross_entropy_error of an empty batch
      throw check.error(
        "xs of shape \(spell(xs.shape)) has N = 0 rows: the book's cross_entropy_error cannot take an empty batch (NumPy raises)"
      )
    }
    try check.shape("ts", ts.shape, xs.shape.map { .size($0) })
    _ = try Kernel.labels(ts, classes: 2, check: check)
    _ = try check.promotedFloat("y − t", xs.dtype, ts.dtype)
    return ArraySignature(shape: [], dtype: xs.dtype)
  }

  public func forward(_ xs: NDArray) throws -> NDArray {
    _ = try Self.infer(xs: ArraySignature(xs), ts: ts, check: check)
    let labels = try Kernel.labels(ts, classes: 2, check: check)
    var y = xs
    xs.dtype.byFloat(
      float: { Sigmoid.sigmoid(&y, Float.self) }, double: { Sigmoid.sigmoid(&y, Double.self) })
    self.y = y
    return xs.dtype.byFloat(
      float: { NDArray(scalar: Self.loss(y, labels, Float.self)) },
      double: { NDArray(scalar: Self.loss(y, labels, Double.self)) })
  }

  /// (Σ_t loss_t) / T, summed over t in order in T, like the book's `loss += …; loss / T`.
  private static func loss<T: LayerScalar>(_ y: NDArray, _ labels: [Int], _: T.Type) -> T {
    let steps = y.shape[1]
    var total: T = 0
    var scratch = [T](repeating: 0, count: y.shape[0])
    for t in 0..<steps {
      total += SigmoidWithLoss.loss(y, labels, column: t, of: steps, scratch: &scratch)
    }
    return total / T(steps)
  }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    guard let y else { preconditionFailure("\(typeName).backward before forward") }
    let (n, steps) = (y.shape[0], y.shape[1])
    let scale = try check.scalarDout(dout) * (1 / Double(steps))  // `dout *= 1/T` in Python floats
    let labels = try Kernel.labels(ts, classes: 2, check: check)
    let dx = SigmoidWithLoss.gradient(
      y, labels, dtype: DType.promote(y.dtype, ts.dtype), scale: scale, batch: n)
    return dx.astype(Float.self)  // `dxs = np.empty(..., dtype='f')`
  }
}

extension LayerKind {
  /// TimeSigmoidWithLoss: no params; xs (N,T) scores; input ts (N,T) integer 0/1 labels.
  static let timeSigmoidWithLoss = LayerKind.core(
    "TimeSigmoidWithLoss", inputs: ["ts"], loss: true,
    infer: { config, xs, check in
      try TimeSigmoidWithLoss.infer(xs: xs, ts: check.input(config, "ts"), check: check)
    },
    make: { config, check in
      try TimeSigmoidWithLoss(ts: check.input(config, "ts"), name: config.name)
    })
}

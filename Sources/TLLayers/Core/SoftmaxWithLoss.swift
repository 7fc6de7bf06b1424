import TLArray
import TLKernels

/// Ports the book's `SoftmaxWithLoss` (common/layers.py): softmax of x (B,C), then
/// cross_entropy_error with its +1e-7: L = −(1/B) Σ_b log(y[b, t_b] + 1e-7).
///
/// ts (B,) holds integer labels in [−1, C) (−1 picks the last class, as NumPy indexing does) or
/// is one-hot (B,C). The loss is 0-d in x's dtype (NumPy 2). backward(dout) = (y − onehot)·dout/B
/// in x's dtype, dout acting as a Python float.
public final class SoftmaxWithLoss: Layer {
  public let typeName = "SoftmaxWithLoss"
  public let paramNames: [String] = []
  public let params: [NDArray] = []
  public let grads: [NDArray] = []
  public let ts: NDArray
  private let check: LayerCheck
  private var cache: (y: NDArray, labels: [Int])?

  public init(ts: NDArray, name: String = "softmax_with_loss") {
    self.ts = ts
    check = LayerCheck(layer: name, type: typeName)
  }

  /// Checks x (B,C) and the labels; returns the 0-d loss signature.
  static func infer(x: ArraySignature, ts: NDArray, check: LayerCheck) throws -> ArraySignature {
    try check.shape("x", x.shape, ["B", "C"])
    try check.float("x", x.dtype)
    guard x.shape[0] > 0 else {  // cross_entropy_error's t.argmax(axis=1) of 1-d labels raises
      throw check.error(
        "x of shape \(spell(x.shape)) has B = 0 rows: the book's cross_entropy_error cannot take an empty batch (NumPy raises)"
      )
    }
    try Softmax.checkClasses("x", x.shape, check: check)
    _ = try Kernel.softmaxLabels(ts, scores: x.shape, check: check)
    return ArraySignature(shape: [], dtype: x.dtype)
  }

  public func forward(_ x: NDArray) throws -> NDArray {
    _ = try Self.infer(x: ArraySignature(x), ts: ts, check: check)
    let labels = try Kernel.softmaxLabels(ts, scores: x.shape, check: check)
    var y = x
    x.dtype.byFloat(
      float: { Softmax.softmax(&y, Float.self) }, double: { Softmax.softmax(&y, Double.self) })
    cache = (y, labels)
    return x.dtype.byFloat(
      float: { NDArray(scalar: Self.loss(y, labels, Float.self)) },
      double: { NDArray(scalar: Self.loss(y, labels, Double.self)) })
  }

  /// −Σ_b log(y[b, t_b] + 1e-7) / B, the sum pairwise as `np.sum` does it.
  private static func loss<T: LayerScalar>(_ y: NDArray, _ labels: [Int], _: T.Type) -> T {
    let cols = y.shape[1]
    let picked = y.withUnsafeBufferPointer(of: T.self) { p in
      labels.enumerated().map { b, t in T.log(p[b * cols + (t < 0 ? t + cols : t)] + T(1e-7)) }
    }
    return -picked.withUnsafeBufferPointer { Kernel.sumAll($0) } / T(labels.count)
  }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    guard let cache else { preconditionFailure("\(typeName).backward before forward") }
    let scale = try check.scalarDout(dout)
    var dx = cache.y
    dx.dtype.byFloat(
      float: { Self.gradient(&dx, cache.labels, scale, Float.self) },
      double: { Self.gradient(&dx, cache.labels, scale, Double.self) })
    return dx
  }

  /// dx ← ((y − onehot(t)) · dout) / B, in place on a copy of y.
  private static func gradient<T: LayerScalar>(
    _ dx: inout NDArray, _ labels: [Int], _ dout: Double, _: T.Type
  ) {
    let cols = dx.shape[1]
    let batch = T(labels.count)
    let scale = T(dout)
    dx.withUnsafeMutableBufferPointer(of: T.self) { p in
      for (b, t) in labels.enumerated() { p[b * cols + (t < 0 ? t + cols : t)] -= 1 }
      for i in p.indices { p[i] = p[i] * scale / batch }
    }
  }
}

extension LayerKind {
  /// SoftmaxWithLoss: no params; x (B,C); input ts (B,) labels or (B,C) one-hot.
  static let softmaxWithLoss = LayerKind.core(
    "SoftmaxWithLoss", inputs: ["ts"], loss: true,
    infer: { config, x, check in
      try SoftmaxWithLoss.infer(x: x, ts: check.input(config, "ts"), check: check)
    },
    make: { config, check in try SoftmaxWithLoss(ts: check.input(config, "ts"), name: config.name) }
  )
}

import TLArray

/// Ports the book's `TimeAffine` (common/time_layers.py): one Affine over all N·T rows at once.
///
/// xs (N,T,D) · W (D,M) + b (M,) → (N,T,M), in promote(promote(xs, W), b): nothing is forced to
/// float32. Backward: dx (N,T,D) in promote(dout, W), not x's dtype (layers.md §5.6).
public final class TimeAffine: Layer {
  public let typeName = "TimeAffine"
  public let paramNames = ["W", "b"]
  public let W: NDArray
  public let b: NDArray
  public private(set) var grads: [NDArray]
  public var params: [NDArray] { [W, b] }
  private let check: LayerCheck
  private var x: NDArray?

  /// Takes W (D,M) and b (M,) of float32 or float64; throws for anything else.
  public init(W: NDArray, b: NDArray, name: String = "time_affine") throws {
    check = LayerCheck(layer: name, type: typeName)
    _ = try Self.infer(W: ArraySignature(W), b: ArraySignature(b), x: nil, check: check)
    self.W = W
    self.b = b
    grads = [NDArray(zeros: W.dtype, shape: W.shape), NDArray(zeros: b.dtype, shape: b.shape)]
  }

  /// Checks W, b and (when given) x; returns the signature of the output.
  static func infer(W: ArraySignature, b: ArraySignature, x: ArraySignature?, check: LayerCheck) throws
    -> ArraySignature?
  {
    try check.float("W", W.dtype)
    try check.float("b", b.dtype)
    try check.shape("W", W.shape, ["D", "M"])
    try check.shape("b", b.shape, [.size(W.shape[1])])
    guard let x else { return nil }
    try check.shape("x", x.shape, ["N", "T", .size(W.shape[0])])
    let product = try check.promotedFloat("x·W", x.dtype, W.dtype)
    return ArraySignature(shape: x.shape.dropLast() + [W.shape[1]], dtype: DType.promote(product, b.dtype))
  }

  public func forward(_ x: NDArray) throws -> NDArray {
    _ = try Self.infer(W: ArraySignature(W), b: ArraySignature(b), x: ArraySignature(x), check: check)
    let (n, t, d) = (x.shape[0], x.shape[1], x.shape[2])
    self.x = x
    return Kernel.affineForward(x.reshaped([n * t, d]), W, b).reshaped([n, t, W.shape[1]])
  }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    guard let x else { preconditionFailure("\(typeName).backward before forward") }
    let (n, t, d) = (x.shape[0], x.shape[1], x.shape[2])
    try check.shape("dout", dout.shape, [.size(n), .size(t), .size(W.shape[1])])
    try check.float("dout", dout.dtype)
    let (dx, dW, db) = Kernel.affineBackward(
      x.reshaped([n * t, d]), W, b, dout.reshaped([n * t, W.shape[1]]))
    grads[0] = dW
    grads[1] = db ?? grads[1]
    return dx.reshaped(x.shape)
  }
}

extension LayerKind {
  /// TimeAffine: params W (D,M), b (M,); x (N,T,D).
  static let timeAffine = LayerKind.core(
    "TimeAffine", params: ["W", "b"],
    infer: { config, x, check in
      let W = try check.param(config, "W"), b = try check.param(config, "b")
      let out = try TimeAffine.infer(W: ArraySignature(W), b: ArraySignature(b), x: x, check: check)
      return try check.required(out)
    },
    make: { config, check in
      try TimeAffine(W: check.param(config, "W"), b: check.param(config, "b"), name: config.name)
    })
}

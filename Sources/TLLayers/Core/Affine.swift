import TLArray
import TLKernels

/// Ports the book's `Affine` (common/layers.py): x (N,D) · W (D,M) + b (M,) → (N,M).
///
/// The product is in promote(x, W) and the bias add in promote(product, b); backward gives
/// dx = dout·Wᵀ, dW = xᵀ·dout, db = Σ_rows dout, grads cast to their params' dtypes.
public final class Affine: Layer {
  public let typeName = "Affine"
  public let paramNames = ["W", "b"]
  public let W: NDArray
  public let b: NDArray
  /// dW and db; dW may still be filling (``finishGradients()``).
  private var storedGrads: [NDArray]
  /// The product still filling dW, left for the layer below's time loop to take blocks of.
  private var pendingGrad: DeferredProduct?
  public var grads: [NDArray] {
    _ = finishGradients()
    return storedGrads
  }
  public var params: [NDArray] { [W, b] }
  private let check: LayerCheck
  private var x: NDArray?

  /// Takes W (D,M) and b (M,) of float32 or float64; throws for anything else.
  public init(W: NDArray, b: NDArray, name: String = "affine") throws {
    check = LayerCheck(layer: name, type: typeName)
    _ = try Self.infer(W: ArraySignature(W), b: ArraySignature(b), x: nil, check: check)
    self.W = W
    self.b = b
    storedGrads = [NDArray(zeros: W.dtype, shape: W.shape), NDArray(zeros: b.dtype, shape: b.shape)]
  }

  /// Checks W, b and (when given) x (N,D); returns the output's signature.
  static func infer(W: ArraySignature, b: ArraySignature, x: ArraySignature?, check: LayerCheck)
    throws
    -> ArraySignature?
  {
    try check.float("W", W.dtype)
    try check.float("b", b.dtype)
    try check.shape("W", W.shape, ["D", "M"])
    try check.shape("b", b.shape, ["M"], [W.shape[1]], from: "W", W.shape)
    guard let x else { return nil }
    try check.input("x", x.shape, ["N", "D"], fits: "W", W.shape, ["D", "M"])
    let product = try check.promotedFloat("x·W", x.dtype, W.dtype)
    return ArraySignature(shape: [x.shape[0], W.shape[1]], dtype: DType.promote(product, b.dtype))
  }

  public func forward(_ x: NDArray) throws -> NDArray {
    _ = try Self.infer(
      W: ArraySignature(W), b: ArraySignature(b), x: ArraySignature(x), check: check)
    self.x = x
    return Kernel.affineForward(x, W, b)
  }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    guard let x else { preconditionFailure("\(typeName).backward before forward") }
    try check.shape("dout", dout.shape, [.size(x.shape[0]), .size(W.shape[1])])
    try check.float("dout", dout.dtype)
    _ = finishGradients()  // the previous backward's, before its dW is replaced
    let (dx, dW, db, pending) = Kernel.affineBackwardDeferringWeights(x, W, b, dout)
    storedGrads[0] = dW
    storedGrads[1] = db ?? storedGrads[1]
    pendingGrad = pending
    return dx
  }

  /// dW = xᵀ·dout is left, when large (float32, M ≥ 2048 wide), to be computed beside the
  /// backward of the layer below (a recurrent layer's time loop takes blocks of it) and finished
  /// here or when ``grads`` is read (``DeferredProduct``: blocks fixed by M, so the bits do not
  /// depend on timing). Like the rest of a layer, not for use from two threads at once.
  public func finishGradients() -> Bool {
    guard let pending = pendingGrad else { return false }
    pendingGrad = nil
    pending.finish()
    return true
  }
}

extension LayerKind {
  /// Affine: params W (D,M), b (M,); x (N,D).
  static let affine = LayerKind.core(
    "Affine", params: ["W", "b"],
    infer: { config, x, check in
      let W = try check.param(config, "W")
      let b = try check.param(config, "b")
      return try check.required(
        Affine.infer(W: ArraySignature(W), b: ArraySignature(b), x: x, check: check))
    },
    make: { config, check in
      try Affine(W: check.param(config, "W"), b: check.param(config, "b"), name: config.name)
    })
}

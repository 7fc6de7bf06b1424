import TLArray
import TLKernels

/// Ports the book's `MatMul` (common/layers.py): x (N,D) · W (D,H) → (N,H), no bias.
///
/// The dtype follows promotion, so SimpleCBOW's int32 one-hot rows times float32 W give float64
/// (docs/layers.md §4.1). Backward: dW = xᵀ·dout (cast to W's dtype), dx = dout·Wᵀ.
public final class MatMul: Layer {
  public let typeName = "MatMul"
  public let paramNames = ["W"]
  public let W: NDArray
  public private(set) var grads: [NDArray]
  public var params: [NDArray] { [W] }
  private let check: LayerCheck
  private var x: NDArray?

  /// Takes W (D,H) of float32 or float64; throws for anything else.
  public init(W: NDArray, name: String = "mat_mul") throws {
    check = LayerCheck(layer: name, type: typeName)
    _ = try Self.infer(W: ArraySignature(W), x: nil, check: check)
    self.W = W
    grads = [NDArray(zeros: W.dtype, shape: W.shape)]
  }

  /// Checks W and (when given) x (N,D), which may be integer one-hot rows.
  static func infer(W: ArraySignature, x: ArraySignature?, check: LayerCheck) throws
    -> ArraySignature?
  {
    try check.float("W", W.dtype)
    try check.shape("W", W.shape, ["D", "H"])
    guard let x else { return nil }
    try check.input("x", x.shape, ["N", "D"], fits: "W", W.shape, ["D", "H"])
    let dtype = try check.promotedFloat("x·W", x.dtype, W.dtype)
    return ArraySignature(shape: [x.shape[0], W.shape[1]], dtype: dtype)
  }

  public func forward(_ x: NDArray) throws -> NDArray {
    _ = try Self.infer(W: ArraySignature(W), x: ArraySignature(x), check: check)
    self.x = x
    return Kernel.affineForward(x, W, nil)
  }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    guard let x else { preconditionFailure("\(typeName).backward before forward") }
    try check.shape("dout", dout.shape, [.size(x.shape[0]), .size(W.shape[1])])
    try check.float("dout", dout.dtype)
    _ = try check.promotedFloat("xᵀ·dout", x.dtype, dout.dtype)
    let (dx, dW, _) = Kernel.affineBackward(x, W, nil, dout)
    grads[0] = dW
    return dx
  }
}

extension LayerKind {
  /// MatMul: param W (D,H); x (N,D).
  static let matMul = LayerKind.core(
    "MatMul", params: ["W"],
    infer: { config, x, check in
      try check.required(
        MatMul.infer(W: ArraySignature(check.param(config, "W")), x: x, check: check))
    },
    make: { config, check in try MatMul(W: check.param(config, "W"), name: config.name) })
}

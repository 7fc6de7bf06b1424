import TLArray

/// Ports the book's `TimeAffine` (common/time_layers.py): one ``Affine`` over all N·T rows.
///
/// xs (N,T,D) · W (D,M) + b (M,) → (N,T,M), in promote(promote(xs, W), b): nothing is forced to
/// float32. Backward: dx (N,T,D) in promote(dout, W), not x's dtype (docs/layers.md §5.6). As in the
/// book, it is the plain Affine on reshaped views, so there is one GEMM per pass.
public final class TimeAffine: Layer {
  public let typeName = "TimeAffine"
  public var paramNames: [String] { affine.paramNames }
  public var params: [NDArray] { affine.params }
  public var grads: [NDArray] { affine.grads }
  private let affine: Affine
  private let check: LayerCheck
  private var xShape: [Int]?

  /// Takes W (D,M) and b (M,) of float32 or float64; throws for anything else.
  public init(W: NDArray, b: NDArray, name: String = "time_affine") throws {
    check = LayerCheck(layer: name, type: typeName)
    _ = try Self.infer(W: ArraySignature(W), b: ArraySignature(b), x: nil, check: check)
    affine = try Affine(W: W, b: b, name: name)
  }

  /// Checks W, b and (when given) xs (N,T,D); returns the signature of the output.
  static func infer(W: ArraySignature, b: ArraySignature, x: ArraySignature?, check: LayerCheck)
    throws -> ArraySignature?
  {
    _ = try Affine.infer(W: W, b: b, x: nil, check: check)  // W is (D,M) from here on
    guard let x else { return nil }
    try check.input("x", x.shape, ["N", "T", "D"], fits: "W", W.shape, ["D", "M"])
    guard x.shape[0] * x.shape[1] > 0 else {  // np.reshape(0-size, (0, -1)) raises
      throw check.error(
        "x of shape \(spell(x.shape)) has N·T = 0 rows: the book's x.reshape(N*T, -1) cannot infer D (NumPy raises)")
    }
    let rows = ArraySignature(shape: [x.shape[0] * x.shape[1], x.shape[2]], dtype: x.dtype)
    let out = try Affine.infer(W: W, b: b, x: rows, check: check)
    return out.map { ArraySignature(shape: [x.shape[0], x.shape[1], $0.shape[1]], dtype: $0.dtype) }
  }

  public func forward(_ x: NDArray) throws -> NDArray {
    let W = affine.W
    _ = try Self.infer(W: ArraySignature(W), b: ArraySignature(affine.b), x: ArraySignature(x), check: check)
    let (n, t, d) = (x.shape[0], x.shape[1], x.shape[2])
    xShape = x.shape
    return try affine.forward(x.reshaped([n * t, d])).reshaped([n, t, W.shape[1]])
  }

  public func finishGradients() -> Bool { affine.finishGradients() }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    guard let xShape else { preconditionFailure("\(typeName).backward before forward") }
    let (n, t, m) = (xShape[0], xShape[1], affine.W.shape[1])
    try check.shape("dout", dout.shape, [.size(n), .size(t), .size(m)])
    return try affine.backward(dout.reshaped([n * t, m]))?.reshaped(xShape)
  }
}

extension LayerKind {
  /// TimeAffine: params W (D,M), b (M,); x (N,T,D).
  static let timeAffine = LayerKind.core(
    "TimeAffine", params: ["W", "b"],
    infer: { config, x, check in
      let W = try check.param(config, "W")
      let b = try check.param(config, "b")
      let out = try TimeAffine.infer(W: ArraySignature(W), b: ArraySignature(b), x: x, check: check)
      return try check.required(out)
    },
    make: { config, check in
      try TimeAffine(W: check.param(config, "W"), b: check.param(config, "b"), name: config.name)
    })
}

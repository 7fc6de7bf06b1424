import TLArray
import TLKernels

/// Ports the book's `Sigmoid` layer (common/layers.py): out = 1/(1+e^(−x)), any shape.
///
/// backward: dx = dout ⊙ (1 − out) ⊙ out, with (1 − out) in out's dtype and the products in
/// promote(dout, out), as NumPy evaluates it left to right.
public final class Sigmoid: Layer {
  public let typeName = "Sigmoid"
  public let paramNames: [String] = []
  public let params: [NDArray] = []
  public let grads: [NDArray] = []
  private let check: LayerCheck
  private var out: NDArray?

  public init(name: String = "sigmoid") { check = LayerCheck(layer: name, type: typeName) }

  static func infer(x: ArraySignature, check: LayerCheck) throws -> ArraySignature {
    try check.float("x", x.dtype)
    return x
  }

  public func forward(_ x: NDArray) throws -> NDArray {
    _ = try Self.infer(x: ArraySignature(x), check: check)
    var out = x
    x.dtype.byFloat(
      float: { Self.sigmoid(&out, Float.self) }, double: { Self.sigmoid(&out, Double.self) })
    self.out = out
    return out
  }

  /// σ of every element, in place.
  static func sigmoid<T: LayerScalar>(_ x: inout NDArray, _: T.Type) {
    x.withUnsafeMutableBufferPointer(of: T.self) { p in
      guard let base = p.baseAddress else { return }
      Kernel.sigmoid(base, into: base, count: p.count)
    }
  }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    guard let out else { preconditionFailure("\(typeName).backward before forward") }
    try check.shape("dout", dout.shape, out.shape.map { .size($0) })
    try check.float("dout", dout.dtype)
    return Kernel.multiply(Kernel.multiply(dout, Kernel.subtracted(from: 1, out)), out)
  }
}

extension LayerKind {
  /// Sigmoid: no params; x of any shape.
  static let sigmoid = LayerKind.core(
    "Sigmoid", infer: { _, x, check in try Sigmoid.infer(x: x, check: check) },
    make: { config, _ in Sigmoid(name: config.name) })
}

import TLArray
import TLKernels

/// Ports the book's `Softmax` layer (common/layers.py): row-wise softmax of x (N,C).
///
/// forward: max-subtracted softmax in x's dtype. backward: g = out ⊙ dout; dx = g − out ⊙ Σ_row g,
/// in promote(out, dout). Only 2-D input: the book's softmax returns other ranks unchanged and
/// its backward needs axis 1, so anything else is rejected.
public final class Softmax: Layer {
  public let typeName = "Softmax"
  public let paramNames: [String] = []
  public let params: [NDArray] = []
  public let grads: [NDArray] = []
  private let check: LayerCheck
  private var out: NDArray?

  public init(name: String = "softmax") { check = LayerCheck(layer: name, type: typeName) }

  static func infer(x: ArraySignature, check: LayerCheck) throws -> ArraySignature {
    try check.shape("x", x.shape, ["N", "C"])
    try check.float("x", x.dtype)
    try Self.checkClasses("x", x.shape, check: check)
    return x
  }

  /// Refuses C = 0 classes, even in an empty batch: `x.max(axis=1)` over an axis of length 0
  /// raises in NumPy whatever the other axes hold.
  static func checkClasses(_ name: String, _ shape: [Int], check: LayerCheck) throws {
    guard shape.last == 0 else { return }
    throw check.error(
      "\(name) of shape \(spell(shape)) has \(shape.count == 3 ? "V" : "C") = 0 classes: the max of an empty row has no value (NumPy raises)"
    )
  }

  public func forward(_ x: NDArray) throws -> NDArray {
    _ = try Self.infer(x: ArraySignature(x), check: check)
    var out = x
    x.dtype.byFloat(
      float: { Self.softmax(&out, Float.self) }, double: { Self.softmax(&out, Double.self) })
    self.out = out
    return out
  }

  /// Row softmax of a 2-D array, in place.
  static func softmax<T: LayerScalar>(_ x: inout NDArray, _: T.Type) {
    let (rows, cols) = (x.shape[0], x.shape[1])
    x.withUnsafeMutableBufferPointer(of: T.self) { p in
      let m = MutableMatrix(p, rows: rows, cols: cols)
      Kernel.softmaxRows(m.readOnly, into: m)
    }
  }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    guard let out else { preconditionFailure("\(typeName).backward before forward") }
    try check.shape("dout", dout.shape, out.shape.map { .size($0) })
    try check.float("dout", dout.dtype)
    var dx = Kernel.multiply(out, dout)
    let cast = out.astype(dx.dtype)
    dx.dtype.byFloat(
      float: { Self.subtractProjection(&dx, cast, Float.self) },
      double: { Self.subtractProjection(&dx, cast, Double.self) })
    return dx
  }

  /// dx ← dx − out ⊙ Σ_row dx, with the row sum pairwise like `np.sum(axis=1)`.
  private static func subtractProjection<T: LayerScalar>(
    _ dx: inout NDArray, _ out: NDArray, _: T.Type
  ) {
    let cols = dx.shape[1]
    out.withUnsafeBufferPointer(of: T.self) { y in
      dx.withUnsafeMutableBufferPointer(of: T.self) { g in
        for start in stride(from: 0, to: g.count, by: max(cols, 1)) {
          guard let base = g.baseAddress else { return }
          let total = 0 + Kernel.pairwiseSum(UnsafePointer(base + start), count: cols)
          for j in start..<start + cols { g[j] -= y[j] * total }
        }
      }
    }
  }
}

extension LayerKind {
  /// Softmax: no params; x (N,C).
  static let softmax = LayerKind.core(
    "Softmax", infer: { _, x, check in try Softmax.infer(x: x, check: check) },
    make: { config, _ in Softmax(name: config.name) })
}

import TLArray
import TLKernels

/// Ports the book's `Embedding` (common/layers.py): out = W[idx], rows gathered by integer ids.
///
/// idx may have any shape and integer dtype (negatives wrap); out is idx.shape + (D,) in W's
/// dtype. Backward zeroes dW (V,D) and scatter-adds dout into it (`np.add.at`, so repeated ids
/// accumulate) and returns nil.
public final class Embedding: Layer {
  public let typeName = "Embedding"
  public let paramNames = ["W"]
  public let W: NDArray
  public private(set) var grads: [NDArray]
  public var params: [NDArray] { [W] }
  private let check: LayerCheck
  private var idx: (shape: [Int], rows: [Int])?

  /// Takes W (V,D) of float32 or float64; throws for anything else.
  public init(W: NDArray, name: String = "embedding") throws {
    check = LayerCheck(layer: name, type: typeName)
    _ = try Self.infer(W: ArraySignature(W), idx: nil, check: check)
    self.W = W
    grads = [NDArray(zeros: W.dtype, shape: W.shape)]
  }

  /// Checks W (V,D) and (when given) the dtype of the ids.
  static func infer(W: ArraySignature, idx: ArraySignature?, check: LayerCheck) throws
    -> ArraySignature?
  {
    try check.float("W", W.dtype)
    try check.shape("W", W.shape, ["V", "D"])
    guard let idx else { return nil }
    try check.integer("idx", idx.dtype)
    return ArraySignature(shape: idx.shape + [W.shape[1]], dtype: W.dtype)
  }

  public func forward(_ idx: NDArray) throws -> NDArray {
    _ = try Self.infer(W: ArraySignature(W), idx: ArraySignature(idx), check: check)
    let rows = try Kernel.rowIndices(
      idx, rows: W.shape[0], layer: check.layer, type: typeName, what: "idx")
    self.idx = (idx.shape, rows)
    let d = W.shape[1]
    var out = NDArray(zeros: W.dtype, shape: idx.shape + [d])
    W.dtype.byFloat(
      float: { Self.gather(W, rows, into: &out, Float.self) },
      double: { Self.gather(W, rows, into: &out, Double.self) })
    return out
  }

  /// out[k] ← W[rows[k]] in T (W's dtype), for any output shape with K·D elements.
  static func gather<T: LayerScalar>(
    _ W: NDArray, _ rows: [Int], into out: inout NDArray, _: T.Type
  ) {
    let (v, d) = (W.shape[0], W.shape[1])
    W.withUnsafeBufferPointer(of: T.self) { table in
      out.withUnsafeMutableBufferPointer(of: T.self) { dst in
        Kernel.gatherRows(
          Matrix(table, rows: v, cols: d), rows, into: MutableMatrix(dst, rows: rows.count, cols: d)
        )
      }
    }
  }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    guard let idx else { preconditionFailure("\(typeName).backward before forward") }
    try check.shape("dout", dout.shape, (idx.shape + [W.shape[1]]).map { .size($0) })
    try check.float("dout", dout.dtype)
    let touched = Kernel.distinctRows(idx.rows, of: W.shape[0])
    var dW = Kernel.zeros(W.dtype, shape: W.shape, faultingInRows: touched)
    Self.scatterAdd(dout, idx.rows, into: &dW)
    grads[0] = dW.withNonzeroRows(touched)
    return nil
  }

  /// acc[rows[k]] += src[k] for src (K,D) of any float dtype into acc (V,D): `np.add.at`.
  static func scatterAdd(_ src: NDArray, _ rows: [Int], into acc: inout NDArray) {
    src.dtype.byFloat(
      float: { scatterAdd(src, rows, into: &acc, Float.self) },
      double: { scatterAdd(src, rows, into: &acc, Double.self) })
  }

  private static func scatterAdd<S: LayerScalar>(
    _ src: NDArray, _ rows: [Int], into acc: inout NDArray, _: S.Type
  ) {
    acc.dtype.byFloat(
      float: { scatterAdd(src, S.self, rows, into: &acc, Float.self) },
      double: { scatterAdd(src, S.self, rows, into: &acc, Double.self) })
  }

  private static func scatterAdd<S: LayerScalar, A: LayerScalar>(
    _ src: NDArray, _: S.Type, _ rows: [Int], into acc: inout NDArray, _: A.Type
  ) {
    let (v, d) = (acc.shape[0], acc.shape[1])
    src.withUnsafeBufferPointer(of: S.self) { from in
      acc.withUnsafeMutableBufferPointer(of: A.self) { to in
        Kernel.scatterAddRows(
          Matrix(from, rows: rows.count, cols: d), rows, into: MutableMatrix(to, rows: v, cols: d))
      }
    }
  }
}

extension LayerKind {
  /// Embedding: param W (V,D); the input is integer ids of any shape.
  static let embedding = LayerKind.core(
    "Embedding", params: ["W"],
    infer: { config, idx, check in
      try check.required(
        Embedding.infer(W: ArraySignature(check.param(config, "W")), idx: idx, check: check))
    },
    make: { config, check in try Embedding(W: check.param(config, "W"), name: config.name) })
}

import TLArray

/// The product-plus-bias shared by MatMul, Affine and TimeAffine, with NumPy's dtype order.
extension Kernel {
  /// `np.dot(x, W) + b` for x (R,D), W (D,M), b (M,): the product in promote(x, W), then the bias
  /// in promote(product, b), exactly as NumPy rounds it. With b nil: MatMul's `np.dot(x, W)`.
  @usableFromInline package static func affineForward(_ x: NDArray, _ W: NDArray, _ b: NDArray?) -> NDArray {
    let product = matmul(x, W)
    guard let b else { return product }
    return addBias(consume product, b)
  }

  /// The gradients of x·W + b for dout (R,M): dx = dout·Wᵀ in promote(dout, W); dW = xᵀ·dout and
  /// db = Σ_rows dout (row by row), each cast into its param's dtype (`grads[i][...] = …`).
  @usableFromInline package static func affineBackward(
    _ x: NDArray, _ W: NDArray, _ b: NDArray?, _ dout: NDArray
  ) -> (dx: NDArray, dW: NDArray, db: NDArray?) {
    let dx = matmul(dout, W, transB: true)
    let dW = matmul(x, dout, transA: true).assigned(as: W.dtype, shape: W.shape)
    let db = b.map { sumRows(dout).assigned(as: $0.dtype, shape: $0.shape) }
    return (dx, dW, db)
  }
}

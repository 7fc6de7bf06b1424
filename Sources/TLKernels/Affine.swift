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

  /// ``affineBackward(_:_:_:_:)`` with dW = xᵀ·dout left to a ``DeferredProduct`` where one
  /// applies (x, W and dout float32, D×M wide enough to split): dW is then that product's
  /// output, complete once `pending` is finished; else `pending` is nil and dW is complete.
  /// The deferred blocks are fixed by M alone, so dW's bits do not depend on which thread
  /// computed them or when; they may differ in the last bits from the product at once, whose
  /// blocks are wider (the book-size dW was bit-identical).
  package static func affineBackwardDeferringWeights(
    _ x: NDArray, _ W: NDArray, _ b: NDArray?, _ dout: NDArray
  ) -> (dx: NDArray, dW: NDArray, db: NDArray?, pending: DeferredProduct?) {
    guard x.dtype == .float32, W.dtype == .float32, dout.dtype == .float32, x.rank == 2, dout.rank == 2 else {
      let (dx, dW, db) = affineBackward(x, W, b, dout)
      return (dx, dW, db, nil)
    }
    let dx = matmul(dout, W, transB: true)
    let db = b.map { sumRows(dout).assigned(as: $0.dtype, shape: $0.shape) }
    let (d, m) = (x.shape[1], dout.shape[1])
    let dW = Buffer<Float>(zeros: d * m)
    let dWArray = dW.array(W.shape)
    let xRows = ReadOnlyBuffer<Float>(viewing: x).matrix(rows: x.shape[0], cols: d)
    let doutRows = ReadOnlyBuffer<Float>(viewing: dout).matrix(rows: dout.shape[0], cols: m)
    let into = dW.mutableMatrix(rows: d, cols: m)
    if let pending = DeferredProduct.offering(
      xRows, transposed: true, doutRows, transposed: false, into: into, keeping: [x, dout, dWArray])
    {
      return (dx, dWArray, db, pending)
    }
    gemm(xRows, transposed: true, doutRows, transposed: false, into: into)
    return (dx, dWArray, db, nil)
  }
}

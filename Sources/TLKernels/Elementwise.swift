import TLArray
import TLSystem

/// Fused single passes over contiguous buffers: activations, bias add, row softmax.
extension Kernel {
  /// dst[i] ← σ(src[i]) = 1/(1+e^(−x)); `dst` may be `src`. Float goes through
  /// ``NumPyExp/sigmoid(_:into:count:)`` (NumPy's exp loop in C where the CPU has AVX2/FMA3;
  /// the same bits as element by element).
  @inlinable
  package static func sigmoid<T: LayerScalar>(
    _ src: UnsafePointer<T>, into dst: UnsafeMutablePointer<T>, count: Int
  ) {
    if T.self == Float.self {
      let (from, to) = (FloatLanes(src), FloatLanes(dst))
      NumPyExp.sigmoid(from.base, into: to.base, count: count)
      return
    }
    var i = 0
    while i < count {
      dst[i] = T.sigmoid(src[i])
      i += 1
    }
  }

  /// dst[i] ← tanh(src[i]); `dst` may be `src`. Float goes eight lanes at a time.
  @inlinable
  package static func tanh<T: LayerScalar>(
    _ src: UnsafePointer<T>, into dst: UnsafeMutablePointer<T>?, count: Int
  ) {
    guard let dst else { return }
    var i = 0
    if T.self == Float.self {
      let (from, to) = (FloatLanes(src), FloatLanes(dst))
      while i + 8 <= count {
        if let y = VectorExp.tanh(from.load(i)) {
          to.store(y, i)
        } else {
          for k in i..<i + 8 { dst[k] = T.tanh(src[k]) }
        }
        i += 8
      }
    }
    while i < count {
      dst[i] = T.tanh(src[i])
      i += 1
    }
  }

  /// m[r, j] ← m[r, j] + b[j] for every row: the bias add after a product (NumPy broadcasting).
  /// Large matrices (TimeAffine's N·T×V scores) are split by rows over the cores.
  @inlinable
  package static func addRowVector<T: LayerScalar>(_ b: UnsafePointer<T>, to m: MutableMatrix<T>) {
    let shared = UncheckedSendable((b: b, m: m))
    forEachRowRange(rows: m.rows, cols: m.cols) { rows in
      let (b, m) = shared.value
      if T.self == Float.self, NumPyMathPath.usesC {
        VectorSum.addRowVector(
          UnsafeRawPointer(b).assumingMemoryBound(to: Float.self),
          to: UnsafeMutableRawPointer(m.base).assumingMemoryBound(to: Float.self), rows: rows, cols: m.cols, ld: m.ld)
        return
      }
      for r in rows {
        let row = m.base + r * m.ld
        for j in 0..<m.cols { row[j] += b[j] }
      }
    }
  }

  /// The book's 2-D softmax per row: subtract the row max, exponentiate, divide by the pairwise
  /// row sum (functions.py). `out` may be `x`. Large matrices are split by rows over the cores.
  @inlinable
  package static func softmaxRows<T: LayerScalar>(_ x: Matrix<T>, into out: MutableMatrix<T>) {
    precondition(x.rows == out.rows && x.cols == out.cols, "softmax shapes differ")
    guard x.cols > 0 else { return }
    let (src, dst) = (UncheckedSendable(UnsafeMutablePointer(mutating: x.base)), UncheckedSendable(out.base))
    let (cols, ldx, ldo) = (x.cols, x.ld, out.ld)
    forEachRowRange(rows: x.rows, cols: cols) { rows in
      for r in rows { softmaxRow(src.value + r * ldx, into: dst.value + r * ldo, cols: cols) }
    }
  }

  @inlinable
  static func softmaxRow<T: LayerScalar>(
    _ src: UnsafeMutablePointer<T>, into dst: UnsafeMutablePointer<T>, cols: Int
  ) {
    let maxValue = rowMax(UnsafePointer(src), count: cols)
    T.expShifted(src, minus: maxValue, into: dst, count: cols)
    let total = pairwiseSum(UnsafePointer(dst), count: cols)
    if T.self == Float.self, NumPyMathPath.usesC {
      VectorSum.divide(
        UnsafeMutableRawPointer(dst).assumingMemoryBound(to: Float.self), by: unsafeBitCast(total, to: Float.self),
        count: cols)
      return
    }
    for j in 0..<cols { dst[j] /= total }
  }

  /// The row's max as the book's softmax takes it (`x.max(axis=1)`): the last NaN when there is
  /// one (each NaN replaces the running max), else the largest value. A float32 row of 8 or more
  /// goes through AVX2 lanes where the CPU has them (``VectorMax``), and to this scalar loop
  /// when it holds a NaN, so the NaN's bits are the same. Of +0 and −0 either may come back:
  /// x − max, and so the softmax, is the same for both.
  @inlinable
  static func rowMax<T: LayerScalar>(_ src: UnsafePointer<T>, count: Int) -> T {
    if T.self == Float.self, count >= 8,
      let found = VectorMax.max(UnsafeRawPointer(src).assumingMemoryBound(to: Float.self), count: count)
    {
      return unsafeBitCast(found, to: T.self)
    }
    var maxValue = src[0]
    for j in 1..<count where src[j] > maxValue || src[j].isNaN { maxValue = src[j] }
    return maxValue
  }

  /// `m + b` for an (R,M) product and a bias (M,), in NumPy's result dtype promote(m, b).
  /// `m` is taken over: a fresh product gets the bias in its own memory, no copy.
  @usableFromInline package static func addBias(_ m: consuming NDArray, _ b: NDArray) -> NDArray {
    precondition(m.rank == 2 && b.shape == [m.shape[1]], "bias \(b.shape) for \(m.shape)")
    let dtype = DType.promote(m.dtype, b.dtype)
    var out = (consume m).astype(dtype)  // the same array when m already has that dtype
    dtype.byFloat(
      float: { addBias(b, to: &out, Float.self) }, double: { addBias(b, to: &out, Double.self) })
    return out
  }

  private static func addBias<T: LayerScalar>(_ b: NDArray, to out: inout NDArray, _: T.Type) {
    let b = b.astype(T.self)
    let (rows, cols) = (out.shape[0], out.shape[1])
    b.withUnsafeBufferPointer(of: T.self) { pb in
      out.withUnsafeMutableBufferPointer(of: T.self) { po in
        guard let bias = pb.baseAddress else { return }
        addRowVector(bias, to: MutableMatrix(po, rows: rows, cols: cols))
      }
    }
  }
}

extension NDArray {
  /// This array's values written into a buffer of `dtype` and `shape` (the book's
  /// `grads[i][...] = value`: a cast on write into the param's dtype).
  @usableFromInline package func assigned(as dtype: DType, shape: [Int]) -> NDArray {
    astype(dtype).reshaped(shape)
  }
}

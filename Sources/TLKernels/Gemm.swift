import TLArray

/// The kernels' namespace: matrix products, fused passes, NumPy-ordered sums, parallel loops.
@usableFromInline package enum Kernel {}

/// Matrix products: the typed one on views (every layer's only route to BLAS) and the NDArray
/// one with NumPy's dtype promotion.
extension Kernel {
  /// C ← op(A)·op(B), or C ← C + op(A)·op(B) when `accumulate`; op(X) = Xᵀ when its flag is set.
  /// A wide product is split over the cores in blocks of columns (``gemmSplittingWide``), a
  /// deep narrow one in parts along K (``gemmSplittingDepth``).
  ///
  /// `intoZeros` says that C holds zeros (a fresh output): a product above
  /// ``smallProductWork`` is then added to them (BLAS's beta = 1), which gives the bits of
  /// beta = 0 without OpenBLAS's pass writing zeros over all of C first (`sgemm_beta`, ~1.5 % of
  /// the language model's CPU time). Smaller products keep beta = 0: OpenBLAS's small-matrix
  /// kernels store the product without adding, so a product that is −0 would come out +0.
  @inlinable
  package static func gemm<T: LayerScalar>(
    _ a: Matrix<T>, transposed ta: Bool, _ b: Matrix<T>, transposed tb: Bool,
    into c: MutableMatrix<T>, accumulate: Bool = false, intoZeros: Bool = false
  ) {
    let (m, k) = ta ? (a.cols, a.rows) : (a.rows, a.cols)
    let (kb, n) = tb ? (b.cols, b.rows) : (b.rows, b.cols)
    precondition(
      k == kb && c.rows == m && c.cols == n,
      "gemm (\(m)×\(k))·(\(kb)×\(n)) into \(c.rows)×\(c.cols)")
    if gemmSplittingDepth(a, transposed: ta, b, transposed: tb, into: c, accumulate: accumulate, intoZeros: intoZeros) {
      return
    }
    let accumulate = accumulate || (intoZeros && addsToZeros(m: m, n: n, k: k))
    if k == 0 {  // BLAS may skip beta-scaling when k = 0; NumPy gives zeros
      if !accumulate { for r in 0..<m { for j in 0..<n { c[r, j] = 0 } } }
      return
    }
    if gemmSplittingWide(a, transposed: ta, b, transposed: tb, into: c, accumulate: accumulate) { return }
    T.gemm(
      transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1, a: a.base, lda: a.ld, b: b.base,
      ldb: b.ld, beta: accumulate ? 1 : 0, c: c.base, ldc: c.ld)
  }

  /// op(a)·op(b) of two 2-D arrays in NumPy's result dtype: both float32 → sgemm; otherwise both
  /// are converted to `promote(a, b)` (int·float32 → float64) first.
  @usableFromInline package static func matmul(
    _ a: NDArray, _ b: NDArray, transA ta: Bool = false, transB tb: Bool = false
  )
    -> NDArray
  {
    precondition(a.rank == 2 && b.rank == 2, "matmul of \(a.shape) and \(b.shape)")
    let dtype = DType.promote(a.dtype, b.dtype)
    let m = ta ? a.shape[1] : a.shape[0]
    let n = tb ? b.shape[0] : b.shape[1]
    var out = NDArray(zeros: dtype, shape: [m, n])
    dtype.byFloat(
      float: { matmul(a, ta, b, tb, into: &out, Float.self) },
      double: { matmul(a, ta, b, tb, into: &out, Double.self) })
    return out
  }

  private static func matmul<T: LayerScalar>(
    _ a: NDArray, _ ta: Bool, _ b: NDArray, _ tb: Bool, into out: inout NDArray, _: T.Type
  ) {
    let a = a.astype(T.self)
    let b = b.astype(T.self)
    let (m, n) = (out.shape[0], out.shape[1])
    a.withUnsafeBufferPointer(of: T.self) { pa in
      b.withUnsafeBufferPointer(of: T.self) { pb in
        out.withUnsafeMutableBufferPointer(of: T.self) { pc in
          gemm(
            Matrix(pa, rows: a.shape[0], cols: a.shape[1]), transposed: ta,
            Matrix(pb, rows: b.shape[0], cols: b.shape[1]), transposed: tb,
            into: MutableMatrix(pc, rows: m, cols: n), intoZeros: true)
        }
      }
    }
  }

  /// Products of more multiply-adds than this never take OpenBLAS's small-matrix kernels
  /// (0.3.21 takes them up to 100³ on SkylakeX), so beta = 1 on zeros gives beta = 0's bits.
  @usableFromInline package static let smallProductWork = 1 << 21

  /// Whether a product of m×k by k×n into zeros is added to them (``gemm``'s `intoZeros`).
  @inlinable package static func addsToZeros(m: Int, n: Int, k: Int) -> Bool {
    Double(m) * Double(n) * Double(k) > Double(smallProductWork)
  }
}

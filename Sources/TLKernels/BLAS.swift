internal import CBLAS

/// The element types OpenBLAS multiplies: `sgemm` for Float, `dgemm` for Double.
///
/// This module is the only one that imports CBLAS: every matrix product of every layer comes
/// through ``gemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``, with transposes passed
/// as flags and never materialised. Not inlinable on purpose: a product costs far more than
/// the call, and CBLAS stays out of every client's view.
@usableFromInline package protocol BLASScalar: BinaryFloatingPoint {
  /// C ← alpha·op(A)·op(B) + beta·C on row-major buffers; op(X) is X or Xᵀ.
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
    a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

@inline(__always) private func flag(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Float: BLASScalar {
  @usableFromInline package static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    _ = BLASCore.checked
    BLASThreads.sharingWorkers {
      cblas_sgemm(
        CblasRowMajor, flag(transA), flag(transB), blasint(m), blasint(n), blasint(k), alpha,
        a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
  }
}

extension Double: BLASScalar {
  @usableFromInline package static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    _ = BLASCore.checked
    BLASThreads.sharingWorkers {
      cblas_dgemm(
        CblasRowMajor, flag(transA), flag(transB), blasint(m), blasint(n), blasint(k), alpha,
        a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
  }
}

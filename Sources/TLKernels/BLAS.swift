import CBLAS

/// The element types OpenBLAS multiplies: `sgemm` for Float, `dgemm` for Double.
///
/// This file is the only place that calls CBLAS: every matrix product of every layer comes
/// through ``gemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``, with transposes passed
/// as flags and never materialised.
public protocol BLASScalar: BinaryFloatingPoint {
  /// C ← alpha·op(A)·op(B) + beta·C on row-major buffers; op(X) is X or Xᵀ.
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
    a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

@inline(__always) private func flag(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Float: BLASScalar {
  public static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    cblas_sgemm(
      CblasRowMajor, flag(transA), flag(transB), blasint(m), blasint(n), blasint(k), alpha,
      a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
  }
}

extension Double: BLASScalar {
  public static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    cblas_dgemm(
      CblasRowMajor, flag(transA), flag(transB), blasint(m), blasint(n), blasint(k), alpha,
      a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
  }
}

/// OpenBLAS's worker threads.
public enum BLASThreads {
  /// The worker-thread count, for callers that run several cases side by side.
  public static func set(_ count: Int) { openblas_set_num_threads(Int32(count)) }

  /// Stops the workers now, for commands that multiply no matrices (inspect, compare,
  /// convert): they would spin on the second core for ~0.1 s after start-up, where tl-run's
  /// own statistics threads run. Only while no other thread is inside BLAS; a later product
  /// starts them again.
  public static func stopWorkers() { _ = blas_thread_shutdown_() }

  /// Runs `body` with OpenBLAS on the calling thread alone when `condition` holds, then puts the
  /// worker count back. For the time loop of a recurrent layer with few rows (N ≤
  /// ``smallProductRows``): 35 products of 20×650·650×2600 took ~20 ms less on one thread
  /// than split over two (TimeLSTM forward, N=20, T=35, D=H=650, `--timings`), since each is
  /// too small to pay for waking and joining a worker. Only for callers that are the one
  /// thread using BLAS (the pipeline; batch jobs run with one BLAS thread already).
  /// `body` learns whether OpenBLAS was narrowed (false when it already ran on one thread, as
  /// in a batch with several jobs: then the other cores are busy anyway). Narrowing also stops
  /// the worker, which would otherwise spin on the core that ``Kernel/gemmByColumns`` uses;
  /// the next threaded product starts it again (TimeLSTM N=20: forward 84 → 66 ms, backward
  /// 124 → 99 ms, medians of 8 interleaved runs, against one unsplit call per step).
  static func alone<R>(when condition: Bool, _ body: (_ narrowed: Bool) throws -> R) rethrows -> R {
    let current = openblas_get_num_threads()
    guard condition, current > 1 else { return try body(false) }
    openblas_set_num_threads(1)
    _ = blas_thread_shutdown_()  // its worker would spin on the core the split products use
    defer { openblas_set_num_threads(current) }
    return try body(true)
  }

  /// The row count up to which a recurrent step's products run on one thread.
  static let smallProductRows = 32
}

import TLKernels

/// How the layers compute, for the modules above them that must not know the kernels: the one
/// door to the BLAS thread policy, which TLKernels owns.
public enum LayerCompute {
  /// Runs `body` with every matrix product on one thread (when `condition` holds), then
  /// restores the previous thread count: for a caller that runs several cases side by side, so
  /// the cases, not BLAS, use the cores. The setting is process-wide: the scope must enclose
  /// every thread computing meanwhile.
  public static func withSingleThreadedProducts<R>(when condition: Bool = true, _ body: () throws -> R) rethrows
    -> R
  {
    guard condition else { return try body() }
    return try BLASThreads.singleThreaded(body)
  }

  /// Stops the product workers now: OpenBLAS starts them at load and they spin for ~0.1 s on
  /// the cores other work uses. tl-run's entry calls it at start-up for every command (through
  /// TLPipeline's `IdleCompute`); a later threaded product starts them again. Only while no
  /// other thread computes.
  public static func releaseIdleWorkers() { BLASThreads.stopWorkers() }

  /// Makes OpenBLAS's kernel choice now (``BLASCore``), which sets and removes an environment
  /// variable: for a process's entry, before any other thread starts.
  public static func chooseKernels() { BLASCore.choose() }

  /// One line naming OpenBLAS's kernels in use (TLKernels' `BLASCore.summary`) and whether a
  /// user's `OPENBLAS_CORETYPE` chose them, or named none: for `--timings`.
  public static var kernelSummary: String { BLASCore.summary }
}

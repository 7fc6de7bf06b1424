import TLLayers

/// The executable's door to the products' threads and kernels (TLLayers' `LayerCompute`): it
/// reaches the compute policy through the pipeline and never imports the layers or the kernels.
public enum IdleCompute {
  /// Stops the layers' product workers now: OpenBLAS starts them at load, and they would spin
  /// for ~0.1 s on the cores `inspect`'s statistics threads, or a run's loading, use. A later
  /// threaded product starts them again. Only while no other thread computes (at start-up).
  public static func release() { LayerCompute.releaseIdleWorkers() }

  /// Makes the product kernels' one-time choice now (TLKernels' `BLASCore`: it sets and removes
  /// `OPENBLAS_CORETYPE`, and `setenv` races with any other thread's `getenv`). For the
  /// executable's entry, before any thread starts; a library user that never calls it gets the
  /// same choice lazily at the first product, safe only while that process has one thread.
  public static func chooseKernels() { LayerCompute.chooseKernels() }

  /// One line naming OpenBLAS's kernels in use, for `--timings` (TLLayers' `LayerCompute`).
  public static var kernelSummary: String { LayerCompute.kernelSummary }
}

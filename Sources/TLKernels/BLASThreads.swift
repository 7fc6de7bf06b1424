internal import CBLAS

/// OpenBLAS's worker threads: the one place that sets, stops or narrows them. Callers above the
/// layers reach this policy through TLLayers' `LayerCompute`, never directly.
package enum BLASThreads {
  /// The worker-thread count products currently use.
  package static var count: Int { Int(openblas_get_num_threads()) }

  /// Runs `body` with OpenBLAS on one thread, then puts the previous worker count back: for a
  /// caller that runs several cases side by side, so the cases, not BLAS, use the cores. The
  /// count is process-wide, so the scope must enclose every thread that multiplies meanwhile.
  package static func singleThreaded<R>(_ body: () throws -> R) rethrows -> R {
    let previous = openblas_get_num_threads()
    openblas_set_num_threads(1)
    defer { openblas_set_num_threads(previous) }
    return try body()
  }

  /// Stops the workers now: OpenBLAS starts them at load, and they would spin for ~0.1 s on the
  /// cores tl-run's own threads use (`inspect`'s statistics, a run's loading). tl-run's entry
  /// calls it at start-up for every command; a pipeline run's first threaded product starts
  /// them again. Only while no other thread is inside BLAS.
  package static func stopWorkers() { _ = blas_thread_shutdown_() }

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
  /// 124 → 99 ms, medians of 8 interleaved runs, against one unsplit call per step). Putting
  /// the count back starts the worker too (OpenBLAS's `openblas_set_num_threads` does), which
  /// then spun (`sched_yield`) for ~0.1 s on the cores the passes after it use (the loss's rows
  /// between the affine's products, the writing after the last product): it is stopped again
  /// at once, and the next threaded product starts it.
  package static func alone<R>(when condition: Bool, _ body: (_ narrowed: Bool) throws -> R) rethrows -> R {
    let current = openblas_get_num_threads()
    guard condition, current > 1 else { return try body(false) }
    openblas_set_num_threads(1)
    _ = blas_thread_shutdown_()  // its worker would spin on the core the split products use
    defer {
      openblas_set_num_threads(current)
      _ = blas_thread_shutdown_()  // the count started it again; it would spin until the next split
    }
    return try body(true)
  }

  /// The row count up to which a recurrent step's products run on one thread.
  package static let smallProductRows = 32
}

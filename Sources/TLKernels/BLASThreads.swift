internal import CBLAS
import Glibc
import Synchronization
import TLSystem

/// OpenBLAS's worker threads: the one place that sets, stops or narrows them. Callers above the
/// layers reach this policy through TLLayers' `LayerCompute`, never directly.
package enum BLASThreads {
  /// Held shared by every BLAS call (``sharingWorkers(_:)``) and exclusively while the worker
  /// count is changed or the workers are stopped (``exclusively(_:)``). OpenBLAS 0.3.21 is not
  /// safe against those from two threads at once: a count set on one thread while another
  /// stopped the workers left a worker asleep that the stop then joined forever (seen as a hang
  /// of two tests running a TimeLSTM and finishing a deferred product side by side), and a stop
  /// during another thread's threaded call takes its workers away. Writers are preferred, so a
  /// stream of calls on other threads cannot hold a change off. (`nonisolated(unsafe)`: the
  /// pointer never changes; the lock itself is the synchronisation.)
  nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_rwlock_t> = {
    let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
    var attributes = pthread_rwlockattr_t()
    pthread_rwlockattr_init(&attributes)
    pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
    pthread_rwlock_init(lock, &attributes)
    pthread_rwlockattr_destroy(&attributes)
    return lock
  }()

  /// Runs one BLAS call: never while another thread changes the workers.
  static func sharingWorkers<R>(_ call: () -> R) -> R {
    pthread_rwlock_rdlock(lock)
    defer { pthread_rwlock_unlock(lock) }
    return call()
  }

  /// Changes or stops the workers while no BLAS call runs on any thread.
  private static func exclusively<R>(_ change: () -> R) -> R {
    pthread_rwlock_wrlock(lock)
    defer { pthread_rwlock_unlock(lock) }
    return change()
  }

  /// The worker-thread count products currently use.
  package static var count: Int { Int(openblas_get_num_threads()) }

  /// Runs `body` with OpenBLAS on one thread, then puts the previous worker count back: for a
  /// caller that runs several cases side by side, so the cases, not BLAS, use the cores. The
  /// count is process-wide, so the scope must enclose every thread that multiplies meanwhile.
  package static func singleThreaded<R>(_ body: () throws -> R) rethrows -> R {
    _ = enterNarrowing(batch: true)
    defer { leaveNarrowing(batch: true) }
    return try body()
  }

  /// The narrowing scopes open on any thread (``singleThreaded(_:)``, ``alone(when:_:)``), the
  /// count the first of them found, and how many are batches. The first to open narrows
  /// OpenBLAS, the last to close puts the count back: each scope reading the count for itself
  /// let two overlapping scopes on two threads leave the process at one thread for good (one
  /// read 1 while the other had narrowed, and put 1 back last).
  private struct Narrowing {
    var open = 0, batches = 0
    var saved: Int32 = 1
  }
  private static let narrowing = Mutex(Narrowing())

  /// Opens a narrowing scope; returns whether OpenBLAS is narrowed for a time loop to split
  /// its own products: it ran on several threads, and no batch holds it at one.
  private static func enterNarrowing(batch: Bool) -> Bool {
    narrowing.withLock { state in
      if state.open == 0 {
        state.saved = openblas_get_num_threads()
        if state.saved > 1 {
          exclusively {
            openblas_set_num_threads(1)
            _ = blas_thread_shutdown_()  // its worker would spin on the core the split products use
          }
        }
      }
      state.open += 1
      if batch { state.batches += 1 }
      return state.saved > 1 && state.batches == 0
    }
  }

  /// The worker count while no narrowing scope is open on any thread, nil while one is (for
  /// the tests: the count a process returns to).
  package static var settledCount: Int? {
    narrowing.withLock { state in state.open == 0 ? Int(openblas_get_num_threads()) : nil }
  }

  /// Closes a scope ``enterNarrowing(batch:)`` opened; the last puts the count back.
  private static func leaveNarrowing(batch: Bool) {
    narrowing.withLock { state in
      state.open -= 1
      if batch { state.batches -= 1 }
      guard state.open == 0, state.saved > 1 else { return }
      exclusively {
        openblas_set_num_threads(state.saved)
        _ = blas_thread_shutdown_()  // the count started it again; it would spin until the next split
      }
    }
  }

  /// Stops the workers now: OpenBLAS starts them at load, and they would spin for ~0.1 s on the
  /// cores tl-run's own threads use (`inspect`'s statistics, a run's loading). tl-run's entry
  /// calls it at start-up for every command; a pipeline run's first threaded product starts
  /// them again. Only while no other thread is inside BLAS.
  package static func stopWorkers() { _ = exclusively { blas_thread_shutdown_() } }

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
  ///
  /// When it narrows, `body` runs in a TLSystem `WorkerPlacement` region: the calling thread
  /// keeps the CPU it is on, and the workers that split its products or compute beside it
  /// (``Kernel/concurrentPerform(iterations:_:)``, ``DeferredProduct``, ``OverlappedChunks``)
  /// keep off that CPU. With another process holding a core, the scheduler had left both
  /// threads on the free CPU, sharing it (LM with a spinner on one core, medians of 9
  /// interleaved runs: 573 → 441 ms; idle 288 → 289 ms).
  package static func alone<R>(when condition: Bool, _ body: (_ narrowed: Bool) throws -> R) rethrows -> R {
    guard condition else { return try body(false) }
    let narrowed = enterNarrowing(batch: false)
    defer { leaveNarrowing(batch: false) }
    guard narrowed else { return try body(false) }
    return try WorkerPlacement.region { _ in try body(true) }
  }

  /// The row count up to which a recurrent step's products run on one thread.
  package static let smallProductRows = 32
}

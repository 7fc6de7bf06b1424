import Dispatch
import Synchronization
import TLSystem

/// Row-parallel loops whose caller says how much work a call is and from how much on it pays
/// to wake the workers (the per-row kernels of the layers: attention over the batch rows, a
/// recurrent step's gate lanes), with the dynamic chunks of ``forEachRowRange(rows:cols:_:)``.
/// Each row is computed by exactly one worker with the arithmetic of the serial loop, so the
/// bits do not depend on the number of workers; ``withRowWorkers(_:_:)`` lets the tests prove
/// it.
extension Kernel {
  /// The worker count ``withRowWorkers(_:_:)`` imposes, 0 for none.
  private static let forcedRowWorkers = Atomic<Int>(0)

  /// The worker count ``withRowWorkers(_:_:)`` imposes, 0 (production: always) for none.
  @usableFromInline package static var forcedWorkers: Int { forcedRowWorkers.load(ordering: .relaxed) }

  /// Runs `body` with every parallel loop of TLKernels in the process using `workers` workers
  /// (1: on the calling thread) whatever its size and whatever ``Processors/available`` says:
  /// ``forEachRowRange(rows:work:threshold:_:)``, ``forEachRowRange(rows:cols:_:)`` and so
  /// ``forEachElementRange(count:alignment:_:)`` (Adam's step, `a + b.T`, the optimizers'
  /// loops), and ``pairwiseSumOfSquares(_:)``'s split into subtrees (taken for any `workers`
  /// above 1 once the buffer is large enough to split). How the tests compare the split loops
  /// with the serial one, on a one-CPU machine too (there the chunks run one after another on
  /// the pool's thread, cut as on many cores). Process-wide, as the loops run on worker threads
  /// a task-local would not reach. Calls from several threads (tests of several suites running
  /// at once) take turns; a call must not nest in another (it would wait for itself). Other work
  /// running meanwhile gets the same bits.
  package static func withRowWorkers<R>(_ workers: Int, _ body: () throws -> R) rethrows -> R {
    forcing.wait()
    forcedRowWorkers.store(max(1, workers), ordering: .relaxed)
    defer {
      forcedRowWorkers.store(0, ordering: .relaxed)
      forcing.signal()
    }
    return try body()
  }

  /// Lets one ``withRowWorkers(_:_:)`` at a time set the count.
  private static let forcing = DispatchSemaphore(value: 1)

  /// Calls `body(rowRange)` over `rows` rows cut into contiguous chunks (``chunksPerWorker``
  /// per worker) that the workers of ``Processors/available`` take as they become free, or
  /// once with every row when `work` (the caller's measure of the whole call, e.g. N·H
  /// elements) is below `threshold`.
  ///
  /// `body` runs on several threads at once: each call must write only what belongs to its
  /// rows (and its own scratch), and read nothing another call writes.
  @inlinable
  package static func forEachRowRange(
    rows: Int, work: Int, threshold: Int, _ body: (Range<Int>) -> Void
  ) {
    let workers = rowWorkers(rows: rows, work: work, threshold: threshold)
    guard workers > 1 else {
      body(0..<rows)
      return
    }
    let chunks = min(rows, workers * chunksPerWorker)
    withoutActuallyEscaping(body) { body in
      let shared = UncheckedSendable(body)
      concurrentPerform(iterations: chunks) { chunk in
        shared.value((rows * chunk / chunks)..<(rows * (chunk + 1) / chunks))
      }
    }
  }

  /// How many workers ``forEachRowRange(rows:work:threshold:_:)`` uses (at most `rows`).
  @usableFromInline
  package static func rowWorkers(rows: Int, work: Int, threshold: Int) -> Int {
    let forced = forcedWorkers
    let workers = forced > 0 ? forced : work >= threshold ? Processors.available : 1
    return max(1, min(workers, rows))
  }
}

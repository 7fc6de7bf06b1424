import Dispatch
import TLArray

#if canImport(Glibc)
  import Glibc
#endif

/// Row-parallel loops for the elementwise passes too large for one core (a softmax over
/// N·T×V scores). Each row is computed by exactly one worker with the same arithmetic as the
/// serial loop, so the result does not depend on the number of workers.
extension Kernel {
  /// Below this many elements a pass runs on the calling thread: waking workers costs more.
  static let parallelElements = 1 << 18

  /// Calls `body(rowRange)` over `rows` rows split into one contiguous range per core, or once
  /// with every row when `rows × cols` is small.
  static func forEachRowRange(rows: Int, cols: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let cores = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    let workers = rows * cols >= parallelElements ? min(cores, rows) : 1
    guard workers > 1 else {
      body(0..<rows)
      return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      body((rows * worker / workers)..<(rows * (worker + 1) / workers))
    }
  }
}

/// A pointer handed to the workers of ``Kernel/forEachRowRange(rows:cols:_:)``; each worker
/// touches only its own rows.
struct SharedPointer<T>: @unchecked Sendable {
  let base: UnsafeMutablePointer<T>
}

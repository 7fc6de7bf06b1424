import Dispatch
import TLArray
import TLSystem

/// Row-parallel loops for the elementwise passes too large for one core (a softmax over
/// N·T×V scores), one worker per processor this process may use (TLSystem's
/// `Processors.available`); their pointers cross to the workers in TLSystem's
/// `UncheckedSendable`, each worker writing only its own rows or columns. Each row is computed
/// by exactly one worker with the same arithmetic as the serial loop, so the result does not
/// depend on the number of workers.
extension Kernel {
  /// Below this many elements a pass runs on the calling thread: waking workers costs more.
  @usableFromInline package static let parallelElements = 1 << 18

  /// Calls `body(rowRange)` over `rows` rows split into one contiguous range per core, or once
  /// with every row when `rows × cols` is small.
  @usableFromInline package static func forEachRowRange(rows: Int, cols: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let workers = rows * cols >= parallelElements ? min(Processors.available, rows) : 1
    guard workers > 1 else {
      body(0..<rows)
      return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      body((rows * worker / workers)..<(rows * (worker + 1) / workers))
    }
  }
}

extension Kernel {
  /// Below this many multiply-adds a product is not split (waking a worker costs more).
  @usableFromInline package static let columnSplitWork = 1 << 22

  /// C ← op(A)·op(B) as one single-threaded BLAS call per core, each on its own block of C's
  /// columns (and the matching columns of op(B)). Each element is still one BLAS dot product
  /// over all of K, but OpenBLAS picks its kernel by shape, so the sums may round differently
  /// from one unsplit call (≤ 7e-7 relative in the tests), as its own threading may.
  /// For the time loops of the recurrent layers, while OpenBLAS is held to one thread
  /// (``BLASThreads/alone(when:_:)``): TimeLSTM N=20, D=H=650 took forward 84 → 66 ms and
  /// backward 124 → 99 ms against one unsplit call per step (medians of 8 interleaved runs).
  /// Small products go to ``gemm`` unsplit.
  @inlinable
  package static func gemmByColumns<T: LayerScalar>(
    _ a: Matrix<T>, transposed ta: Bool, _ b: Matrix<T>, transposed tb: Bool,
    into c: MutableMatrix<T>
  ) {
    let k = ta ? a.rows : a.cols
    let parts = c.rows * c.cols * k >= columnSplitWork ? min(Processors.available, c.cols / 64) : 1
    guard parts > 1 else {
      gemm(a, transposed: ta, b, transposed: tb, into: c)
      return
    }
    let blocks = UncheckedSendable((a: a, b: b, c: c))
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      let (a, b, c) = blocks.value
      let (from, to) = (c.cols * part / parts, c.cols * (part + 1) / parts)
      // Columns from..<to of op(B): columns of B, or rows of B when it is transposed.
      let bPart =
        tb
        ? Matrix(b.base + from * b.ld, rows: to - from, cols: b.cols, ld: b.ld)
        : Matrix(b.base + from, rows: b.rows, cols: to - from, ld: b.ld)
      let cPart = MutableMatrix(c.base + from, rows: c.rows, cols: to - from, ld: c.ld)
      gemm(a, transposed: ta, bPart, transposed: tb, into: cPart)
    }
  }
}

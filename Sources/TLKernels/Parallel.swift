import Dispatch
import TLArray
import TLSystem

/// Row-parallel loops for the elementwise passes too large for one core (a softmax over
/// N·T×V scores), on the processors this process may use (TLSystem's `Processors.available`);
/// their pointers cross to the workers in TLSystem's `UncheckedSendable`, each worker writing
/// only its own rows or columns. Each row is computed by exactly one worker with the same
/// arithmetic as the serial loop, so the result does not depend on the number of workers.
///
/// Work is handed out in small chunks (``chunksPerWorker`` per worker), each taken by whichever
/// worker is free next (`DispatchQueue.concurrentPerform` hands out its iterations that way), not
/// in one equal part per core: when another process holds a core, the worker on it takes fewer
/// chunks, and the loop waits at most for one chunk computed at the busy core's share of speed
/// instead of for a whole half.
extension Kernel {
  /// Below this many elements a pass runs on the calling thread: waking workers costs more.
  @usableFromInline package static let parallelElements = 1 << 18

  /// How many chunks per worker a parallel loop is cut into: the longest wait for a worker
  /// slowed by a busy core is one chunk, 1/(chunksPerWorker·workers) of the loop.
  @usableFromInline package static let chunksPerWorker = 4

  /// Calls `body(rowRange)` over `rows` rows cut into contiguous chunks that the workers take
  /// as they become free, or once with every row when `rows × cols` is small; on the count
  /// ``withRowWorkers(_:_:)`` forces, whatever the size, in the tests.
  @usableFromInline package static func forEachRowRange(rows: Int, cols: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let forced = forcedWorkers
    let workers =
      forced > 0 ? min(forced, rows) : rows * cols >= parallelElements ? min(Processors.available, rows) : 1
    guard workers > 1 else {
      body(0..<rows)
      return
    }
    let chunks = min(rows, workers * chunksPerWorker)
    concurrentPerform(iterations: chunks) { chunk in
      body((rows * chunk / chunks)..<(rows * (chunk + 1) / chunks))
    }
  }

  /// `count` cut into nearly equal chunks for `workers` workers (``chunksPerWorker`` each, fewer
  /// when that would make them narrower than `minWidth`), every bound but the last a multiple of
  /// `align`: chunk `i` is `bounds[i]..<bounds[i + 1]`. Equal chunks keep the free workers
  /// evenly loaded (2600 columns: 7 × 320 and 360, not 6 × 384 and 296).
  @usableFromInline package static func chunkBounds(_ count: Int, workers: Int, align: Int, minWidth: Int) -> [Int] {
    evenBounds(count, parts: max(1, min(workers * chunksPerWorker, count / max(1, minWidth))), align: align)
  }

  /// `0..<count` cut into `parts` nearly equal ranges (fewer where alignment merges two), every
  /// bound but the last a multiple of `align`: range `i` is `bounds[i]..<bounds[i + 1]`.
  package static func evenBounds(_ count: Int, parts: Int, align: Int) -> [Int] {
    var bounds = [0]
    for i in 1..<max(1, parts) {
      let bound = count * i / parts / align * align
      if bound > bounds[bounds.count - 1] { bounds.append(bound) }
    }
    bounds.append(count)
    return bounds
  }
}

extension Kernel {
  /// `DispatchQueue.concurrentPerform`, whose items, inside a TLSystem `WorkerPlacement` region
  /// (a time loop, a wide product, a deferred product's blocks), keep off the CPU the region's
  /// caller holds, and outside one settle their thread's mask first (TLSystem's
  /// `Processors.concurrentPerform`): the workers of every parallel loop here go through it.
  @usableFromInline package static func concurrentPerform(iterations: Int, _ work: @Sendable (Int) -> Void) {
    guard let placement = WorkerPlacement.enclosing else {
      Processors.concurrentPerform(iterations: iterations, work)
      return
    }
    DispatchQueue.concurrentPerform(iterations: iterations) { index in placement.worker { work(index) } }
  }
}

extension Kernel {
  /// Below this many multiply-adds a product is not split (waking a worker costs more).
  @usableFromInline package static let columnSplitWork = 1 << 22

  /// C ← op(A)·op(B) as single-threaded BLAS calls on blocks of C's columns (and the matching
  /// columns of op(B)), ``chunksPerWorker`` blocks per core of a multiple of 64 columns, each
  /// block taken by whichever worker is free next. Each element is still one BLAS dot product
  /// over all of K, but OpenBLAS picks its kernel by shape, so the sums may round differently
  /// from one unsplit call (within √K·ε relative in the tests: the AVX-512 kernels take small
  /// blocks through a small-matrix path), as its own threading may.
  /// For the time loops of the recurrent layers, while OpenBLAS is held to one thread
  /// (``BLASThreads/alone(when:_:)``): TimeLSTM N=20, D=H=650 took forward 84 → 66 ms and
  /// backward 124 → 99 ms against one unsplit call per step (medians of 8 interleaved runs,
  /// one block per core). Small blocks rather than one per core keep a core held by another
  /// process from doubling the step: the other worker takes the blocks it leaves.
  /// Small products go to ``gemm`` unsplit.
  @inlinable
  package static func gemmByColumns<T: LayerScalar>(
    _ a: Matrix<T>, transposed ta: Bool, _ b: Matrix<T>, transposed tb: Bool,
    into c: MutableMatrix<T>
  ) {
    let k = ta ? a.rows : a.cols
    let workers = c.rows * c.cols * k >= columnSplitWork ? min(Processors.available, c.cols / 64) : 1
    guard workers > 1 else {
      gemm(a, transposed: ta, b, transposed: tb, into: c)
      return
    }
    let bounds = chunkBounds(c.cols, workers: workers, align: 16, minWidth: 64)
    let blocks = UncheckedSendable((a: a, b: b, c: c))
    concurrentPerform(iterations: bounds.count - 1) { part in
      let (a, b, c) = blocks.value
      let (from, to) = (bounds[part], bounds[part + 1])
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

extension Kernel {
  /// A product at least this wide (C's columns) and this large (multiply-adds) is split by
  /// ``gemmSplittingWide`` instead of going to OpenBLAS's threads whole.
  @usableFromInline package static let wideSplitColumns = 2048
  @usableFromInline package static let wideSplitWork = 1 << 24

  /// C ← op(A)·op(B) (+ C when `accumulate`) for a wide product (TimeAffine's x·W and xᵀ·dout,
  /// N·T×V; TimeLSTM's x·Wx and its weight gradients, G·H wide) as single-threaded BLAS calls
  /// on blocks of C's columns, ``chunksPerWorker`` per core, each taken by whichever worker is
  /// free next; returns false (and does nothing) for a product that is not wide enough or when
  /// OpenBLAS already runs on one thread (a batch of several jobs, a recurrent time loop).
  /// OpenBLAS splits a product into equal parts per thread, so a core held by another process
  /// doubled every product; here the free core takes the blocks the busy one leaves. Blocks are
  /// wide enough (≥ 256 columns) that re-packing op(A) per block costs a few per cent. Each
  /// element is one BLAS dot product over all of K, as in one call; OpenBLAS's kernel choice by
  /// shape may round the sums differently (as its own threading does).
  /// Narrower products (TimeAffine's dx = dout·Wᵀ, N·T×H) are not cut by columns: each block
  /// would re-pack the whole of dout. Deep ones are cut along K instead
  /// (``gemmSplittingDepth``); the rest stay one threaded OpenBLAS call.
  @usableFromInline package static func gemmSplittingWide<T: LayerScalar>(
    _ a: Matrix<T>, transposed ta: Bool, _ b: Matrix<T>, transposed tb: Bool,
    into c: MutableMatrix<T>, accumulate: Bool
  ) -> Bool {
    let k = ta ? a.rows : a.cols
    let workers = Processors.available
    guard c.cols >= wideSplitColumns, c.rows * c.cols * k >= wideSplitWork, workers > 1,
      BLASThreads.count > 1
    else { return false }
    let bounds = chunkBounds(c.cols, workers: workers, align: 64, minWidth: 256)
    let blocks = UncheckedSendable((a: a, b: b, c: c))
    BLASThreads.alone(when: true) { _ in
      concurrentPerform(iterations: bounds.count - 1) { part in
        let (a, b, c) = blocks.value
        let (from, to) = (bounds[part], bounds[part + 1])
        let bPart = b.base + (tb ? from * b.ld : from)
        T.gemm(
          transA: ta, transB: tb, m: c.rows, n: to - from, k: k, alpha: 1, a: a.base, lda: a.ld,
          b: bPart, ldb: b.ld, beta: accumulate ? 1 : 0, c: c.base + from, ldc: c.ld)
      }
    }
    return true
  }
}

extension Kernel {
  /// Calls `body(range)` over `0..<count` cut into contiguous ranges (whole blocks of
  /// `alignment` elements but the last) that the workers take as they become free, as
  /// ``forEachRowRange(rows:cols:_:)`` does with rows; once with the whole range when `count`
  /// is below ``parallelElements``. For elementwise passes over flat buffers (Adam's step), whose
  /// bits do not depend on where the ranges are cut.
  @usableFromInline package static func forEachElementRange(
    count: Int, alignment: Int = 1024, _ body: @Sendable (Range<Int>) -> Void
  ) {
    let blocks = (count + alignment - 1) / alignment
    forEachRowRange(rows: blocks, cols: alignment) { range in
      body((range.lowerBound * alignment)..<min(count, range.upperBound * alignment))
    }
  }
}

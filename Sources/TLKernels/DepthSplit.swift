import Synchronization
import TLArray
import TLSystem

/// Narrow products split along their depth K: TimeAffine's dx = dout·Wᵀ (N·T×H, K = V) and
/// TimeLSTM's dxs = dA·Wxᵀ (N·T×D, K = 4H), too narrow for ``Kernel/gemmSplittingWide``'s
/// column blocks (each block would re-pack all of op(A)).
///
/// OpenBLAS splits such a product into one equal part per thread, so a core held by another
/// process doubled it (TimeAffine backward 51 → 100 ms). Here K is cut into parts that the
/// workers take as they become free, each a single-threaded BLAS call into its own m×n
/// partial product, and the partials are then added in part order. The cut depends on K alone
/// and the additions on the part order alone, so the bits of a split product do not depend on
/// the cores or on who took which part. They differ from one unsplit call's (its sum over K
/// runs in one accumulator per element, here in one per part), within √K·ε relative in the
/// tests; and whether a product is split depends on the run: not in a batch of several jobs
/// (OpenBLAS is on one thread there), not with one processor or `OPENBLAS_NUM_THREADS=1`, and,
/// for a library caller multiplying on several threads, not while another thread holds
/// OpenBLAS narrowed. At most ``depthParts`` workers share such a product.
extension Kernel {
  /// A narrow product is split along K from this depth (TimeLSTM's 4H = 2600 and TimeAffine's
  /// V = 10000 at the book's size are).
  @usableFromInline package static let depthSplitMinimum = 2048
  /// K is cut into ``depthParts`` parts, or fewer where a part would be shallower than
  /// ``depthPartMinimum``: six parts keep two equal cores evenly loaded (three each) and, with
  /// one of them at half speed, the fast one takes four while the slow one takes two, both
  /// ending together.
  @usableFromInline package static let depthParts = 6
  @usableFromInline package static let depthPartMinimum = 384

  /// The bounds of K's parts (part `i` is `bounds[i]..<bounds[i + 1]`): about equal, every bound
  /// but the last a multiple of 16, an even count, fixed by `k` alone.
  package static func depthBounds(_ k: Int) -> [Int] {
    evenBounds(k, parts: max(1, min(depthParts, k / depthPartMinimum / 2 * 2)), align: 16)
  }

  /// C ← op(A)·op(B) (C holding zeros when `intoZeros`) as parts along K, for a product
  /// narrower than ``wideSplitColumns``, at least ``wideSplitWork`` multiply-adds and
  /// ``depthSplitMinimum`` deep, while OpenBLAS runs on several threads on a machine with
  /// several processors (or whatever the threads and processors when `forced`, for the tests);
  /// returns false (and does nothing) otherwise, or when the product accumulates into C.
  /// C's rows are taken in blocks whose partials fit in `partialBytes` (``partialsKept``; the
  /// tests ask for less), one block after the other: one block at the book's size in float32,
  /// and the sweep's N·T = 11200 in float64 takes 18 blocks instead of 291 MB of fresh partials.
  @usableFromInline package static func gemmSplittingDepth<T: LayerScalar>(
    _ a: Matrix<T>, transposed ta: Bool, _ b: Matrix<T>, transposed tb: Bool,
    into c: MutableMatrix<T>, accumulate: Bool, intoZeros: Bool, forced: Bool = false,
    partialBytes: Int = partialsKept
  ) -> Bool {
    let k = ta ? a.rows : a.cols
    guard !accumulate, c.cols < wideSplitColumns, k >= depthSplitMinimum, c.rows * c.cols * k >= wideSplitWork,
      forced || (Processors.available > 1 && BLASThreads.count > 1)
    else { return false }
    let bounds = depthBounds(k)
    let (m, n) = (c.rows, c.cols)
    let partialRow = (bounds.count - 2) * n
    let blockRows = partialRow == 0 ? m : max(1, min(m, partialBytes / (partialRow * MemoryLayout<T>.stride)))
    // Part 0 goes into C, the others into partials of their own.
    withPartials(byteCount: partialRow * blockRows * MemoryLayout<T>.stride) { memory, zeroed in
      let partials = memory.bindMemory(to: T.self, capacity: partialRow * blockRows)
      for first in stride(from: 0, to: m, by: blockRows) {
        let rows = min(blockRows, m - first)
        // op(A)'s rows first..<first + rows: rows of A, or columns of A when it is transposed.
        let aBlock =
          ta
          ? Matrix(a.base + first, rows: a.rows, cols: rows, ld: a.ld)
          : Matrix(a.base + first * a.ld, rows: rows, cols: a.cols, ld: a.ld)
        split(
          aBlock, transposed: ta, b, transposed: tb,
          into: MutableMatrix(c.base + first * c.ld, rows: rows, cols: n, ld: c.ld),
          intoZeros: intoZeros, bounds: bounds, partials: partials, partialsZeroed: zeroed && first == 0)
      }
    }
    return true
  }

  /// The parts of ``gemmSplittingDepth``, part `p` > 0 into `partials` + (p − 1)·m·n (holding
  /// zeros when `partialsZeroed`), then their sum into C in part order.
  private static func split<T: LayerScalar>(
    _ a: Matrix<T>, transposed ta: Bool, _ b: Matrix<T>, transposed tb: Bool, into c: MutableMatrix<T>,
    intoZeros: Bool, bounds: [Int], partials: UnsafeMutablePointer<T>, partialsZeroed: Bool
  ) {
    let (m, n) = (c.rows, c.cols)
    let operands = UncheckedSendable((a: a, b: b, c: c, partials: partials))
    BLASThreads.alone(when: true) { _ in
      concurrentPerform(iterations: bounds.count - 1) { part in
        let (a, b, c, partials) = operands.value
        let (from, to) = (bounds[part], bounds[part + 1])
        // K's range from..<to: columns of op(A) and rows of op(B).
        let aPart = ta ? a.base + from * a.ld : a.base + from
        let bPart = tb ? b.base + from : b.base + from * b.ld
        let (out, ldc) = part == 0 ? (c.base, c.ld) : (partials + (part - 1) * m * n, n)
        // Added to zeros where the output holds them (``gemm``'s beta = 1 on zeros).
        let addsToZeros = (part > 0 ? partialsZeroed : intoZeros) && addsToZeros(m: m, n: n, k: to - from)
        T.gemm(
          transA: ta, transB: tb, m: m, n: n, k: to - from, alpha: 1, a: aPart, lda: a.ld, b: bPart,
          ldb: b.ld, beta: addsToZeros ? 1 : 0, c: out, ldc: ldc)
      }
      forEachRowRange(rows: m, cols: n * (bounds.count - 1)) { rows in
        let (_, _, c, partials) = operands.value
        for part in 1..<(bounds.count - 1) {
          let partial = partials + (part - 1) * m * n
          for row in rows { T.add(partial + row * n, into: c.base + row * c.ld, count: n) }
        }
      }
    }
  }

  /// The partials' memory, kept from one split product to the next: TimeAffine's dx and
  /// TimeLSTM's dxs take partials of the same size (9.1 MB at the book's size in float32), and
  /// fresh memory costs a page fault per page at its first touch (on this VM's free-page
  /// reporting, up to several ms per 2 MiB). One buffer, the largest asked for so far up to
  /// ``partialsKept`` bytes; larger partials are fresh each time.
  private static let partialsCache = Mutex<ArrayStorage?>(nil)
  /// 16 MiB: the book's size takes 9.1 MB in float32 (one block of rows), 18.2 in float64 (two).
  @usableFromInline package static let partialsKept = 16 << 20

  /// Runs `body` on at least `byteCount` bytes of partials' memory, the kept buffer when it is
  /// large enough and free, else fresh (`zeroed` says whether it holds zeros), then keeps the
  /// larger of the two unless it is over ``partialsKept``.
  private static func withPartials<R>(byteCount: Int, _ body: (UnsafeMutableRawPointer, _ zeroed: Bool) -> R) -> R {
    let kept = partialsCache.withLock { cache -> ArrayStorage? in
      guard let storage = cache, storage.byteCount >= byteCount else { return nil }
      cache = nil
      return storage
    }
    let storage = kept ?? ArrayStorage(byteCount: byteCount)
    defer {
      partialsCache.withLock { cache in
        if (cache?.byteCount ?? 0) < storage.byteCount, storage.byteCount <= partialsKept { cache = storage }
      }
    }
    return body(storage.base, kept == nil && storage.isZeroed)
  }
}

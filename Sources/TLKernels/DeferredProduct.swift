import Dispatch
import Glibc
import Synchronization
import TLArray
import TLSystem

/// A wide float32 product C ← op(A)·op(B) whose column blocks are computed later, by whichever
/// thread has a core free: a layer's weight gradient (TimeAffine's dW = xᵀ·dout, D×V) that the
/// layer below it in the backward can take blocks of while its own time loop, bound by reading
/// Wh, leaves a core idle (``computeBeside(_:)``); the rest when the gradient is read
/// (``finish()``).
///
/// The blocks (``blockBounds(columns:)``) are single-threaded BLAS calls on column ranges fixed
/// by C's width alone, so every element has the same bits whichever thread computes its block
/// and whenever. They are narrower than ``Kernel/gemmSplittingWide``'s, so the bits may differ
/// from those of the product run at once by OpenBLAS's kernel choice for a block's last
/// columns, as with its threading. Made by ``offering(_:transposed:_:transposed:into:keeping:)``,
/// which also offers it to the calling thread's next time loop (``takeOffered()``).
package final class DeferredProduct: @unchecked Sendable {
  private let bounds: [Int]
  private let block: (_ from: Int, _ to: Int) -> Void
  /// Blocks `0..<claimed` are taken, `done` of them finished.
  private let state = Mutex((claimed: 0, done: 0, finishing: false))
  private let finished = DispatchSemaphore(value: 0)

  /// The arrays behind the block's pointers, let go once every block is done (dout is 28 MB
  /// at the book's size).
  private let kept: Mutex<[NDArray]>

  private init(bounds: [Int], keeping: [NDArray], block: @escaping (_ from: Int, _ to: Int) -> Void) {
    self.bounds = bounds
    self.block = block
    kept = Mutex(keeping)
  }

  /// Leaves C ← op(A)·op(B) (C m×n, float32, holding zeros: the blocks add their products to
  /// it, as ``Kernel/gemm(_:transposed:_:transposed:into:accumulate:intoZeros:)`` does with
  /// `intoZeros`) for later when it is wide enough for
  /// ``Kernel/gemmSplittingWide`` to split it (C at least ``Kernel/wideSplitColumns`` wide) and
  /// OpenBLAS runs on several threads; returns nil (and does nothing) otherwise. `keeping` holds
  /// the arrays behind the pointers until the product is done. The product is offered to the
  /// calling thread's next time loop.
  package static func offering(
    _ a: Matrix<Float>, transposed ta: Bool, _ b: Matrix<Float>, transposed tb: Bool,
    into c: MutableMatrix<Float>, keeping: [NDArray]
  ) -> DeferredProduct? {
    let k = ta ? a.rows : a.cols
    let workers = Processors.available
    guard c.cols >= Kernel.wideSplitColumns, c.rows * c.cols * k >= Kernel.wideSplitWork, workers > 1,
      BLASThreads.count > 1 || isForced
    else { return nil }
    let bounds = blockBounds(columns: c.cols)
    let operands = UncheckedSendable((a: a, b: b, c: c))
    let product = DeferredProduct(bounds: bounds, keeping: keeping) { from, to in
      let (a, b, c) = operands.value
      Float.gemm(
        transA: ta, transB: tb, m: c.rows, n: to - from, k: k, alpha: 1, a: a.base, lda: a.ld,
        b: b.base + (tb ? from * b.ld : from), ldb: b.ld,
        beta: Kernel.addsToZeros(m: c.rows, n: to - from, k: k) ? 1 : 0, c: c.base + from, ldc: c.ld)
    }
    product.offer()
    return product
  }

  private var blocks: Int { bounds.count - 1 }

  /// The block bounds for C's `columns`: blocks of about ``blockColumns`` (multiples of 64 but
  /// the last), block `i` being `bounds[i]..<bounds[i + 1]`. Small enough that a helper slowed by
  /// a busy core holds the loop beside it (which waits for the block the helper is on) and the
  /// finishing workers (which wait for the last one) only briefly: 19 blocks of 10000 columns.
  package static func blockBounds(columns: Int) -> [Int] {
    Kernel.evenBounds(columns, parts: max(1, columns / blockColumns), align: 64)
  }

  /// The width a block aims at: 512 columns (each block re-packs op(A), 1.8 MB for TimeAffine's
  /// 650×700 xᵀ: ~2 % more memory traffic than 8 blocks).
  package static let blockColumns = 512

  /// Whether every block is done (C is complete).
  package var isComplete: Bool { state.withLock { $0.done == blocks } }

  /// Claims the next block and computes it; false when none was left (or ``finish()`` has
  /// begun and `helper` is set).
  private func computeNextBlock(helper: Bool) -> Bool {
    let claimed = state.withLock { s -> Int? in
      guard s.claimed < blocks, !(helper && s.finishing) else { return nil }
      s.claimed += 1
      return s.claimed - 1
    }
    guard let claimed else { return false }
    block(bounds[claimed], bounds[claimed + 1])
    let all = state.withLock { s -> Bool in
      s.done += 1
      return s.done == blocks
    }
    if all {
      kept.withLock { $0 = [] }
      finished.signal()
    }
    return true
  }

  /// Runs `body` on the calling thread while a helper thread computes blocks of this product,
  /// then stops the helper (after the block it is on) and returns once it has. For a loop that
  /// leaves a core idle, with OpenBLAS held to one thread (``BLASThreads/alone(when:_:)``) so
  /// that the helper's calls run on the helper alone.
  package func computeBeside<R>(_ body: () throws -> R) rethrows -> R {
    Self.forcedUse?.besides.add(1, ordering: .relaxed)
    let helper = Mutex((stop: false, started: false, ended: false))
    let ended = DispatchSemaphore(value: 0)
    return try WorkerPlacement.region { placement in
      DispatchQueue.global().async {
        WorkerPlacement.settle()  // a thread the held caller started has its one CPU until then
        guard
          helper.withLock({ h in
            h.started = !h.stop
            return h.started
          })
        else { return }
        placement.worker {
          while !helper.withLock({ $0.stop }), self.computeNextBlock(helper: true) {}
        }
        helper.withLock { $0.ended = true }
        ended.signal()
      }
      defer {
        // A helper that has not started will not; one that has is waited for.
        let running = helper.withLock { h -> Bool in
          h.stop = true
          return h.started && !h.ended
        }
        if running { ended.wait() }
      }
      return try body()
    }
  }

  /// Computes the blocks nobody has taken, over the cores as ``Kernel/gemmSplittingWide`` does,
  /// and returns once every block is done (those a helper is computing included).
  package func finish() {
    let remaining = state.withLock { s -> Int in
      s.finishing = true
      return blocks - s.claimed
    }
    if remaining > 0 {
      BLASThreads.alone(when: true) { _ in
        Kernel.concurrentPerform(iterations: min(remaining, Processors.available)) { _ in
          while self.computeNextBlock(helper: false) {}
        }
      }
    }
    let waits = state.withLock { s -> Bool in s.done < blocks }
    if waits {
      finished.wait()
      finished.signal()  // for another thread finishing it meanwhile
    }
    withdraw()
  }

  // MARK: Offering to the next time loop

  /// Per thread (pthread_self), the product offered there, held weakly: the layer that made it
  /// owns it.
  private static let offers = Mutex([UInt: Weak]())
  private struct Weak { weak var product: DeferredProduct? }

  private func offer() {
    let thread = UInt(pthread_self())
    Self.offers.withLock { offers in
      offers = offers.filter { $0.value.product != nil }  // forget the finished and the freed
      offers[thread] = Weak(product: self)
    }
  }

  private func withdraw() {
    Self.offers.withLock { offers in offers = offers.filter { $0.value.product.map { $0 !== self } ?? false } }
  }

  /// The product offered on the calling thread and not yet finished, withdrawn from the offers
  /// (nil if none): for a time loop that leaves a core idle.
  package static func takeOffered() -> DeferredProduct? {
    let thread = UInt(pthread_self())
    return offers.withLock { offers in
      let product = offers.removeValue(forKey: thread)?.product
      return product.flatMap { p in p.state.withLock { $0.finishing } ? nil : p }
    }
  }

  // MARK: Tests

  /// Counts the loops a product was computed beside inside one ``withForcedUse(_:)``.
  package final class ForcedUse: Sendable {
    let besides = Atomic<Int>(0)
  }

  /// Set by ``withForcedUse(_:)`` for its task only.
  @TaskLocal private static var forcedUse: ForcedUse?

  /// Whether the calling task is inside ``withForcedUse(_:)``: products are deferred, and time
  /// loops take them, whatever OpenBLAS's thread count.
  package static var isForced: Bool { forcedUse != nil }

  /// Runs `body` with products deferred and taken beside a time loop even where OpenBLAS runs
  /// on one thread (the tests' way to take that path whatever other tests do meanwhile to the
  /// thread count); returns its result and how many loops computed a product beside them.
  /// Task-local.
  package static func withForcedUse<R>(_ body: () throws -> R) rethrows -> (result: R, besides: Int) {
    let use = ForcedUse()
    let result = try $forcedUse.withValue(use) { try body() }
    return (result, use.besides.load(ordering: .relaxed))
  }
}

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
/// The blocks are ``Kernel/gemmSplittingWide``'s, each one single-threaded BLAS call on the same
/// columns, so every element has the same bits as when the product runs at once, whichever
/// thread computes its block. Made by ``offering(_:transposed:_:transposed:into:keeping:)``,
/// which also offers it to the calling thread's next time loop (``takeOffered()``).
package final class DeferredProduct: @unchecked Sendable {
  private let bounds: [Int]
  private let block: (_ from: Int, _ to: Int) -> Void
  /// Blocks `0..<claimed` are taken, `done` of them finished.
  private let state = Mutex((claimed: 0, done: 0, finishing: false))
  private let finished = DispatchSemaphore(value: 0)

  private init(bounds: [Int], block: @escaping (_ from: Int, _ to: Int) -> Void) {
    self.bounds = bounds
    self.block = block
  }

  /// Leaves C ← op(A)·op(B) (C m×n, float32) for later when it is wide enough for
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
    let bounds = Kernel.chunkBounds(c.cols, workers: workers, align: 64, minWidth: 256)
    let operands = UncheckedSendable((a: a, b: b, c: c))
    let product = DeferredProduct(bounds: bounds) { from, to in
      _ = keeping  // alive until the last block is done
      let (a, b, c) = operands.value
      Float.gemm(
        transA: ta, transB: tb, m: c.rows, n: to - from, k: k, alpha: 1, a: a.base, lda: a.ld,
        b: b.base + (tb ? from * b.ld : from), ldb: b.ld, beta: 0, c: c.base + from, ldc: c.ld)
    }
    product.offer()
    return product
  }

  private var blocks: Int { bounds.count - 1 }

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
    if all { finished.signal() }
    return true
  }

  /// Runs `body` on the calling thread while a helper thread computes blocks of this product,
  /// then stops the helper (after the block it is on) and returns once it has. For a loop that
  /// leaves a core idle, with OpenBLAS held to one thread (``BLASThreads/alone(when:_:)``) so
  /// that the helper's calls run on the helper alone.
  package func computeBeside<R>(_ body: () throws -> R) rethrows -> R {
    let helper = Mutex((stop: false, started: false, ended: false))
    let ended = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      guard
        helper.withLock({ h in
          h.started = !h.stop
          return h.started
        })
      else { return }
      while !helper.withLock({ $0.stop }), self.computeNextBlock(helper: true) {}
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

  /// Computes the blocks nobody has taken, over the cores as ``Kernel/gemmSplittingWide`` does,
  /// and returns once every block is done (those a helper is computing included).
  package func finish() {
    let remaining = state.withLock { s -> Int in
      s.finishing = true
      return blocks - s.claimed
    }
    if remaining > 0 {
      BLASThreads.alone(when: true) { _ in
        DispatchQueue.concurrentPerform(iterations: min(remaining, Processors.available)) { _ in
          while self.computeNextBlock(helper: false) {}
        }
      }
    }
    let waits = state.withLock { s -> Bool in s.done < blocks }
    if waits { finished.wait() }
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

  /// Set by ``withForcedUse(_:)`` for its task only.
  @TaskLocal private static var forced = false
  private static var isForced: Bool { forced }

  /// Runs `body` with products deferred even where OpenBLAS runs on one thread (the tests' way
  /// to take that path whatever other tests do meanwhile to the thread count). Task-local.
  package static func withForcedUse<R>(_ body: () throws -> R) rethrows -> R {
    try $forced.withValue(true) { try body() }
  }
}

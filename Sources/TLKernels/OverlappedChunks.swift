import Dispatch
import Synchronization
import TLSystem

/// Work cut into chunks that a helper thread does in order ahead of the caller's own loop: a
/// recurrent layer's x·Wx for the time steps ahead of its forward step loop. The step loop is
/// bound by reading Wh, so a second core gains it little (TimeLSTM N=20, H=650: 35 steps in
/// 32–43 ms split over both cores, using 1.1–1.4 of them; 32–51 ms on one, `--timings`); the
/// helper gives that core the product instead, which otherwise ran before the loop on both.
///
/// Chunks are claimed in order by whichever thread asks first: the helper takes the next one as
/// soon as it is free; the caller, waiting for a chunk nobody has claimed yet (``waitFor(_:)``,
/// ``finish()``), computes it itself rather than wait. So a helper that starts late (a busy
/// core, a busy dispatch pool) costs time, not a hang, and each chunk is computed exactly once,
/// by code that does not depend on the thread: the results do not depend on who took which
/// chunk.
///
/// `body(chunk, worker)` computes one chunk; `worker` (0 the caller, 1 the helper) picks the
/// scratch memory of the thread running it. Calls for different chunks run at the same time.
package final class OverlappedChunks: @unchecked Sendable {
  /// Counts the chunk sets, and their chunks, made inside one ``withForcedUse(_:)``.
  package final class ForcedUse: Sendable {
    let made = Atomic<Int>(0), chunks = Atomic<Int>(0)
  }

  /// Set by ``withForcedUse(_:)`` for its task only.
  @TaskLocal private static var forcedUse: ForcedUse?

  /// Runs `body` with the overlap taken whatever the size and whether or not OpenBLAS was
  /// narrowed (the tests' way to run that path on small layers); returns its result, how many
  /// chunk sets it made and how many chunks they had. Task-local, as
  /// ``PanelProduct/withBLASSteps(_:)``.
  package static func withForcedUse<R>(_ body: () throws -> R) rethrows -> (result: R, made: Int, chunks: Int) {
    let use = ForcedUse()
    let result = try $forcedUse.withValue(use) { try body() }
    return (result, use.made.load(ordering: .relaxed), use.chunks.load(ordering: .relaxed))
  }

  /// Whether the calling task is inside ``withForcedUse(_:)``.
  package static var isForced: Bool { forcedUse != nil }

  /// Whether products of `multiplyAdds` are worth a helper thread: at least
  /// ``minimumMultiplyAdds`` on a machine with two cores or more (or inside
  /// ``withForcedUse(_:)``).
  package static func worthwhile(multiplyAdds: Int) -> Bool {
    isForced || (multiplyAdds >= minimumMultiplyAdds && Processors.available > 1)
  }

  /// 2²⁶ multiply-adds: ~0.5 ms of one core at this machine's sgemm rate, well above the cost of
  /// a helper thread and its wake-ups (tens of microseconds).
  package static let minimumMultiplyAdds = 1 << 26

  private struct State {
    /// Chunks `0..<claimed` are taken.
    var claimed = 0
    var done: [Bool]
    /// Whether the caller sleeps on `doneSignal`.
    var callerWaits = false
    /// Whether the helper has begun (it may never, if ``finish()`` comes first) and ended.
    var helperStarted = false, helperEnded = false, cancelled = false
  }

  private let chunks: Int
  private let body: (_ chunk: Int, _ worker: Int) -> Void
  private let state: Mutex<State>
  private let doneSignal = DispatchSemaphore(value: 0)
  private let endSignal = DispatchSemaphore(value: 0)

  /// Starts the helper on a dispatch thread.
  package init(chunks: Int, body: @escaping (_ chunk: Int, _ worker: Int) -> Void) {
    self.chunks = chunks
    self.body = body
    state = Mutex(State(done: Array(repeating: false, count: chunks)))
    Self.forcedUse?.made.add(1, ordering: .relaxed)
    Self.forcedUse?.chunks.add(chunks, ordering: .relaxed)
    // Inside a time loop's placement region, the helper keeps off the loop's CPU.
    let placement = WorkerPlacement.enclosing
    DispatchQueue.global().async {
      WorkerPlacement.settle()  // a thread the held caller started has its one CPU until then
      if let placement { placement.worker { self.helperLoop() } } else { self.helperLoop() }
    }
  }

  /// Whether every chunk is done (the helper is idle or gone).
  package var isComplete: Bool { state.withLock { s in s.claimed == chunks && s.done.allSatisfy { $0 } } }

  /// Returns when chunk `chunk` is done: computes it (and any unclaimed chunk before it) on the
  /// calling thread, or waits for the helper that took it.
  package func waitFor(_ chunk: Int) {
    enum Next {
      case done
      case run(Int)
      case wait
    }
    while true {
      let next = state.withLock { s -> Next in
        if s.done[chunk] { return .done }
        if s.claimed <= chunk {
          s.claimed += 1
          return .run(s.claimed - 1)
        }
        s.callerWaits = true
        return .wait
      }
      switch next {
      case .done: return
      case .run(let mine): complete(mine, worker: 0)
      case .wait: doneSignal.wait()
      }
    }
  }

  /// Returns when every chunk is done (those still unclaimed computed on the calling thread)
  /// and the helper has ended, or will never run a chunk.
  package func finish() {
    for chunk in 0..<chunks { waitFor(chunk) }
    let waitsForHelper = state.withLock { s -> Bool in
      if !s.helperStarted { s.cancelled = true }  // when it starts, it ends at once
      return s.helperStarted && !s.helperEnded
    }
    if waitsForHelper { endSignal.wait() }
  }

  private func complete(_ chunk: Int, worker: Int) {
    body(chunk, worker)
    let wake = state.withLock { s -> Bool in
      s.done[chunk] = true
      defer { s.callerWaits = false }
      return s.callerWaits
    }
    if wake { doneSignal.signal() }
  }

  private func helperLoop() {
    guard
      state.withLock({ s in
        s.helperStarted = !s.cancelled
        return s.helperStarted
      })
    else { return }
    while true {
      let chunk = state.withLock { s -> Int? in
        guard s.claimed < chunks else {
          s.helperEnded = true
          return nil
        }
        s.claimed += 1
        return s.claimed - 1
      }
      guard let chunk else { break }
      complete(chunk, worker: 1)
    }
    endSignal.signal()
  }
}

import Glibc
import Synchronization
import TLKernels
import TLSystem
import Testing

/// ``OverlappedChunks``: every chunk computed exactly once, by the helper or the caller;
/// ``OverlappedChunks/waitFor(_:)`` returns only once its chunk is done; ``OverlappedChunks/finish()``
/// returns only once all are done and the helper is out of the body.
struct OverlappedChunksTests {
  /// Per chunk: how many times it ran and whether it had finished; how many workers are in the
  /// body now, and how many chunks the helper ran.
  final class Record: Sendable {
    struct Counts {
      var runs: [Int], finished: [Bool], inBody = 0, byHelper = 0
    }
    let counts: Mutex<Counts>
    init(_ count: Int) {
      counts = Mutex(Counts(runs: Array(repeating: 0, count: count), finished: Array(repeating: false, count: count)))
    }
    func body(_ chunk: Int, _ worker: Int, pause: Duration) {
      counts.withLock { c in
        c.inBody += 1
        c.runs[chunk] += 1
        if worker == 1 { c.byHelper += 1 }
      }
      if pause > .zero { sleepThread(pause) }
      counts.withLock { c in
        c.finished[chunk] = true
        c.inBody -= 1
      }
    }
    var runs: [Int] { counts.withLock { $0.runs } }
    func finished(_ chunk: Int) -> Bool { counts.withLock { $0.finished[chunk] } }
    var inBody: Int { counts.withLock { $0.inBody } }
    var byHelper: Int { counts.withLock { $0.byHelper } }
  }

  @Test("each chunk runs once; waitFor returns after its chunk", arguments: [1, 2, 7, 40])
  func eachChunkOnce(_ count: Int) {
    for round in 0..<50 {
      let record = Record(count)
      let pause: Duration = round % 5 == 0 ? .microseconds(200) : .zero
      let chunks = OverlappedChunks(chunks: count) { record.body($0, $1, pause: pause) }
      for chunk in 0..<count {
        chunks.waitFor(chunk)
        #expect(record.finished(chunk), "chunk \(chunk) of \(count)")
      }
      chunks.finish()
      #expect(chunks.isComplete)
      #expect(record.inBody == 0, "a worker still in the body")
      #expect(record.runs == Array(repeating: 1, count: count), "\(count) chunks")
    }
  }

  /// A caller that asks for the last chunk first takes every unclaimed one itself; the helper,
  /// once it has a chunk, is waited for.
  @Test func waitingForTheLastChunkFirst() {
    let record = Record(12)
    let chunks = OverlappedChunks(chunks: 12) { record.body($0, $1, pause: .microseconds(300)) }
    chunks.waitFor(11)
    #expect(record.finished(11))
    chunks.finish()
    #expect(record.runs == Array(repeating: 1, count: 12))
  }

  /// With a slow body the helper does take some of the chunks: it is really started. It runs on
  /// a dispatch thread, which a pool loaded by the rest of the suite may start late (20 tries
  /// of 5 ms each once missed it in a CI run), so the caller waits for the helper's first chunk
  /// before it finishes, up to 60 s, instead of guessing how long that takes.
  @Test(.enabled(if: Processors.available > 1, "needs a second core for the helper"))
  func theHelperTakesChunks() {
    let record = Record(8)
    let chunks = OverlappedChunks(chunks: 8) { record.body($0, $1, pause: .milliseconds(2)) }
    let clock = ContinuousClock()
    let deadline = clock.now + .seconds(60)
    while record.byHelper == 0 && clock.now < deadline { sleepThread(.milliseconds(1)) }
    chunks.finish()
    #expect(record.byHelper > 0, "the helper never ran a chunk")
    #expect(record.runs == Array(repeating: 1, count: 8))
  }

  @Test func noChunks() {
    let chunks = OverlappedChunks(chunks: 0) { _, _ in Issue.record("a chunk of none ran") }
    chunks.finish()
    #expect(chunks.isComplete)
  }
}

/// Sleeps the calling thread (not the task) for `duration`.
private func sleepThread(_ duration: Duration) {
  let (seconds, attoseconds) = duration.components
  usleep(useconds_t(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
}

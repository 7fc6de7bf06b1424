import Dispatch
import Glibc
import Testing

@testable import TLKernels

/// The thread policy puts back what it changed: a batch must not leave OpenBLAS narrowed.
@Suite struct BLASThreadsTests {
  @Test("singleThreaded runs on one thread and restores the previous count")
  func singleThreadedRestoresTheCount() {
    // Other suites' scopes may be open meanwhile: compare the counts with none open.
    let before = Self.settled()
    let inside = BLASThreads.singleThreaded { BLASThreads.count }
    #expect(inside == 1)
    #expect(Self.settled() == before)
  }

  /// Narrowing scopes overlapping on several threads (batches and time loops, as tests and a
  /// library user running layers side by side make them) put back the count the first found:
  /// each reading the count for itself once left the process at one thread for good.
  @Test func overlappingScopesPutTheCountBack() {
    let before = Self.settled()
    DispatchQueue.concurrentPerform(iterations: 4) { worker in
      for round in 0..<200 {
        if (worker + round) % 3 == 0 {
          BLASThreads.singleThreaded { _ = BLASThreads.count }
        } else {
          BLASThreads.alone(when: true) { narrowed in
            // Inside any narrowing scope OpenBLAS runs on one thread.
            #expect(BLASThreads.count == 1 || !narrowed)
          }
        }
      }
    }
    #expect(Self.settled() == before)
  }

  /// The count once no scope is open on any thread (other suites' included), waiting up to 10 s.
  static func settled() -> Int? {
    for _ in 0..<10_000 {
      if let count = BLASThreads.settledCount { return count }
      usleep(1000)
    }
    return nil
  }
}

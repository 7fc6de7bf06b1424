import Testing

@testable import TLKernels

/// The thread policy puts back what it changed: a batch must not leave OpenBLAS narrowed.
@Suite struct BLASThreadsTests {
  @Test("singleThreaded runs on one thread and restores the previous count")
  func singleThreadedRestoresTheCount() {
    let before = BLASThreads.count
    let inside = BLASThreads.singleThreaded { BLASThreads.count }
    #expect(inside == 1)
    #expect(BLASThreads.count == before)
  }
}

import Testing

@testable import TLSystem

#if canImport(Glibc)
  import Glibc
#endif

/// The processor count, the machine's memory, pages and clocks.
@Suite struct SystemFactsTests {
  @Test func processorsAreAtLeastOneAndAtMostOnline() {
    #expect(Processors.available >= 1)
    #expect(Processors.available <= Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
  }

  /// A cgroup quota rounds up to whole CPUs; none (negative) or a zero period is no quota.
  @Test(arguments: [
    (150_000, 100_000, 2 as Int?), (100_000, 100_000, 1), (50_000, 100_000, 1), (-1, 100_000, nil),
    (100_000, 0, nil),
  ])
  func quotaInWholeCPUs(quota: Int, period: Int, cpus: Int?) {
    #expect(Processors.cpus(quota: quota, period: period) == cpus)
  }

  @Test func mappedPagesAreAlignedAndZeroed() throws {
    let count = 3 << 20
    let base = try #require(Memory.mapPages(byteCount: count))
    defer { Memory.unmapPages(base, byteCount: count) }
    #expect(Int(bitPattern: base) % Memory.hugePage == 0)
    let bytes = UnsafeRawBufferPointer(start: base, count: count)
    #expect(bytes.allSatisfy { $0 == 0 })
    #expect((Memory.physical ?? 1) > 0)
  }

  @Test func durationsInSeconds() {
    #expect(Duration.milliseconds(1500).seconds == 1.5)
    #expect(Duration.nanoseconds(1).seconds == 1e-9)
  }
}

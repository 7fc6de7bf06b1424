import Dispatch
import Foundation
import Synchronization
import Testing

@testable import TLSystem

/// A placement region holds its caller to one CPU and keeps its workers off it, for the region's
/// length, and changes nothing where the process may use fewer than two CPUs.
@Suite struct WorkerPlacementTests {
  /// The CPUs the calling thread may use outside any region (settled first: a test may run on
  /// a dispatch thread another test's held caller started).
  private let outside: Int

  init() {
    WorkerPlacement.settle()
    outside = Processors.ofCallingThread
  }

  @Test func theCallerHoldsOneCPUForTheRegion() {
    #expect(WorkerPlacement.enclosing == nil)
    let inside = WorkerPlacement.region { _ in (Processors.ofCallingThread, WorkerPlacement.enclosing != nil) }
    #expect(inside.0 == (outside >= 2 ? 1 : outside))
    #expect(inside.1 == (outside >= 2))
    #expect(Processors.ofCallingThread == outside)
    #expect(WorkerPlacement.enclosing == nil)
  }

  @Test func nestedRegionsKeepTheOutermostPlacement() {
    let counts = WorkerPlacement.region { _ in
      let inner = WorkerPlacement.region { _ in Processors.ofCallingThread }
      return (inner, Processors.ofCallingThread)
    }
    let held = outside >= 2 ? 1 : outside
    #expect(counts.0 == held)
    #expect(counts.1 == held, "the inner region's end must not free the outer one's caller")
    #expect(Processors.ofCallingThread == outside)
  }

  @Test func aWorkerKeepsOffTheCallersCPUWhileItWorks() {
    let seen = Mutex((during: 0, after: 0))
    WorkerPlacement.region { placement in
      // Another thread, as a dispatch worker of the region's loop (`sync` would run here).
      let done = DispatchSemaphore(value: 0)
      DispatchQueue.global().async {
        let during = placement.worker { Processors.ofCallingThread }
        seen.withLock { $0 = (during, Processors.ofCallingThread) }
        done.signal()
      }
      done.wait()
    }
    let (during, after) = seen.withLock { $0 }
    #expect(during == (outside >= 2 ? outside - 1 : outside))
    #expect(after == outside, "a worker is free again once its item ends")
  }

  @Test func onTheCallerAWorkerItemChangesNothing() {
    let counts = WorkerPlacement.region { placement in
      placement.worker { Processors.ofCallingThread }
    }
    #expect(counts == (outside >= 2 ? 1 : outside))
  }

  /// A thread started by a held caller inherits its one CPU; settling gives it the process's
  /// mask back, as every parallel loop's workers do first.
  @Test func aThreadStartedInsideARegionIsFreedBySettling() {
    let seen = Mutex((inherited: 0, settled: 0))
    let done = DispatchSemaphore(value: 0)
    WorkerPlacement.region { _ in
      let thread = Thread {
        let inherited = Processors.ofCallingThread
        WorkerPlacement.settle()
        seen.withLock { $0 = (inherited, Processors.ofCallingThread) }
        done.signal()
      }
      thread.start()
    }
    done.wait()
    let (inherited, settled) = seen.withLock { $0 }
    #expect(inherited == (outside >= 2 ? 1 : outside))
    #expect(settled == outside)
  }

  /// The worker count is the process's whichever thread reads it first, a held one included
  /// (in a process of its own, where nothing has read it yet).
  @Test func theProcessorCountIsTheProcesssWhenFirstReadInsideARegion() async {
    await #expect(processExitsWith: .success) {
      let inside = WorkerPlacement.region { _ in Processors.available }
      // The process's mask capped by a cgroup quota, as `available` counts it; a held thread's
      // own mask would give 1.
      let mask =
        Processors.processMaskCount > 0 ? Processors.processMaskCount : Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
      let expected = max(1, min(mask, Processors.cgroupQuota() ?? mask))
      guard inside == expected else { exit(1) }
    }
  }

  /// A parallel loop's workers run with the process's mask, inside a region or not (the loops
  /// outside the kernels keep no CPU apart).
  @Test func aParallelLoopsWorkersHaveTheProcesssMask() {
    let caller = pthread_self()
    let seen = Mutex([Int]())
    WorkerPlacement.region { _ in
      Processors.concurrentPerform(iterations: 16) { _ in
        guard pthread_equal(pthread_self(), caller) == 0 else { return }
        let cpus = Processors.ofCallingThread
        seen.withLock { $0.append(cpus) }
      }
    }
    #expect(seen.withLock { $0 }.allSatisfy { $0 == outside })
  }

  @Test func anErrorLeavesTheRegionFreed() {
    struct Stop: Error {}
    #expect(throws: Stop.self) { try WorkerPlacement.region { _ throws(Stop) in throw Stop() } }
    #expect(Processors.ofCallingThread == outside)
  }
}

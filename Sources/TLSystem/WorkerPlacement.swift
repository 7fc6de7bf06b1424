import CTLSystem

/// Where the threads of a parallel region run: the calling thread stays on the CPU it is on,
/// and the workers keep off that CPU, for the region's length.
///
/// Why: Linux's scheduler leaves three running threads on two CPUs as two on one and one on
/// the other. When another process holds a CPU, tl-run's two threads (a region's caller and
/// the worker it woke) were both placed on the other CPU and shared it: one core's worth for
/// the whole region, so the dynamic split gained nothing (seen with `sched_getcpu` on every
/// block of a deferred product: both threads on CPU 0 throughout, the spinner alone on CPU 1;
/// the language model took 1.8× its idle time). Held apart, one of them has the free CPU and
/// the other shares the busy one: about 1.5 cores, which the dynamic split turns into time
/// (whichever thread is slowed: the work goes to whoever is free).
///
/// Only within the process's affinity mask (what `taskset`, a Slurm cpuset or a container
/// grant), only when it holds at least two CPUs, and undone when the region ends, so a thread
/// that later runs something else (a batch's job) is free again. Nested regions on one thread
/// change nothing: the outermost placement holds. A thread started inside a region (a dispatch
/// worker the held caller's loop needed) inherits the caller's one-CPU mask: its first
/// ``worker(_:)`` item replaces that mask and frees it afterwards, and every parallel loop's
/// workers call ``settle()`` first (``Processors/concurrentPerform(iterations:_:)``, the
/// kernels' loops and helpers), so a thread that ran no item of the region is freed at its first
/// item of tl-run's elsewhere. Work of a library user's own on such a dispatch thread (its own
/// `DispatchQueue.async`, a Swift task) runs with the one CPU until it calls ``settle()``: the
/// command line has none. Linux only; elsewhere nothing changes.
public struct WorkerPlacement: Sendable {
  /// The CPU the region's calling thread holds, or -1 when it is not known.
  private let cpu: Int32

  /// Runs `body` with the calling thread held to the CPU it is on; `body` gets the placement
  /// its workers enter (``worker(_:)``).
  public static func region<R, E: Error>(_ body: (WorkerPlacement) throws(E) -> R) throws(E) -> R {
    let cpu = CTLSystem_current_cpu()
    _ = CTLSystem_placement_enter(cpu, -1)
    defer { CTLSystem_placement_leave() }
    return try body(WorkerPlacement(cpu: cpu))
  }

  /// The placement of the region whose CPU the calling thread holds, nil outside one (or where
  /// the region could not place it): for a parallel loop inside it, whose workers keep off that
  /// CPU too.
  public static var enclosing: WorkerPlacement? {
    let cpu = CTLSystem_placement_held_cpu()
    return cpu >= 0 ? WorkerPlacement(cpu: cpu) : nil
  }

  /// Puts the process's mask back on the calling thread if it started with a narrower one (once
  /// per thread; outside regions only): for the first thing a worker does.
  public static func settle() { CTLSystem_placement_settle() }

  /// Runs a worker's `body` kept off the region caller's CPU (on the caller itself, which holds
  /// that CPU already, nothing changes).
  public func worker<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
    _ = CTLSystem_placement_enter(-1, cpu)
    defer { CTLSystem_placement_leave() }
    return try body()
  }
}

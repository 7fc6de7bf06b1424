import CTLSystem
import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How many threads tl-run's parallel loops use: one per processor this process may run on.
public enum Processors {
  /// The processors this process may use: the CPUs of its affinity mask (what `taskset`, a
  /// Slurm job's cpuset or a container's `--cpuset-cpus` grant), capped by its cgroup's CPU
  /// quota rounded up (what `docker --cpus` or a Kubernetes CPU limit grant); at least 1.
  /// Read once, at first use, from the process's mask as ``WorkerPlacement`` keeps it: the same
  /// count whichever thread asks first, one a placement region holds to a CPU included.
  ///
  /// The one rule for every worker count. `sysconf(_SC_NPROCESSORS_ONLN)` counts the
  /// machine's processors whatever the process may use, and Foundation's
  /// `activeProcessorCount` honours a quota but not the affinity mask: either starts 64
  /// workers for a Slurm job granted 4 CPUs of a 64-core node, and they time-share 4 cores.
  public static let available: Int = {
    let online = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    let affinity = processMaskCount
    var count = affinity > 0 ? affinity : online
    if let quota = cgroupQuota() { count = min(count, quota) }
    return max(1, count)
  }()

  /// The CPUs of the process's affinity mask as read once (``WorkerPlacement`` keeps it): the
  /// same on every thread; 0 when the system does not say.
  static var processMaskCount: Int { Int(CTLSystem_process_cpu_count()) }

  /// The CPUs the calling thread's affinity mask holds now (a ``WorkerPlacement`` region
  /// narrows it for its length); 0 when the system does not say.
  public static var ofCallingThread: Int { Int(CTLSystem_affinity_cpu_count()) }

  /// `DispatchQueue.concurrentPerform` for every parallel loop outside the kernels: each worker
  /// but the calling thread first takes the process's CPU mask back if it started with another
  /// (a dispatch thread created by a caller that a ``WorkerPlacement`` region held to one CPU).
  /// The calling thread's own mask, which its owner may have set, is left alone.
  public static func concurrentPerform(iterations: Int, _ work: @Sendable (Int) -> Void) {
    let caller = pthread_self()
    DispatchQueue.concurrentPerform(iterations: iterations) { index in
      if pthread_equal(pthread_self(), caller) == 0 { WorkerPlacement.settle() }
      work(index)
    }
  }

  /// The cgroup CPU quota in whole CPUs (rounded up), nil when there is none: cgroup v2's,
  /// else cgroup v1's `cpu.cfs_quota_us` / `cpu.cfs_period_us` (-1 is none).
  static func cgroupQuota() -> Int? {
    if let quota = cgroupV2Quota() { return quota }
    for directory in ["/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/cpu"] {
      guard let quota = readSmallFile(directory + "/cpu.cfs_quota_us").flatMap(integer),
        let period = readSmallFile(directory + "/cpu.cfs_period_us").flatMap(integer)
      else { continue }
      return cpus(quota: quota, period: period)
    }
    return nil
  }

  /// The smallest cgroup v2 `cpu.max` (`150000 100000`; `max 100000` is none) of this
  /// process's cgroup (from `/proc/self/cgroup`) and its ancestors, in whole CPUs.
  private static func cgroupV2Quota() -> Int? {
    let lines = readSmallFile("/proc/self/cgroup")?.split(separator: "\n") ?? []
    guard let line = lines.first(where: { $0.hasPrefix("0::") }) else { return nil }
    var groups = line.dropFirst(3).split(separator: "/").map(String.init)
    var smallest: Int?
    while true {
      let directory = "/sys/fs/cgroup" + groups.map { "/" + $0 }.joined()
      if let fields = readSmallFile(directory + "/cpu.max")?.split(whereSeparator: { $0 == " " || $0 == "\n" }),
        fields.count == 2, let quota = Int(fields[0]), let period = Int(fields[1]),
        let limit = cpus(quota: quota, period: period)
      {
        smallest = min(smallest ?? limit, limit)
      }
      if groups.isEmpty { return smallest }
      groups.removeLast()
    }
  }

  /// `quota / period` rounded up; nil for no quota (a negative one) or a period of 0.
  static func cpus(quota: Int, period: Int) -> Int? {
    guard quota > 0, period > 0 else { return nil }
    return (quota + period - 1) / period
  }

  private static func integer(_ text: String) -> Int? {
    Int(text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first ?? "")
  }

  /// The first 4 KiB of a small system file as text, or nil when it cannot be read.
  static func readSmallFile(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    guard got >= 0 else { return nil }
    return String(decoding: buffer[..<got], as: UTF8.self)
  }
}

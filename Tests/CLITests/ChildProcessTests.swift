import Foundation
import TLArray
import TLHDF5
import TLTestSupport
import Testing

/// Why the tests once ran one at a time: a child started while another thread had just opened
/// an HDF5 file kept that file open, with libhdf5's lock, and the test that wrote the file then
/// failed to read it back ("unable to lock file, errno = 11"). ``ChildProcess`` starts children
/// that hold nothing but their three standard streams.
@Suite struct ChildProcessTests {
  /// Another thread keeps opening an HDF5 file the way libhdf5 opens one to write (`open`
  /// without `O_CLOEXEC`, `flock(LOCK_EX)`; duplicates, so the descriptors climb fast) while
  /// children are started. No child may hold the file, and once this process has closed it,
  /// libhdf5 must open it again. With Foundation's `Process` some children held it (1 to 6 of
  /// 50) and the read threw "unable to lock file". (Children other tests start meanwhile hold
  /// the copies until they close them, before exec: the read never meets one, because children
  /// are started holding libhdf5's lock.)
  @Test func childrenHoldNoFileOpenedWhileTheyStart() throws {
    let directory = try Fixtures.temporaryDirectory("spawn")
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("locked.h5").path
    let array = NDArray(shape: [2], scalars: [Float(1), 2])
    try HDF5.write(array, to: file, dataset: "/x")
    let locked = open(file, O_RDWR)
    try #require(locked >= 0 && flock(locked, LOCK_EX | LOCK_NB) == 0)
    let opener = DescriptorChurn(duplicating: locked, upTo: 256)
    var children: [ChildProcess] = []
    defer {
      for child in children { kill(child.pid, SIGKILL) }
      for child in children { _ = child.wait() }
    }
    do {
      defer { opener.stop() }
      for _ in 0..<100 {
        children.append(try ChildProcess(URL(fileURLWithPath: "/bin/sleep"), ["60"], captureOutput: false))
      }
    }
    close(locked)
    #if os(Linux)
      let holders = children.filter { child in Self.openFiles(of: child.pid).contains(file) }
      #expect(holders.isEmpty, "\(holders.count) of \(children.count) children hold \(file)")
    #endif
    #expect(try HDF5.read(file: file, dataset: "/x") == array)
  }

  /// A child's output and error come back whole, its status too; a child still running at its
  /// deadline is killed with what it started (here a `sleep` holding the output pipes), and
  /// says so.
  @Test func outputStatusAndDeadline() throws {
    let shell = URL(fileURLWithPath: "/bin/sh")
    let script = "printf 'out:%s' \"$X\"; head -c 200000 /dev/zero | tr '\\0' e >&2; exit 3"
    let result = try runProcess(
      shell, ["-c", script], in: Fixtures.root, environment: ["X": "1", "PATH": "/usr/bin:/bin"])
    #expect(result.status == 3 && !result.signaled && !result.timedOut)
    #expect(result.stdout == "out:1")
    #expect(result.stderr.count == 200_000 && result.stderr.allSatisfy { $0 == "e" })
    let started = Date()
    let hung = try runProcess(shell, ["-c", "sleep 60; echo not reached"], in: Fixtures.root, seconds: 0.5)
    #expect(hung.timedOut && hung.signaled && hung.status == SIGKILL)
    #expect(Date().timeIntervalSince(started) < 30)
  }

  /// The files `pid` has open (Linux: the targets of /proc/PID/fd).
  static func openFiles(of pid: pid_t) -> [String] {
    let directory = "/proc/\(pid)/fd"
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return entries.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\($0)") }
  }
}

/// A thread that duplicates one descriptor over and over, holding up to `limit` copies before
/// it closes them all and starts again, until ``stop()``.
private final class DescriptorChurn: Sendable {
  private let stopping = DispatchSemaphore(value: 0)
  private let stopped = DispatchSemaphore(value: 0)

  init(duplicating descriptor: Int32, upTo limit: Int) {
    let started = DispatchSemaphore(value: 0)
    Thread { [stopping, stopped] in
      var copies: [Int32] = []
      started.signal()
      while stopping.wait(timeout: .now()) == .timedOut {
        copies.append(dup(descriptor))
        if copies.count >= limit {
          for copy in copies { close(copy) }
          copies.removeAll(keepingCapacity: true)
        }
      }
      for copy in copies { close(copy) }
      stopped.signal()
    }.start()
    started.wait()
  }

  /// Stops the thread and returns when it has closed every copy.
  func stop() {
    stopping.signal()
    stopped.wait()
  }
}

import CTLTestSpawn
import Foundation

@testable import TLHDF5

/// What one run of a process did.
public struct ProcessResult: Sendable {
  public var status: Int32
  public var stdout: String
  public var stderr: String
  /// Whether a signal ended it (then `status` is the signal's number).
  public var signaled = false
  /// Whether it was still running at its deadline and was killed.
  public var timedOut = false
}

/// A process started by a test, holding nothing of the test process but its three standard
/// streams: input from `/dev/null`, output and error into pipes read while it runs (so a large
/// report cannot fill a pipe and block it) or into `/dev/null`.
///
/// The tests start every process through this and never through Foundation's `Process`, whose
/// children on Linux keep files other threads open meanwhile, libhdf5's locked files among
/// them (`tl_test_spawn` in Tests/CTLTestSpawn says how). A child holds copies of this
/// process's descriptors only from its start until it closes them, before it runs anything,
/// and no libhdf5 call runs meanwhile.
public final class ChildProcess: @unchecked Sendable {
  // @unchecked: `status`, `stdout` and `stderr` are each written by one thread before it
  // signals `ended` or leaves `readers`, and read only after waiting on them.
  public let pid: pid_t
  private let ended = DispatchSemaphore(value: 0)
  private let readers = DispatchGroup()
  private var status: Int32 = 0
  private var stdout = Data()
  private var stderr = Data()

  /// Starts `executable` with `arguments` in `directory` (nil: this process's) and
  /// `environment` (nil: this process's own).
  public init(
    _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil,
    captureOutput: Bool = true
  ) throws {
    let null = open("/dev/null", O_RDWR | O_CLOEXEC)
    guard null >= 0 else { throw Self.error("cannot open /dev/null", errno) }
    defer { close(null) }
    let out = captureOutput ? try Self.pipe() : (read: -1, write: null)
    let err = captureOutput ? try Self.pipe() : (read: -1, write: null)
    let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
    defer { for string in argv + (envp ?? []) { free(string) } }
    var pid: pid_t = 0
    func spawn(_ environment: UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
      tl_test_spawn(&pid, executable.path, argv, environment, directory?.path, null, out.write, err.write)
    }
    // Holding libhdf5's lock: until the child has closed its copies of this process's
    // descriptors (posix_spawn returns when it has exec'd), no test closes an HDF5 file and
    // opens it again, which would find the lock still held by the copy.
    let started = HDF5.withLock { if let envp { spawn(envp) } else { spawn(environ) } }
    if captureOutput {
      close(out.write)
      close(err.write)
    }
    guard started == 0 else {
      if captureOutput {
        close(out.read)
        close(err.read)
      }
      throw Self.error("cannot start \(executable.path)", started)
    }
    self.pid = pid
    let child = pid
    if captureOutput {
      Self.detach(readers) { [self] in stdout = Self.readToEnd(out.read) }
      Self.detach(readers) { [self] in stderr = Self.readToEnd(err.read) }
    }
    Self.detach(nil) { [self] in
      var raw: Int32 = 0
      while waitpid(child, &raw, 0) < 0 && errno == EINTR {}
      status = raw
      ended.signal()
    }
  }

  /// Waits for the process to end, killing it and every process it started (its process
  /// group) with SIGKILL if it is still running after `seconds`, and returns its status and
  /// what it wrote.
  public func wait(seconds: Double = 120) -> ProcessResult {
    let timedOut = ended.wait(timeout: .now() + seconds) == .timedOut
    if timedOut {
      kill(-pid, SIGKILL)
      ended.wait()
    }
    ended.signal()  // a later wait returns at once
    readers.wait()
    let signaled = status & 0x7f != 0
    return ProcessResult(
      status: signaled ? status & 0x7f : (status >> 8) & 0xff, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self), signaled: signaled, timedOut: timedOut)
  }

  /// Runs `body` on a thread of its own, inside `group` until it returns.
  private static func detach(_ group: DispatchGroup?, _ body: @escaping @Sendable () -> Void) {
    group?.enter()
    Thread {
      body()
      group?.leave()
    }.start()
  }

  private static func pipe() throws -> (read: Int32, write: Int32) {
    var ends: [Int32] = [-1, -1]
    guard tl_test_pipe(&ends) == 0 else { throw error("cannot make a pipe", errno) }
    return (ends[0], ends[1])
  }

  private static func readToEnd(_ descriptor: Int32) -> Data {
    defer { close(descriptor) }
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let count = read(descriptor, &buffer, buffer.count)
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { return data }
      data.append(contentsOf: buffer[..<count])
    }
  }

  private static func error(_ what: String, _ number: Int32) -> NSError {
    NSError(
      domain: NSPOSIXErrorDomain, code: Int(number),
      userInfo: [NSLocalizedDescriptionKey: "\(what): \(String(cString: strerror(number)))"])
  }
}

/// Runs `executable` with `arguments` in `directory` to its end, killed with SIGKILL after
/// `seconds`: a test of something that used to hang fails instead of hanging too.
public func runProcess(
  _ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String]? = nil,
  seconds: Double = 120
) throws -> ProcessResult {
  try ChildProcess(executable, arguments, in: directory, environment: environment).wait(seconds: seconds)
}

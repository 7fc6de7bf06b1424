import Foundation
import TLTestSupport

/// What one run of a process (most often the `tl-run` binary) did.
struct ProcessResult {
  var status: Int32
  var stdout: String
  var stderr: String
  /// Whether a signal ended it (then `status` is the signal's number).
  var signaled = false
  /// Whether it was still running at its deadline and was killed.
  var timedOut = false
}

/// The `tl-run` built beside this test bundle.
let tlRunBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
  .deletingLastPathComponent().appendingPathComponent("tl-run")

/// Runs the `tl-run` built beside this test bundle, from the repository root.
func tlRun(_ arguments: String..., in directory: URL = Fixtures.repositoryRoot) throws -> ProcessResult {
  try runTLRun(arguments, in: directory, environment: nil)
}

/// Runs the `tl-run` built beside this test bundle in `directory`, with `environment` (nil:
/// this process's own), killed after `seconds`: a test of something that used to hang fails
/// instead of hanging too.
func runTLRun(
  _ arguments: [String], in directory: URL, environment: [String: String]?, seconds: Double = 120
) throws -> ProcessResult {
  try runProcess(tlRunBinary, arguments, in: directory, environment: environment, seconds: seconds)
}

/// Runs `executable` with `arguments` in `directory`; its output is read while it runs, so a
/// large report cannot fill a pipe and block it. Killed with SIGKILL after `seconds`.
func runProcess(
  _ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String]? = nil,
  seconds: Double = 120
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.environment = environment
  process.currentDirectoryURL = directory
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  let finished = DispatchSemaphore(value: 0)
  process.terminationHandler = { _ in finished.signal() }
  try process.run()
  let outputs = PipeReaders(out, err)
  let timedOut = finished.wait(timeout: .now() + seconds) == .timedOut
  if timedOut {
    kill(process.processIdentifier, SIGKILL)
    finished.wait()
  }
  let (stdout, stderr) = outputs.wait()
  return ProcessResult(
    status: process.terminationStatus, stdout: stdout, stderr: stderr,
    signaled: process.terminationReason == .uncaughtSignal, timedOut: timedOut)
}

/// Reads a process's two pipes to their end on background threads (each thread writes only its
/// own property; both are read after `wait`).
private final class PipeReaders: @unchecked Sendable {
  private var stdout = ""
  private var stderr = ""
  private let group = DispatchGroup()

  init(_ out: Pipe, _ err: Pipe) {
    DispatchQueue.global().async(group: group) {
      self.stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
    DispatchQueue.global().async(group: group) {
      self.stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
  }

  func wait() -> (String, String) {
    group.wait()
    return (stdout, stderr)
  }
}

/// A copy of `relative` (a file or directory under the repository) in a fresh temporary directory.
func scratchCopy(_ relative: String) throws -> URL {
  let directory = try Fixtures.temporaryDirectory("cli")
  let source = Fixtures.repositoryRoot.appendingPathComponent(relative)
  let target = directory.appendingPathComponent(source.lastPathComponent)
  try FileManager.default.copyItem(at: source, to: target)
  // Results of earlier runs in the working tree are not part of an example.
  try? FileManager.default.removeItem(at: target.appendingPathComponent("out"))
  return target
}

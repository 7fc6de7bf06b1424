import Foundation
import TLTestSupport

/// What one run of the `tl-run` binary did.
struct ProcessResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// Runs the `tl-run` built beside this test bundle, from the repository root.
func tlRun(_ arguments: String..., in directory: URL = Fixtures.repositoryRoot) throws -> ProcessResult {
  try runTLRun(arguments, in: directory, environment: nil)
}

/// Runs the `tl-run` built beside this test bundle in `directory`, with `environment` (nil:
/// this process's own).
func runTLRun(_ arguments: [String], in directory: URL, environment: [String: String]?) throws
  -> ProcessResult
{
  let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("tl-run")
  let process = Process()
  process.executableURL = binary
  process.arguments = arguments
  process.environment = environment
  process.currentDirectoryURL = directory
  let out = Pipe(), err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  // Read before waiting, so a large report cannot fill the pipe and block the child.
  let stdout = out.fileHandleForReading.readDataToEndOfFile()
  let stderr = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return ProcessResult(
    status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
    stderr: String(decoding: stderr, as: UTF8.self))
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

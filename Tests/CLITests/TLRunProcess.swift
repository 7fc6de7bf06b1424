import Foundation
import TLTestSupport

/// The `tl-run` this test target depends on (Package.swift), so `swift build --build-tests`
/// builds it beside the test bundle: `TL_RUN_BINARY` when set, else the file `tl-run` in the
/// directory of the test bundle (Linux: of this executable). ``runTLRun(_:in:environment:seconds:)``
/// fails naming the path when it is not there.
let tlRunBinary: URL = {
  if let path = ProcessInfo.processInfo.environment["TL_RUN_BINARY"], !path.isEmpty {
    return URL(fileURLWithPath: path)
  }
  #if os(Linux)
    let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
  #else
    let bundle =
      Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL
      ?? Bundle.main.bundleURL
  #endif
  return bundle.deletingLastPathComponent().appendingPathComponent("tl-run")
}()

/// Why ``tlRunBinary`` cannot be run, or nil when it can.
func tlRunBinaryProblem() -> String? {
  FileManager.default.isExecutableFile(atPath: tlRunBinary.path)
    ? nil
    : "no executable tl-run at \(tlRunBinary.path): build it with `swift build --build-tests`, or set TL_RUN_BINARY"
}

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
  if let problem = tlRunBinaryProblem() { throw TLRunMissing(description: problem) }
  return try runProcess(tlRunBinary, arguments, in: directory, environment: environment, seconds: seconds)
}

/// The tests' one error of their own: ``tlRunBinary`` is not there to run.
struct TLRunMissing: Error, CustomStringConvertible {
  var description: String
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

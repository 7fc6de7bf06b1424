import Foundation
import Synchronization
import TLPipeline
import TLTestSupport
import Testing

@testable import TLBatch

/// Text a session writes, collected from its worker threads.
final class CapturedText: Sendable {
  private let parts = Mutex<[String]>([])

  /// Appends `text`; the closure a session is given as its stdout or stderr.
  var write: @Sendable (String) -> Void { { text in self.parts.withLock { $0.append(text) } } }

  var text: String { parts.withLock { $0.joined() } }
  var lines: [String] { text.split(separator: "\n").map(String.init) }
}

/// Runs the fixture batch as `tl-run batch` does, with `request` changed by `edit`, capturing
/// what it prints; no shard variable of the test host leaks in.
private func runSession(
  _ root: URL, environment: [String: String] = [:], notes: CapturedText = CapturedText(),
  out: CapturedText = CapturedText(), _ edit: (inout BatchRequest) -> Void = { _ in }
) throws -> BatchReport {
  let spec = try PipelineSpec.load(path: root.appendingPathComponent("pipeline.json").path)
  var request = BatchRequest(directory: root.appendingPathComponent("cases").path, jobs: 2)
  edit(&request)
  return try BatchSession.run(
    spec, request, version: "test", environment: environment, note: { notes.write($0 + "\n") },
    writeOut: out.write, writeErr: { _ in }, progress: false)
}

@Test func aSessionPrintsALinePerCaseAndWritesBothReports() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let out = CapturedText()
  let json = root.appendingPathComponent("report.json").path
  let xml = root.appendingPathComponent("report.xml").path
  let report = try runSession(root, out: out) {
    $0.report = json
    $0.junit = xml
  }
  #expect(report.summary.exitStatus == 2 && report.runID?.count == 64 && report.shard == nil)
  #expect(out.lines.count == 8, "\(out.text)")
  #expect(out.lines.last?.hasPrefix("7 cases: 5 passed, 1 mismatched, 1 error in ") == true, "\(out.text)")
  let read = try BatchReport.read(path: json)
  #expect(read.cases.map(\.name) == report.cases.map(\.name) && read.runID == report.runID)
  #expect(try String(contentsOfFile: xml, encoding: .utf8) == JUnitReport.xml(report))
}

@Test func withJSONASessionPrintsOnlyTheReport() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let out = CapturedText()
  let report = try runSession(root, out: out) { $0.json = true }
  #expect(out.text == report.json + "\n")
}

/// A shard chosen by a variable is said (without a program prefix) and kept in the report.
@Test func aShardFromTheEnvironmentIsSaid() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let notes = CapturedText()
  let out = CapturedText()
  let report = try runSession(root, environment: ["TL_RUN_SHARD": "1/3"], notes: notes, out: out)
  #expect(notes.lines == ["shard 1/3 from TL_RUN_SHARD=1/3"])
  #expect(report.shard == Shard(index: 1, count: 3) && report.shardSource == "shard 1/3 from TL_RUN_SHARD=1/3")
  #expect(report.cases.map(\.name) == ["case_2", "case_5"])
  #expect(out.lines.last?.hasPrefix("shard 1/3 (TL_RUN_SHARD): 2 cases: 2 passed") == true, "\(out.text)")
  #expect(out.lines.last?.hasSuffix(" (of 7 cases in the batch)") == true)
  let flagged = try runSession(root, notes: notes) { $0.shard = "1/3" }
  #expect(notes.lines.count == 1, "a shard given by --shard is not said again")
  #expect(flagged.cases.map(\.name) == report.cases.map(\.name))
}

/// What can be refused is refused before any case runs: no case writes its outputs.
@Test(arguments: [
  ("report", "--report "), ("junit", "--junit "), ("shard", "--shard 3/3"), ("directory", "no such directory"),
])
func aSessionRefusesBeforeRunning(field: String, says: String) throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let missing = root.appendingPathComponent("no/such/place").path
  let error = try #require(throws: BatchError.self) {
    try runSession(root) {
      switch field {
      case "report": $0.report = missing + "/r.json"
      case "junit": $0.junit = missing + "/r.xml"
      case "shard": $0.shard = "3/3"
      default: $0.directory = missing
      }
    }
  }
  #expect(error.message.contains(says), "\(error)")
  #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("cases/case_1/out").path))
}

/// A report inside a case directory would become one of its files and change the run's
/// identity for the next shard (merge-reports then refused the shards as different runs):
/// refused before any case runs, for each report option, also when named through a symbolic
/// link to the cases (beside the cases it is fine: aSessionPrintsALinePerCaseAndWritesBothReports).
@Test(arguments: [("report", false), ("junit", false), ("html", false), ("report", true)])
func aReportInsideACaseIsRefused(option: String, throughLink: Bool) throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  try FileManager.default.createSymbolicLink(
    at: root.appendingPathComponent("link"), withDestinationURL: root.appendingPathComponent("cases"))
  let inside = root.appendingPathComponent("\(throughLink ? "link" : "cases")/case_1/r.\(option)").path
  let error = try #require(throws: BatchError.self) {
    try runSession(root) {
      switch option {
      case "report": $0.report = inside
      case "junit": $0.junit = inside
      default: $0.html = inside
      }
    }
  }
  #expect(error.message.hasPrefix("--\(option) \(inside): inside the case directory "), "\(error)")
  #expect(error.message.hasSuffix("write it outside the cases"), "\(error)")
  #expect(!FileManager.default.fileExists(atPath: inside))
  #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("cases/case_1/out").path))
}

@Test func anEmptyBatchDirectoryIsAnError() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let empty = root.appendingPathComponent("empty")
  try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
  let error = try #require(throws: BatchError.self) { try runSession(root) { $0.directory = empty.path } }
  #expect(error.message == "--batch \(empty.path): no case directories in it")
}

import Foundation
import TLPipeline
import TLTestSupport
import Testing

@testable import TLBatch

/// The fixture batch run as three shards, each report written where `tl-run batch --report`
/// would write it; the file paths, in shard order.
private func shardReports(_ root: URL) throws -> [String] {
  let spec = try PipelineSpec.load(path: root.appendingPathComponent("pipeline.json").path)
  return try (0..<3).map { index in
    let path = root.appendingPathComponent("shard-\(index).json").path
    let request = BatchRequest(
      directory: root.appendingPathComponent("cases").path, jobs: 1, report: path, shard: "\(index)/3")
    _ = try BatchSession.run(spec, request, version: "test", environment: [:], writeOut: { _ in }, progress: false)
    return path
  }
}

@Test func mergeFilesWritesTheWholeBatch() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let reports = try shardReports(root)
  let output = root.appendingPathComponent("all.json").path
  let junit = root.appendingPathComponent("all.xml").path
  let notes = CapturedText()
  let merged = try BatchReport.mergeFiles(reports, into: output, junit: junit, note: { notes.write($0) })
  #expect(notes.text.isEmpty)
  #expect(merged.summary.cases == 7 && merged.summary.exitStatus == 2 && merged.mergedFrom == reports)
  #expect(try BatchReport.read(path: output).cases.map(\.name) == merged.cases.map(\.name))
  #expect(try String(contentsOfFile: junit, encoding: .utf8) == JUnitReport.xml(merged))
}

/// A split with a shard missing writes nothing unless a partial merge is allowed, and then
/// the missing shard is said.
@Test func aPartialMergeNeedsToBeAllowed() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let reports = try shardReports(root)
  let output = root.appendingPathComponent("all.json").path
  let error = try #require(throws: BatchError.self) {
    try BatchReport.mergeFiles([reports[0], reports[2]], into: output)
  }
  #expect(
    error.message
      == "merge-reports: shard 1 of 3 missing: the merged report does not cover the whole batch; pass --allow-partial to merge anyway"
  )
  #expect(!FileManager.default.fileExists(atPath: output))
  let notes = CapturedText()
  let partial = try BatchReport.mergeFiles(
    [reports[0], reports[2]], into: output, allowPartial: true, note: { notes.write($0) })
  #expect(notes.text == "merge-reports: shard 1 of 3 missing: the merged report does not cover the whole batch")
  #expect(partial.summary.cases == 5)
}

@Test func mergeFilesChecksItsOutputsBeforeReading() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let missing = root.appendingPathComponent("no/such").path
  let error = try #require(throws: BatchError.self) {
    try BatchReport.mergeFiles([root.appendingPathComponent("absent.json").path], into: missing + "/all.json")
  }
  #expect(error.message.hasPrefix("OUT.json \(missing)/all.json: the directory"), "\(error)")
}

import Foundation
import TLPipeline
import TLTestSupport
import Testing

@testable import TLBatch

@Test(arguments: [
  ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
  ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
  (
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
  ),
])
func sha256MatchesTheStandardVectors(text: String, digest: String) {
  var hash = SHA256()
  hash.update(text)
  #expect(hash.finish() == digest)
}

@Test func sha256OfAMillionAs() {
  var hash = SHA256()
  hash.update([UInt8](repeating: 0x61, count: 1_000_000))
  #expect(hash.finish() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
}

private func identity(_ root: URL, settings: String = "s") throws -> String {
  let spec = try PipelineSpec.load(path: root.appendingPathComponent("pipeline.json").path)
  let cases = try BatchCase.discover(in: root.appendingPathComponent("cases").path)
  return try BatchRunIdentity.compute(spec: spec, cases: cases, settings: settings)
}

/// Changing what a verdict depends on changes the run's identity; running the batch (which
/// writes every case's outputs) and moving the batch do not.
@Test func runIdentityFollowsTheFilesAVerdictDependsOn() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let before = try identity(root)
  _ = try runFixtureBatch(root, jobs: 2)
  try Data("x".utf8).write(to: root.appendingPathComponent("cases/case_2/.hidden-temporary"))
  #expect(try identity(root) == before, "outputs and hidden files are not part of the run")
  #expect(try identity(root, settings: "t") != before, "tolerance options and version are")
  let moved = root.deletingLastPathComponent().appendingPathComponent("elsewhere")
  try FileManager.default.moveItem(at: root, to: moved)
  #expect(try identity(moved) == before, "the same files at another path are the same run")
  try FileManager.default.moveItem(at: moved, to: root)

  var changed: [String] = []
  let edits: [(String, () throws -> Void)] = [
    (
      "reference",
      {
        let file = root.appendingPathComponent("cases/case_3/expected/out.npy")
        var data = try Data(contentsOf: file)
        data[data.count - 1] ^= 1
        try data.write(to: file)
      }
    ),
    (
      "shared weights",
      { try Data(contentsOf: root.appendingPathComponent("W.npy")).write(to: root.appendingPathComponent("W.npy")) }
    ),
    (
      "pipeline",
      {
        let file = root.appendingPathComponent("pipeline.json")
        try (String(contentsOf: file, encoding: .utf8) + " ").write(to: file, atomically: true, encoding: .utf8)
      }
    ),
    (
      "a new case",
      {
        try FileManager.default.createDirectory(
          at: root.appendingPathComponent("cases/case_8"), withIntermediateDirectories: false)
      }
    ),
    ("a case removed", { try FileManager.default.removeItem(at: root.appendingPathComponent("cases/case_8")) }),
  ]
  var last = before
  for (what, edit) in edits {
    usleep(10_000)  // a later modification time even on coarse clocks
    try edit()
    let now = try identity(root)
    if now == last { changed.append(what) }
    last = now
  }
  #expect(changed.isEmpty, "these left the identity unchanged: \(changed)")
}

@Test func reportsOfDifferentRunsAreRefused() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let shards = try (0..<2).map { try runFixtureBatch(root, jobs: 1, shard: Shard(index: $0, count: 2)) }
  var stale = shards[1]
  stale.runID = String(repeating: "0", count: 64)
  #expect {
    try BatchReport.merge([("s0.json", shards[0]), ("s1.json", stale)])
  } throws: { error in
    "\(error)".contains("2 different runs") && "\(error)".contains("s1.json (shard 1/2)")
      && "\(error)".contains("stale")
  }
  var old = shards[1]
  old.runID = nil
  #expect {
    try BatchReport.merge([("s0.json", shards[0]), ("s1.json", old)])
  } throws: { error in
    "\(error)".contains("s1.json has no run_id")
  }
  var rerun = shards[1]
  rerun.slurmArrayJobs = ["130"]
  var first = shards[0]
  first.slurmArrayJobs = ["123"]
  let merged = try BatchReport.merge([("s0.json", first), ("s1.json", rerun)]).report
  #expect(merged.slurmArrayJobs == ["123", "130"] && merged.runID == shards[0].runID)
}

import Foundation
import FoundationXML
import TLTestSupport
import Testing

let fixtureStatuses = [
  "case_1": "pass", "case_2": "pass", "case_3": "pass", "case_4": "pass", "case_5": "pass",
  "case_6_broken_input": "error", "case_7_wrong_reference": "mismatch",
]

/// The fixture batch copied to a scratch directory: (pipeline.json, cases/).
func scratchBatch() throws -> (root: URL, pipeline: String, cases: String) {
  let root = try scratchCopy("testdata/batch")
  return (root, root.appendingPathComponent("pipeline.json").path, root.appendingPathComponent("cases").path)
}

@Test func batchPrintsALinePerCaseAndExitsTwo() throws {
  let batch = try scratchBatch()
  defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
  let report = batch.root.appendingPathComponent("report.json").path
  let junit = batch.root.appendingPathComponent("report.xml").path
  let result = try tlRunBatch([
    batch.pipeline, "--batch", batch.cases, "--jobs", "2", "--report", report, "--junit", junit,
  ])
  #expect(result.status == 2, "\(result.stderr)")
  #expect(result.stderr.isEmpty, "stderr is not a terminal: no progress, nothing else: \(result.stderr)")
  let lines = result.stdout.split(separator: "\n").map(String.init)
  #expect(lines.count == 8, "\(result.stdout)")
  for (name, status) in fixtureStatuses {
    let line = lines.first { $0.hasPrefix(name + " ") }
    #expect(
      line?.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init) == status,
      "\(line ?? "no line for \(name)")")
  }
  #expect(
    lines.contains {
      $0.hasPrefix("case_7_wrong_reference") && $0.contains("affine.dW: Mismatched elements: 1 / 15 (6.67%)")
    })
  #expect(lines.contains { $0.hasPrefix("case_6_broken_input") && $0.contains("x.npy") && $0.contains("184") })
  #expect(lines.last?.hasPrefix("7 cases: 5 passed, 1 mismatched, 1 error in ") == true, "\(lines.last ?? "")")
  #expect(try reportStatuses(report) == fixtureStatuses)
  let xml = try String(contentsOfFile: junit, encoding: .utf8)
  let parser = XMLParser(data: Data(xml.utf8))
  #expect(parser.parse(), "the JUnit file must be well-formed XML")
  #expect(xml.components(separatedBy: "<testcase ").count - 1 == 7)
  #expect(xml.contains(#"<failure type="mismatch" message="affine.dW: Mismatched elements: 1 / 15 (6.67%)"#))
  #expect(xml.contains(#"<testsuite name="batch: TimeAffine" tests="7" failures="1" errors="1""#))
}

/// Three shards run one after another cover every case exactly once; merged, they are the batch.
@Test func shardsCoverEveryCaseOnceAndMerge() throws {
  let batch = try scratchBatch()
  defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
  var seen: [String: String] = [:]
  var reports: [String] = []
  let shardings: [([String], [String: String])] = [
    (["--shard", "0/3"], [:]),
    ([], ["SLURM_ARRAY_TASK_ID": "11", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "3"]),
    (["--shard-count", "3"], ["JOB_COMPLETION_INDEX": "2"]),
  ]
  for (index, (flags, environment)) in shardings.enumerated() {
    let report = batch.root.appendingPathComponent("shard-\(index).json").path
    let result = try tlRunBatch(
      [batch.pipeline, "--batch", batch.cases, "--report", report] + flags, environment: environment)
    #expect([0, 1, 2].contains(result.status), "\(result.stderr)")
    #expect(result.stdout.contains("shard \(index)/3"), "\(result.stdout)")
    for (name, status) in try reportStatuses(report) {
      #expect(seen[name] == nil, "\(name) ran in two shards")
      seen[name] = status
    }
    reports.append(report)
  }
  #expect(seen == fixtureStatuses)
  let merged = batch.root.appendingPathComponent("merged.json").path
  let merge = try tlRunBatch(["merge-reports", merged] + reports)
  #expect(merge.status == 2, "merge-reports exits as the batch would: \(merge.stdout)\(merge.stderr)")
  #expect(try reportStatuses(merged) == fixtureStatuses)
  let overlap = try tlRunBatch(["merge-reports", merged + ".2", reports[0], reports[1], reports[0]])
  #expect(overlap.status == 2 && overlap.stderr.contains("are both shard 0/3"), "\(overlap.stderr)")
  #expect(!FileManager.default.fileExists(atPath: merged + ".2"))
  let partial = try tlRunBatch(["merge-reports", merged + ".3", reports[0], reports[2]])
  #expect(partial.status == 2 && partial.stderr.contains("shard 1 of 3 missing"), "\(partial.stderr)")
  let allowed = try tlRunBatch(["merge-reports", merged + ".3", reports[0], reports[2], "--allow-partial"])
  #expect([1, 2].contains(allowed.status) && allowed.stderr.contains("shard 1 of 3 missing"))
  #expect(try reportStatuses(merged + ".3").count == fixtureStatuses.count - (try reportStatuses(reports[1])).count)
}

@Test(
  arguments: [
    (["--shard", "3/3"], [:], "--shard 3/3"),
    (["--shard", "1-3"], [:], "expected I/N"),
    ([], ["SLURM_ARRAY_TASK_ID": "1"], "SLURM_ARRAY_TASK_COUNT is not"),
    ([], ["JOB_COMPLETION_INDEX": "0"], "--shard-count is not"),
    (["--jobs", "0"], [:], "--jobs"),
    (
      [],
      [
        "SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_TASK_MIN": "3",
        "SLURM_ARRAY_TASK_MAX": "3",
      ],
      "TL_RUN_SHARD=I/N"
    ),
    (
      [],
      [
        "SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "0",
        "SLURM_ARRAY_TASK_MAX": "5",
      ],
      "not one range"
    ),
  ] as [([String], [String: String], String)])
func badShardsExitTwoBeforeRunning(flags: [String], environment: [String: String], says: String) throws {
  let batch = try scratchBatch()
  defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
  let result = try tlRunBatch([batch.pipeline, "--batch", batch.cases] + flags, environment: environment)
  #expect(result.status == 2)
  #expect(result.stderr.contains(says), "\(result.stderr)")
  #expect(result.stdout.isEmpty)
  #expect(!FileManager.default.fileExists(atPath: batch.cases + "/case_1/out"), "nothing ran")
}

/// A shard report left by an earlier run is refused once a case changed; an unchanged batch
/// merges its shards whichever run they came from.
@Test func staleShardReportsAreRefused() throws {
  let batch = try scratchBatch()
  defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
  let reports = (0..<2).map { batch.root.appendingPathComponent("shard-\($0).json").path }
  for (index, report) in reports.enumerated() {
    let result = try tlRunBatch(
      [batch.pipeline, "--batch", batch.cases, "--report", report],
      environment: ["TL_RUN_SHARD": "\(index)/2", "SLURM_ARRAY_JOB_ID": "12\(index)"])
    #expect(result.stderr.contains("shard \(index)/2 from TL_RUN_SHARD=\(index)/2"), "\(result.stderr)")
  }
  let merged = batch.root.appendingPathComponent("merged.json").path
  let fine = try tlRunBatch(["merge-reports", merged] + reports)
  #expect(fine.status == 2 && fine.stderr.contains("Slurm array jobs 120, 121"), "\(fine.stdout)\(fine.stderr)")
  // case_1 (shard 0/2) gets case_7's wrong reference; only shard 1/2 runs again.
  let reference = batch.cases + "/case_1/expected"
  try FileManager.default.removeItem(atPath: reference)
  try FileManager.default.copyItem(atPath: batch.cases + "/case_7_wrong_reference/expected", toPath: reference)
  _ = try tlRunBatch([batch.pipeline, "--batch", batch.cases, "--shard", "1/2", "--report", reports[1]])
  try FileManager.default.removeItem(atPath: merged)
  let stale = try tlRunBatch(["merge-reports", merged] + reports)
  #expect(stale.status == 2 && stale.stderr.contains("2 different runs"), "\(stale.stderr)")
  #expect(stale.stderr.contains("shard-0.json (shard 0/2)") && stale.stderr.contains("stale"))
  #expect(!FileManager.default.fileExists(atPath: merged))
  _ = try tlRunBatch([batch.pipeline, "--batch", batch.cases, "--shard", "0/2", "--report", reports[0]])
  let rerun = try tlRunBatch(["merge-reports", merged] + reports)
  #expect(rerun.status == 2, "\(rerun.stderr)")
  #expect(try reportStatuses(merged)["case_1"] == "mismatch")
}

import Foundation
import TLTestSupport

/// Runs the `tl-run` binary with `environment` added to (or, for an empty value, removed
/// from) this process's environment, so shard variables of the test host never leak in.
func tlRunBatch(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
  var merged = ProcessInfo.processInfo.environment
  for name in [
    "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP",
    "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_JOB_ID", "SLURM_JOB_ID", "JOB_COMPLETION_INDEX", "TL_RUN_SHARD",
  ] {
    merged[name] = nil
  }
  merged.merge(environment) { $1 }
  return try runTLRun(arguments, in: Fixtures.repositoryRoot, environment: merged)
}

/// The `cases` of a JSON batch report: name → status.
func reportStatuses(_ path: String) throws -> [String: String] {
  let data = try Data(contentsOf: URL(fileURLWithPath: path))
  let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
  let cases = object?["cases"] as? [[String: Any]] ?? []
  var statuses: [String: String] = [:]
  for entry in cases {
    guard let name = entry["name"] as? String else { continue }
    precondition(statuses[name] == nil, "\(name) twice in \(path)")
    statuses[name] = entry["status"] as? String
  }
  return statuses
}

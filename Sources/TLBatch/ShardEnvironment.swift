import Foundation

/// Where a batch's shard comes from: `--shard I/N`, else `TL_RUN_SHARD=I/N`, else a Slurm array
/// job, else a Kubernetes Indexed Job, else nowhere (the whole batch runs).
public struct ShardSelection: Sendable, Equatable {
  public var shard: Shard
  /// What set it, for the summary line: `--shard`, `TL_RUN_SHARD`, `SLURM_ARRAY_TASK_ID`,
  /// `JOB_COMPLETION_INDEX`.
  public var source: String
  /// How the shard was derived, in full (printed on stderr and kept in the report whenever the
  /// environment chose the shard, since environment variables are inherited unseen).
  public var detail: String
  /// The Slurm array job the shard is a task of (`SLURM_ARRAY_JOB_ID`), if any.
  public var slurmArrayJob: String?

  public init(shard: Shard, source: String, detail: String? = nil, slurmArrayJob: String? = nil) {
    self.shard = shard
    self.source = source
    self.detail = detail ?? "shard \(shard) from \(source)"
    self.slurmArrayJob = slurmArrayJob
  }

  /// Whether a variable, not a flag, chose the shard.
  public var fromEnvironment: Bool { source != "--shard" }

  /// Resolves the shard of this process.
  ///
  /// - `TL_RUN_SHARD=I/N`: as `--shard I/N` (to rerun one task of a Slurm array in a new job).
  /// - Slurm: index `SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN` (MIN taken as 0 when unset),
  ///   divided by `SLURM_ARRAY_TASK_STEP` when that is above 1, of `SLURM_ARRAY_TASK_COUNT`.
  ///   Refused in every task, before any case runs: an array whose ids are not one range
  ///   (`--array=0,2,5`: `MAX − MIN ≠ (COUNT − 1)·STEP`), and a one-task array (COUNT 1),
  ///   which is what `sbatch --array=3` gives when rerunning a lost task and which cannot know
  ///   the first submission's count.
  /// - Kubernetes: index `JOB_COMPLETION_INDEX` of `--shard-count` (the Job's `completions`).
  ///
  /// A value that is not a number, out of range, or missing its partner is a ``BatchError``.
  public static func resolve(
    flag: String?, shardCount: Int?, environment: [String: String]
  ) throws(BatchError) -> ShardSelection? {
    if let flag {
      if shardCount != nil {
        throw BatchError("--shard-count goes with JOB_COMPLETION_INDEX; --shard I/N already gives the count")
      }
      return ShardSelection(shard: try Shard.parse(flag), source: "--shard")
    }
    if let text = environment["TL_RUN_SHARD"] {
      if shardCount != nil {
        throw BatchError("--shard-count goes with JOB_COMPLETION_INDEX; TL_RUN_SHARD=\(text) already gives the count")
      }
      let shard = try Shard.parse(text, option: "TL_RUN_SHARD")
      var detail = "shard \(shard) from TL_RUN_SHARD=\(text)"
      if let task = environment["SLURM_ARRAY_TASK_ID"] {
        detail += " (over SLURM_ARRAY_TASK_ID=\(task) of array job \(environment["SLURM_ARRAY_JOB_ID"] ?? "?"))"
      }
      return ShardSelection(
        shard: shard, source: "TL_RUN_SHARD", detail: detail, slurmArrayJob: environment["SLURM_ARRAY_JOB_ID"])
    }
    if environment["SLURM_ARRAY_TASK_ID"] != nil {
      if shardCount != nil {
        throw BatchError(
          "--shard-count is for a Kubernetes Indexed Job; in a Slurm array job the count comes from SLURM_ARRAY_TASK_COUNT"
        )
      }
      return try slurm(environment)
    }
    if environment["JOB_COMPLETION_INDEX"] != nil {
      let index = try integer("JOB_COMPLETION_INDEX", environment)
      guard let shardCount else {
        throw BatchError(
          "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but --shard-count is not; pass the Job's completions, such as --shard-count 8"
        )
      }
      let shard = try Shard.checked(
        index: index, count: shardCount, source: "JOB_COMPLETION_INDEX=\(index) with --shard-count \(shardCount)")
      return ShardSelection(
        shard: shard, source: "JOB_COMPLETION_INDEX",
        detail: "shard \(shard) from JOB_COMPLETION_INDEX=\(index) and --shard-count \(shardCount)")
    }
    if let shardCount {
      throw BatchError(
        "--shard-count \(shardCount) needs JOB_COMPLETION_INDEX in the environment (a Kubernetes Indexed Job); use --shard I/N otherwise"
      )
    }
    return nil
  }

  private static func slurm(_ environment: [String: String]) throws(BatchError) -> ShardSelection {
    let id = try integer("SLURM_ARRAY_TASK_ID", environment)
    guard environment["SLURM_ARRAY_TASK_COUNT"] != nil else {
      throw BatchError("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; use --shard I/N")
    }
    let count = try integer("SLURM_ARRAY_TASK_COUNT", environment)
    let minimum = environment["SLURM_ARRAY_TASK_MIN"] == nil ? 0 : try integer("SLURM_ARRAY_TASK_MIN", environment)
    let step = environment["SLURM_ARRAY_TASK_STEP"] == nil ? 1 : try integer("SLURM_ARRAY_TASK_STEP", environment)
    let maximum = environment["SLURM_ARRAY_TASK_MAX"] == nil ? nil : try integer("SLURM_ARRAY_TASK_MAX", environment)
    let job = environment["SLURM_ARRAY_JOB_ID"]
    let offset = id - minimum
    let source = "SLURM_ARRAY_TASK_ID=\(id) (MIN \(minimum), STEP \(step), COUNT \(count))"
    guard step >= 1 else { throw BatchError("\(source): SLURM_ARRAY_TASK_STEP must be at least 1") }
    // An array of listed ids (--array=0,2,5) has MIN 0, MAX 5, STEP 1, COUNT 3: no task can
    // tell its position, so every task refuses, before its siblings have run anything.
    if let maximum, count >= 1, maximum - minimum != (count - 1) * step {
      throw BatchError(
        "\(source), MAX \(maximum): the array's task ids are not one range (an array such as --array=0,2,5), so a task cannot tell its position in it; "
          + "submit a range (--array=0-\(max(count - 1, 0)), an offset or stepped range such as 5-8 or 0-9:3), or give each task --shard I/N"
      )
    }
    // A stepped range (--array=0-14:2) numbers its tasks 0, 2, 4…: divide the step back out.
    guard offset % step == 0 else {
      throw BatchError(
        "\(source): the array's task ids are not evenly spaced; use --array=0-\(max(count - 1, 0)) or --shard I/N")
    }
    if count == 1 {
      throw BatchError(
        "\(source): a one-task array is what `sbatch --array=\(id)` gives when rerunning a lost task, and it cannot know how many shards the first submission had; "
          + "rerun the task with `scontrol requeue JOBID_\(id)` while Slurm still knows the first array job, "
          + "or with `sbatch --array=\(id) --export=ALL,TL_RUN_SHARD=I/N` (I/N as the first run's log or report says), "
          + "or run tl-run with --shard I/N; a whole batch in one job needs no array")
    }
    let shard = try Shard.checked(index: offset / step, count: count, source: source)
    let range = "\(minimum)-\(maximum.map(String.init) ?? "?")" + (step > 1 ? ":\(step)" : "")
    let detail =
      "shard \(shard) from SLURM_ARRAY_TASK_ID=\(id) of array job \(job ?? "?") (task ids \(range), COUNT \(count))"
      + " in job \(environment["SLURM_JOB_ID"] ?? "?")"
    return ShardSelection(shard: shard, source: "SLURM_ARRAY_TASK_ID", detail: detail, slurmArrayJob: job)
  }

  private static func integer(_ name: String, _ environment: [String: String]) throws(BatchError) -> Int {
    let text = environment[name] ?? ""
    guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
      throw BatchError("\(name)=\"\(text)\" is not an integer")
    }
    return value
  }
}

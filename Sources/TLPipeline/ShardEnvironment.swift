import Foundation

/// Where a batch's shard comes from: `--shard I/N`, else a Slurm array job, else a Kubernetes
/// Indexed Job, else nowhere (the whole batch runs).
public struct ShardSelection: Sendable, Equatable {
  public var shard: Shard
  /// What set it, for the summary line: `--shard`, `SLURM_ARRAY_TASK_ID`, `JOB_COMPLETION_INDEX`.
  public var source: String

  public init(shard: Shard, source: String) {
    self.shard = shard
    self.source = source
  }

  /// Resolves the shard of this process.
  ///
  /// - Slurm: index `SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN` (MIN taken as 0 when unset),
  ///   divided by `SLURM_ARRAY_TASK_STEP` when that is above 1, of `SLURM_ARRAY_TASK_COUNT`.
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
      return ShardSelection(shard: shard, source: "JOB_COMPLETION_INDEX")
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
    let offset = id - minimum
    let source = "SLURM_ARRAY_TASK_ID=\(id) (MIN \(minimum), STEP \(step), COUNT \(count))"
    // A stepped range (--array=0-14:2) numbers its tasks 0, 2, 4…: divide the step back out.
    guard step >= 1, offset % step == 0 else {
      throw BatchError(
        "\(source): the array's task ids are not evenly spaced; use --array=0-\(max(count - 1, 0)) or --shard I/N")
    }
    let shard = try Shard.checked(index: offset / step, count: count, source: source)
    return ShardSelection(shard: shard, source: "SLURM_ARRAY_TASK_ID")
  }

  private static func integer(_ name: String, _ environment: [String: String]) throws(BatchError) -> Int {
    let text = environment[name] ?? ""
    guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
      throw BatchError("\(name)=\"\(text)\" is not an integer")
    }
    return value
  }
}

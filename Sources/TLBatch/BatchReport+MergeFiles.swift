extension BatchReport {
  /// `tl-run merge-reports OUT.json IN.json…`: reads the shard reports `inputs`, merges them
  /// (``merge(_:)``) and writes the result to `output` (and to `junit` as JUnit XML).
  ///
  /// Both outputs are checked writable before any report is read; nothing is written when the
  /// reports cannot be merged, or when shards are missing and `allowPartial` is false.
  /// - Parameter note: one line for stderr, without a program prefix, for each thing the user
  ///   should know of a merge that went through (shards missing, several Slurm array jobs).
  /// - Returns: the merged report; its `summary.exitStatus` is the command's.
  public static func mergeFiles(
    _ inputs: [String], into output: String, junit: String? = nil, allowPartial: Bool = false,
    note: (String) -> Void = { _ in }
  ) throws(BatchError) -> BatchReport {
    try BatchReportFile.checkWritable(output, option: "OUT.json")
    if let junit { try BatchReportFile.checkWritable(junit, option: "--junit") }
    var reports: [(file: String, report: BatchReport)] = []
    for input in inputs { reports.append((input, try BatchReport.read(path: input))) }
    let (merged, warnings) = try BatchReport.merge(reports)
    if let missing = warnings.first, !allowPartial {
      throw BatchError("merge-reports: \(missing); pass --allow-partial to merge anyway")
    }
    for warning in warnings { note("merge-reports: \(warning)") }
    if let jobs = merged.slurmArrayJobs, jobs.count > 1 {
      note(
        "merge-reports: the shards ran in Slurm array jobs \(jobs.joined(separator: ", ")) (tasks rerun in a new job), all of one run (run_id \(merged.runID?.prefix(12) ?? ""))"
      )
    }
    try BatchReportFile.write(merged.json + "\n", to: output)
    if let junit { try BatchReportFile.write(JUnitReport.xml(merged), to: junit) }
    return merged
  }
}

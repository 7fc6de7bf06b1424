extension BatchReport {
  /// Joins the reports of a batch's shards into one, refusing any case that appears twice.
  ///
  /// The reports must come from the same pipeline and the same run (their `run_id`s agree: the
  /// same pipeline file, shared files and cases, see ``BatchRunIdentity``); two reports of the
  /// same shard, or shards of different splits (`0/4` with `1/8`), are refused before cases are
  /// looked at. A stale report (an earlier run's, left by a shard that did not run this time)
  /// is refused by its `run_id` when anything changed since; when nothing did, its verdict is
  /// this run's too. Shards missing
  /// from an otherwise complete split are not an error (a merge may be partial) but are listed
  /// in `warnings`. The merged report has no shard; its wall time is the longest input's.
  public static func merge(_ inputs: [(file: String, report: BatchReport)]) throws(BatchError) -> (
    report: BatchReport, warnings: [String]
  ) {
    guard let first = inputs.first else { throw BatchError("merge-reports: no reports to merge") }
    for input in inputs.dropFirst() where input.report.pipeline != first.report.pipeline {
      throw BatchError(
        "\(input.file) is a report of pipeline \"\(input.report.pipeline)\" but \(first.file) is of \"\(first.report.pipeline)\""
      )
    }
    try checkRuns(inputs)
    let warnings = try checkShards(inputs)
    var owner: [String: String] = [:]
    var cases: [BatchCaseReport] = []
    for (file, report) in inputs {
      for entry in report.cases {
        if let other = owner[entry.name] {
          throw BatchError("case \"\(entry.name)\" is in both \(other) and \(file); the reports overlap")
        }
        owner[entry.name] = file
        cases.append(entry)
      }
    }
    var merged = BatchReport(
      pipeline: first.report.pipeline, pipelineFile: first.report.pipelineFile, shard: nil,
      mergedFrom: inputs.flatMap { $0.report.mergedFrom ?? [$0.file] }, cases: cases,
      wallSeconds: inputs.map(\.report.summary.wallSeconds).max() ?? 0)
    merged.runID = first.report.runID
    let jobs = Set(inputs.flatMap { $0.report.slurmArrayJobs ?? [] })
    merged.slurmArrayJobs = jobs.isEmpty ? nil : jobs.sorted { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }
    return (merged, warnings)
  }

  /// Refuses reports without a run identity and reports of different runs.
  private static func checkRuns(_ inputs: [(file: String, report: BatchReport)]) throws(BatchError) {
    for input in inputs where input.report.runID == nil {
      throw BatchError(
        "\(input.file) has no run_id (written by an older tl-run): it cannot be told from a stale report of an earlier run; run its shard again"
      )
    }
    var groups: [(id: String, files: [String])] = []
    for (file, report) in inputs {
      let id = report.runID ?? ""
      let name = file + (report.shard.map { " (shard \($0))" } ?? "")
      if let at = groups.firstIndex(where: { $0.id == id }) {
        groups[at].files.append(name)
      } else {
        groups.append((id, [name]))
      }
    }
    guard groups.count > 1 else { return }
    let list = groups.map { group in
      let files = group.files.prefix(4).joined(separator: ", ") + (group.files.count > 4 ? ", …" : "")
      return "run_id \(group.id.prefix(12)): \(files)"
    }.joined(separator: "; ")
    throw BatchError(
      "the reports are of \(groups.count) different runs (\(list)): the pipeline file, its shared files, the cases, "
        + "tl-run's version or its tolerance options changed between them, so some reports are stale (left from an earlier run); "
        + "run their shards again on the current files")
  }

  /// Refuses a shard given twice or shards of different counts; warns of shards missing.
  private static func checkShards(_ inputs: [(file: String, report: BatchReport)]) throws(BatchError) -> [String] {
    var seen: [Int: String] = [:]
    var count: (value: Int, file: String)? = nil
    for (file, report) in inputs {
      guard let shard = report.shard else { continue }
      if let count, count.value != shard.count {
        throw BatchError(
          "\(file) is shard \(shard) but \(count.file) is of a split into \(count.value); shards of different splits overlap"
        )
      }
      count = (shard.count, file)
      if let other = seen[shard.index] { throw BatchError("\(other) and \(file) are both shard \(shard)") }
      seen[shard.index] = file
    }
    guard let count, inputs.allSatisfy({ $0.report.shard != nil }) else { return [] }
    let missing = (0..<count.value).filter { seen[$0] == nil }
    if missing.isEmpty { return [] }
    let list = missing.prefix(10).map(String.init).joined(separator: ", ") + (missing.count > 10 ? ", …" : "")
    return [
      "shard\(missing.count == 1 ? "" : "s") \(list) of \(count.value) missing: the merged report does not cover the whole batch"
    ]
  }
}

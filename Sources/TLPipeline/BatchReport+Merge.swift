extension BatchReport {
  /// Joins the reports of a batch's shards into one, refusing any case that appears twice.
  ///
  /// The reports must come from the same pipeline; two reports of the same shard, or shards of
  /// different splits (`0/4` with `1/8`), are refused before cases are looked at. Shards missing
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
    let merged = BatchReport(
      pipeline: first.report.pipeline, pipelineFile: first.report.pipelineFile, shard: nil,
      mergedFrom: inputs.flatMap { $0.report.mergedFrom ?? [$0.file] }, cases: cases,
      wallSeconds: inputs.map(\.report.summary.wallSeconds).max() ?? 0)
    return (merged, warnings)
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

import ArgumentParser
import Foundation
import TLPipeline

/// `--batch DIR` and its companions on `tl-run PIPELINE.json` (pipeline.md §5).
struct BatchOptions: ParsableArguments {
  @Option(help: ArgumentHelp("Run every immediate subdirectory of DIR as a case (sorted by name).", valueName: "DIR"))
  var batch: String?

  @Option(help: "How many cases run at once (default: the number of cores).")
  var jobs: Int?

  @Option(help: ArgumentHelp("Write the batch report as JSON: one entry per case.", valueName: "FILE.json"))
  var report: String?

  @Option(help: ArgumentHelp("Write the batch report as JUnit XML for CI.", valueName: "FILE.xml"))
  var junit: String?

  @Option(
    help: ArgumentHelp(
      "Run only the I-th of N slices of the sorted cases (0-based, round-robin: case k goes to shard k mod N). Without it, TL_RUN_SHARD=I/N, a Slurm array job or a Kubernetes Indexed Job sets the shard.",
      valueName: "I/N"))
  var shard: String?

  @Option(help: "The shard count of a Kubernetes Indexed Job (its completions); the index is JOB_COMPLETION_INDEX.")
  var shardCount: Int?

  func validate() throws {
    if batch == nil {
      let given = [
        ("--jobs", jobs != nil), ("--report", report != nil), ("--junit", junit != nil), ("--shard", shard != nil),
        ("--shard-count", shardCount != nil),
      ]
      if let (name, _) = given.first(where: \.1) { throw ValidationError("\(name) needs --batch DIR") }
    }
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    if let shardCount, shardCount < 1 { throw ValidationError("--shard-count must be at least 1, got \(shardCount)") }
  }

  /// Runs the batch and returns its exit status: 2 any error, else 1 any mismatch, else 0.
  func run(_ spec: PipelineSpec, options: RunOptions, json: Bool) throws -> Int32 {
    guard let batch else { return 0 }
    let selection = try ShardSelection.resolve(
      flag: shard, shardCount: shardCount, environment: ProcessInfo.processInfo.environment)
    if let report { try BatchReportFile.checkWritable(report, option: "--report") }
    if let junit { try BatchReportFile.checkWritable(junit, option: "--junit") }
    let all = try BatchCase.discover(in: batch)
    if all.isEmpty { throw BatchError("--batch \(batch): no case directories in it") }
    // Variables are inherited unseen (a job submitted from an array task carries its
    // SLURM_ARRAY_*), so a shard chosen by one is always said, with how.
    if let selection, selection.fromEnvironment { printError("tl-run: \(selection.detail)") }
    let runID = try BatchRunIdentity.compute(
      spec: spec, cases: all, settings: "tl-run \(TLRun.configuration.version) tolerance \(options.tolerance)")
    let cases = selection.map { $0.shard.slice(all) } ?? all
    let console = BatchConsole(cases: cases, progress: json ? false : nil)
    var result = try BatchRunner.run(
      spec, cases: cases, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, options: options,
      shard: selection?.shard, onFinish: { entry in if !json { console.finished(entry) } })
    result.runID = runID
    result.slurmArrayJobs = selection?.slurmArrayJob.map { [$0] }
    result.shardSource = selection?.detail
    if let report { try BatchReportFile.write(result.json + "\n", to: report) }
    if let junit { try BatchReportFile.write(JUnitReport.xml(result), to: junit) }
    if json {
      print(result.json)
    } else {
      let scope = selection == nil ? "" : " (of \(all.count) cases in the batch)"
      console.summary(result.summaryLine(shardSource: selection?.source) + scope)
    }
    return result.summary.exitStatus
  }
}

import Foundation
import TLIO
import TLPipeline
import TLSystem

/// What `tl-run batch PIPELINE DIR` is asked for beyond the pipeline (docs/pipeline.md §5): where
/// the cases are, how many run at once, where the reports go and which shard runs.
public struct BatchRequest: Sendable {
  /// The batch directory: each immediate subdirectory is a case.
  public var directory: String
  /// Cases run at once; nil means one per processor this process may use
  /// (`Processors.available`: the affinity mask, capped by a cgroup CPU quota).
  public var jobs: Int?
  /// `--report FILE.json`: the JSON report, one entry per case.
  public var report: String?
  /// `--junit FILE.xml`: the same report as JUnit XML.
  public var junit: String?
  /// `--shard I/N` as given; checked by ``ShardSelection/resolve(flag:shardCount:environment:)``.
  public var shard: String?
  /// `--shard-count N`, the count of a Kubernetes Indexed Job (its index is in the environment).
  public var shardCount: Int?
  /// How every case runs; each case's directory is set by the batch.
  public var options: RunOptions
  /// Print the report as JSON at the end instead of a line per case and a summary.
  public var json: Bool
  /// `--html FILE`: the page of pictures (docs/pipeline.md §5), with sections for the first
  /// ``BatchPage/defaultLimit`` failing cases.
  public var html: String?

  /// The report options given, as `(option, path)`: `--report`, `--junit`, `--html`.
  public var reportPaths: [(option: String, path: String)] {
    [("--report", report), ("--junit", junit), ("--html", html)].compactMap { entry in
      entry.1.map { (entry.0, $0) }
    }
  }

  /// A request for the batch in `directory`; every other field as `tl-run batch` has it when
  /// its option is not given.
  public init(
    directory: String, jobs: Int? = nil, report: String? = nil, junit: String? = nil, shard: String? = nil,
    shardCount: Int? = nil, options: RunOptions = RunOptions(), json: Bool = false, html: String? = nil
  ) {
    self.html = html
    self.directory = directory
    self.jobs = jobs
    self.report = report
    self.junit = junit
    self.shard = shard
    self.shardCount = shardCount
    self.options = options
    self.json = json
  }
}

/// A whole `tl-run batch`: choose the shard, check the report paths, find the cases, identify
/// the run, run the cases, write the reports and print the lines (or the JSON) and the summary.
public enum BatchSession {
  /// Runs the batch `request` asks for with `spec` and returns its report, whose
  /// `summary.exitStatus` is the command's: 2 any error, else 1 any mismatch, else 0.
  ///
  /// Everything that can be refused (the shard, a report's directory, the batch directory) is
  /// refused before any case runs.
  /// - Parameters:
  ///   - version: tl-run's version, part of the run's identity (``BatchRunIdentity``).
  ///   - environment: where the shard variables are read (`TL_RUN_SHARD`, Slurm, Kubernetes).
  ///   - note: one line for stderr, without a program prefix: which variable chose the shard.
  ///   - writeOut, writeErr: where the case lines and the progress go (``BatchConsole``).
  ///   - progress: whether to draw a progress line; nil decides by whether stderr is a terminal.
  public static func run(
    _ spec: PipelineSpec, _ request: BatchRequest, version: String,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    note: @escaping (String) -> Void = { _ in },
    writeOut: @escaping @Sendable (String) -> Void = BatchConsole.standardOutput,
    writeErr: @escaping @Sendable (String) -> Void = BatchConsole.standardError, progress: Bool? = nil
  ) throws(BatchError) -> BatchReport {
    let selection = try ShardSelection.resolve(
      flag: request.shard, shardCount: request.shardCount, environment: environment)
    let reports = request.reportPaths
    for (option, path) in reports { try BatchReportFile.checkWritable(path, option: option) }
    try BatchReportFile.checkDistinct(reports)
    var files: [RunFiles] = []
    var refused = false
    do throws(BatchError) {
      let all = try BatchCase.discover(in: request.directory)
      if all.isEmpty { throw BatchError("--batch \(request.directory): no case directories in it") }
      // No report may replace a file a case reads or writes, nor lie in a case; checked before
      // any case runs (and no failure page is written where it was refused).
      files = all.map { RunFiles(spec, caseDirectory: $0.directory) }
      for (option, path) in reports {
        do { try HTMLOutput.checkConflicts(path, option: option, with: files) } catch {
          refused = true
          throw error
        }
      }
      do { try checkReportsOutsideCases(reports, all) } catch {
        refused = true
        throw error
      }
      return try run(
        spec, request, cases: all, selection: selection, version: version, note: note, writeOut: writeOut,
        writeErr: writeErr, progress: progress)
    } catch {
      if let html = request.html, !refused {
        HTMLOutput.writeFailure(
          "\(error)", title: "tl-run batch: \(spec.name)", pipeline: spec.file, to: html, files: files)
      }
      throw error
    }
  }

  /// A report inside a case directory becomes one of that case's files, which the run's
  /// identity hashes (``BatchRunIdentity``): the next shard's `run_id` would differ, and
  /// `merge-reports` would refuse the shards as different runs. Refused before any case runs.
  static func checkReportsOutsideCases(_ reports: [(option: String, path: String)], _ cases: [BatchCase])
    throws(BatchError)
  {
    for (option, path) in reports {
      // Resolved as the other report checks resolve it: a report that does not exist yet, through a
      // symbolic link to the cases, is inside them too.
      let file = RunFiles.canonicalTarget(path)
      for batchCase in cases where RunFiles.isSame(file, orInside: ArrayIO.canonical(batchCase.directory)) {
        throw BatchError(
          "\(option) \(path): inside the case directory \(batchCase.directory), where it would become one of the"
            + " case's files and change the run's identity (merge-reports would refuse the shards); write it outside the cases"
        )
      }
    }
  }

  private static func run(
    _ spec: PipelineSpec, _ request: BatchRequest, cases all: [BatchCase], selection: ShardSelection?,
    version: String, note: @escaping (String) -> Void, writeOut: @escaping @Sendable (String) -> Void,
    writeErr: @escaping @Sendable (String) -> Void, progress: Bool?
  ) throws(BatchError) -> BatchReport {
    // Variables are inherited unseen (a job submitted from an array task carries its
    // SLURM_ARRAY_*), so a shard chosen by one is always said, with how.
    if let selection, selection.fromEnvironment { note(selection.detail) }
    let runID = try BatchRunIdentity.compute(
      spec: spec, cases: all, settings: "tl-run \(version) tolerance \(request.options.tolerance)")
    let cases = selection.map { $0.shard.slice(all) } ?? all
    let json = request.json
    let console = BatchConsole(
      cases: cases, progress: json ? false : progress, writeOut: writeOut, writeErr: writeErr)
    let page = request.html.map { _ in BatchPage(spec) }
    var observe: (@Sendable (Int, String, CaseResult) -> Void)?
    if let page { observe = { index, name, result in page.observe(index, name: name, result) } }
    var result = try BatchRunner.run(
      spec, cases: cases, jobs: request.jobs ?? Processors.available,
      options: request.options, shard: selection?.shard,
      onFinish: { entry in if !json { console.finished(entry) } },
      observe: observe)
    result.runID = runID
    result.slurmArrayJobs = selection?.slurmArrayJob.map { [$0] }
    result.shardSource = selection?.detail
    if let report = request.report { try BatchReportFile.write(result.json + "\n", to: report) }
    var link: JUnitReport.PageLink?
    if let html = request.html, let page {
      let lines = [
        "pipeline: \(spec.file)", "batch: \(request.directory)",
        result.summaryLine(shardSource: selection?.source),
      ]
      let protected = page.protectedPaths + [ArrayIO.canonical(spec.file)]
      try HTMLOutput.write(
        page.page(result, title: "tl-run batch: \(spec.name)", lines: lines), to: html, protecting: protected)
      link = JUnitReport.PageLink(file: html, sections: page.sectionNames)
    }
    if let junit = request.junit { try BatchReportFile.write(JUnitReport.xml(result, page: link), to: junit) }
    if json {
      writeOut(result.json + "\n")
    } else {
      let scope = selection == nil ? "" : " (of \(all.count) cases in the batch)"
      console.summary(result.summaryLine(shardSource: selection?.source) + scope)
    }
    return result
  }
}

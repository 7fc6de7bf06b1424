import ArgumentParser
import TLBatch
import TLPipeline

/// `tl-run batch PIPELINE.json DIR`: run the pipeline on every case directory of DIR.
/// `tl-run PIPELINE.json --batch DIR …` is the same command (``BatchSpelling``).
struct BatchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "batch",
    abstract: "Run a pipeline on every case directory of DIR, several at once; a line per case, then a summary.",
    usage: """
      tl-run batch <pipeline.json> <dir> [--jobs <n>] [--report <file.json>] [--junit <file.xml>] [--html <file.html>]
                   [--shard <i/n> | --shard-count <n>] [--intermediates] [--rtol <r>] [--atol <a>] [--json]
      tl-run <pipeline.json> --batch <dir> [<options>]   (the same command)
      """,
    discussion: """
      Every immediate subdirectory of DIR (sorted by the bytes of its name; hidden ones \
      skipped) is a case. Relative sources are found in the case first, then beside the \
      pipeline: weights shared by every case sit beside the pipeline file and are read once. \
      Each case writes the pipeline's outputs inside its own directory, and every case runs \
      whatever the others do.

      A shard (--shard I/N; else TL_RUN_SHARD=I/N, a Slurm array job, or a Kubernetes Indexed \
      Job with --shard-count) runs a slice of the cases; 'tl-run merge-reports' joins the \
      shards' --report files into one.

      Exit status: 2 if any case had an error (or the batch could not start), else 1 if any \
      mismatched, else 0.
      """)

  @Argument(help: ArgumentHelp("The pipeline file (JSON, \"version\": 1 or 2).", valueName: "pipeline.json"))
  var pipeline: String

  @Argument(help: ArgumentHelp("The batch directory: each subdirectory is a case.", valueName: "dir"))
  var directory: String

  @OptionGroup(title: "Batch") var batch: BatchOptions

  @Flag(help: "Also write each layer's own output as LAYER.out in every case.")
  var intermediates = false

  @OptionGroup var comparison: ComparisonOptions

  func run() throws {
    try comparison.reportingErrors(ofPipeline: pipeline) { try runChecked() }
  }

  private func runChecked() throws {
    let spec: PipelineSpec
    do { spec = try PipelineSpec.load(path: pipeline) } catch {
      // The previous run's page is replaced by one saying why this one stopped.
      if let html = batch.html {
        HTMLOutput.writeFailure("\(error)", title: "tl-run batch: \(pipeline)", pipeline: pipeline, to: html)
      }
      throw error
    }
    let request = BatchRequest(
      directory: directory, jobs: batch.jobs, report: batch.report, junit: batch.junit, shard: batch.shard,
      shardCount: batch.shardCount,
      options: RunOptions(intermediates: intermediates, tolerance: comparison.override), json: comparison.json,
      html: batch.html)
    let report = try BatchSession.run(
      spec, request, version: TLRun.configuration.version, note: { printError("tl-run: \($0)") })
    if report.summary.exitStatus != 0 { throw ExitCode(report.summary.exitStatus) }
  }
}

import ArgumentParser

/// `tl-run`: the root command. With no subcommand it runs a pipeline file (`tl-run run`).
struct TLRun: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tl-run",
    abstract:
      "Run the time-series layers of Deep Learning from Scratch 2 on arrays from disk and check them against NumPy.",
    usage: """
      tl-run <pipeline.json> [--case <dir>] [--intermediates] [--isolate] [--timings] [--html <file.html>] [--rtol <r>] [--atol <a>] [--json]
      tl-run batch <pipeline.json> <dir> [--jobs <n>] [--report <file.json>] [--junit <file.xml>] [--shard <i/n>]
      tl-run <pipeline.json> --batch <dir> [--jobs <n>] …   (the same as tl-run batch)
      tl-run inspect | convert | compare | merge-reports <arguments>
      """,
    discussion: """
      Run a pipeline (the default command, 'tl-run run'): read its arrays, run the chain of \
      layers forward and backward, write out, dx, every gradient and state, and compare them \
      with the reference. Its options: --case DIR (where relative sources are found first), \
      --intermediates (also each layer's output), --isolate (each layer judged by itself), \
      --timings, --html FILE (a page of pictures \
      of the failing arrays), --rtol/--atol/--no-equal-nan/--no-check-dtype (override the \
      default tolerances), --json. 'tl-run help run' lists them.

      Run a batch ('tl-run batch PIPELINE DIR', or 'tl-run PIPELINE --batch DIR'): every \
      subdirectory of DIR is a case, several run at once (--jobs), with --report, --junit, \
      --html, --shard I/N, --shard-count N; 'tl-run merge-reports' joins the reports of shards. \
      'tl-run help batch' lists its options; 'tl-run help <subcommand>' explains the others.

      Exit status: 0 everything compared is within tolerance (or the pipeline names no \
      reference), 1 at least one array differs, is missing or has another dtype, or the \
      reference holds no array, 2 an error (bad pipeline, unreadable or malformed file, shape \
      mismatch, bad arguments).
      """,
    version: "0.1.0",
    subcommands: [
      RunCommand.self, BatchCommand.self, InspectCommand.self, ConvertCommand.self, CompareCommand.self,
      MergeReportsCommand.self,
    ],
    defaultSubcommand: RunCommand.self)
}

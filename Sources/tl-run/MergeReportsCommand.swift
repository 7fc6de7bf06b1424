import ArgumentParser
import TLBatch
import TLIO

/// `tl-run merge-reports OUT.json IN.json…`: join the reports of a batch's shards into one.
struct MergeReportsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge-reports",
    abstract: "Join the --report files of a batch's shards into one report.",
    discussion: """
      Refuses reports of different pipelines, reports of different runs (their run_id: \
      the pipeline file, its shared files, the cases, tl-run's version and tolerance \
      options; a stale report left from an earlier run is refused so), two reports of the \
      same shard, shards of different splits, and any case that appears twice. A split with shards missing is an \
      error too (a crashed shard must not pass CI unseen) unless --allow-partial. Exit status, as for the batch itself: 2 if any case had an error (or \
      the reports cannot be merged), else 1 if any mismatched, else 0.
      """)

  @Argument(help: ArgumentHelp("The merged report to write.", valueName: "OUT.json"))
  var output: String

  @Argument(help: ArgumentHelp("The shard reports to merge.", valueName: "IN.json"))
  var inputs: [String]

  @Option(help: ArgumentHelp("Also write the merged report as JUnit XML.", valueName: "FILE.xml"))
  var junit: String?

  @Flag(help: "Merge even when some shards of the split are missing (they are named on stderr).")
  var allowPartial = false

  func validate() throws {
    if inputs.isEmpty { throw ValidationError("merge-reports needs at least one report to merge") }
    let paths = ([output] + (junit.map { [$0] } ?? [])).map(ArrayIO.canonical)
    if let clash = inputs.first(where: { paths.contains(ArrayIO.canonical($0)) }) {
      throw ValidationError("\(clash) is both an input and an output of merge-reports")
    }
  }

  func run() throws {
    let merged = try BatchReport.mergeFiles(
      inputs, into: output, junit: junit, allowPartial: allowPartial, note: { printError("tl-run: \($0)") })
    print("merged \(inputs.count) report\(inputs.count == 1 ? "" : "s") into \(output): \(merged.summaryLine())")
    if merged.summary.exitStatus != 0 { throw ExitCode(merged.summary.exitStatus) }
  }
}

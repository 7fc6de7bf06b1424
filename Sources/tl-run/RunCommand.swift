import ArgumentParser
import TLArray
import TLBatch
import TLCompare
import TLPipeline

/// `tl-run PIPELINE.json`: run one case, write every result, compare with the reference.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract:
      "Run a pipeline file: read the arrays, run the chain forward and backward, write and compare the results.",
    usage: """
      tl-run <pipeline.json> [--case <dir>] [--intermediates] [--isolate] [--timings] [--html <file.html>] [--rtol <r>] [--atol <a>] [--json]
      tl-run <pipeline.json> --batch <dir> [--jobs <n>] [--report <file.json>] [--junit <file.xml>] [--shard <i/n>]
      """,
    discussion: """
      With --batch DIR it runs every subdirectory of DIR as a case: that is 'tl-run batch \
      PIPELINE DIR', whose options ('tl-run help batch') it takes.
      """)

  @Argument(help: "The pipeline file (JSON, \"version\": 1 or 2).")
  var pipeline: String

  @Option(help: "The case directory (default: the pipeline file's directory).")
  var `case`: String?

  @Flag(
    help:
      "Also write each layer's own output as LAYER.out and its backward's result as LAYER.dx (version 2: every value VALUE, VALUE.grad, NODE.dx)."
  )
  var intermediates = false

  @Flag(
    help:
      "Judge each layer (version 2: each node) by itself on the reference's intermediates (LAYER.out, LAYER.dx; version 2: VALUE, VALUE.grad, NODE.dx) and name the first wrong; implies --intermediates."
  )
  var isolate = false

  @Option(
    help: ArgumentHelp("Write a page of pictures of the failing arrays (self-contained HTML).", valueName: "FILE.html"))
  var html: String?

  @Flag(
    help:
      "Print each phase's wall time (load, every layer's forward and backward, write, compare) on stderr, then the OpenBLAS kernels in use."
  )
  var timings = false

  @OptionGroup var comparison: ComparisonOptions

  func run() throws {
    try comparison.reportingErrors(ofPipeline: pipeline) { try runChecked() }
  }

  private func runChecked() throws {
    // The page's path is checked before anything is read, and against the run's own files
    // before anything is computed (docs/pipeline.md §5).
    if let html { try HTMLOutput.checkWritable(html) }
    let spec: PipelineSpec
    do { spec = try PipelineSpec.load(path: pipeline) } catch {
      PipelineRunner.clearStaleOutputs(ofUndecodable: pipeline, caseDirectory: `case`)
      writeFailurePage(error, title: "tl-run: \(pipeline)", files: [])
      throw error
    }
    let files = [RunFiles(spec, caseDirectory: `case`)]
    if let html { try HTMLOutput.checkConflicts(html, with: files) }
    let options = RunOptions(
      caseDirectory: `case`, intermediates: intermediates || isolate, tolerance: comparison.override, isolate: isolate)
    let result: CaseResult
    do { result = try PipelineRunner.run(spec, options: options) } catch {
      writeFailurePage(error, title: "tl-run: \(spec.name)", files: files)
      throw error
    }
    if let html { try HTMLOutput.writeRun(result, spec: spec, to: html) }
    if timings {
      printErrorLines(result.timings.report)
      // One line, whatever OPENBLAS_CORETYPE holds (printError escapes a newline in it too).
      printError(IdleCompute.kernelSummary)
    }
    if comparison.json {
      print(RunReport(result).json)
    } else {
      let count = result.results.count
      // The case's name and outputs come from the pipeline file, the notes name its files:
      // nothing of them reaches the terminal raw (README, "Hostile files").
      let (name, outputs) = (TerminalText.escaped(result.name), TerminalText.escaped("\(result.outputs)"))
      print("\(name): wrote \(count) array\(count == 1 ? "" : "s") to \(outputs)")
      print(result.comparison?.textReport ?? "no reference to compare with")
      for note in result.notes { print("note: \(TerminalText.escaped(note))") }
      for line in result.diagnosisLines { print(line) }
    }
    guard let report = result.comparison else { return }
    if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
  }

  /// A run that stops with an error replaces the previous run's page by one saying why.
  private func writeFailurePage(_ error: any Error, title: String, files: [RunFiles]) {
    guard let html else { return }
    HTMLOutput.writeFailure("\(error)", title: title, pipeline: pipeline, to: html, files: files)
  }
}

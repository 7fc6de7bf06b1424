import ArgumentParser

/// `tl-run`: the root command. With no subcommand it runs a pipeline file (`tl-run run`).
struct TLRun: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tl-run",
    abstract:
      "Run the time-series layers of Deep Learning from Scratch 2 on arrays from disk and check them against NumPy.",
    discussion: """
      Exit status: 0 everything compared is within tolerance (or the pipeline names no \
      reference), 1 at least one array differs, is missing or has another dtype, or the \
      reference holds no array, 2 an error (bad pipeline, unreadable or malformed file, shape \
      mismatch, bad arguments).
      """,
    version: "0.1.0",
    subcommands: [
      RunCommand.self, InspectCommand.self, ConvertCommand.self, CompareCommand.self, MergeReportsCommand.self,
    ],
    defaultSubcommand: RunCommand.self)
}

import ArgumentParser

/// The options only a batch has (docs/pipeline.md §5): how many cases at once, the reports, the
/// shard.
struct BatchOptions: ParsableArguments {
  @Option(help: ArgumentHelp("How many cases run at once (default: the number of cores).", valueName: "N"))
  var jobs: Int?

  @Option(help: ArgumentHelp("Write the batch report as JSON: one entry per case.", valueName: "FILE.json"))
  var report: String?

  @Option(help: ArgumentHelp("Write the batch report as JUnit XML for CI.", valueName: "FILE.xml"))
  var junit: String?

  @Option(
    help: ArgumentHelp(
      "Write a page of pictures (self-contained HTML): a table of the cases and, for the first 50 failing ones, their failing arrays.",
      valueName: "FILE.html"))
  var html: String?

  @Option(
    help: ArgumentHelp(
      "Run only the I-th of N slices of the sorted cases (0-based, round-robin: case k goes to shard k mod N). Without it, TL_RUN_SHARD=I/N, a Slurm array job or a Kubernetes Indexed Job sets the shard.",
      valueName: "I/N"))
  var shard: String?

  @Option(
    help: ArgumentHelp(
      "The shard count of a Kubernetes Indexed Job (its completions); the index is JOB_COMPLETION_INDEX.",
      valueName: "N"))
  var shardCount: Int?

  func validate() throws {
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    if let shardCount, shardCount < 1 { throw ValidationError("--shard-count must be at least 1, got \(shardCount)") }
  }
}

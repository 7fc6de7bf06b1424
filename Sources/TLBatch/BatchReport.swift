import Foundation
import TLCompare
import TLPipeline
import TLSystem

/// A case's outcome in a batch: `pass` (everything compared is within tolerance, or there was
/// no reference), `mismatch` (an array differs or is missing), `error` (the case could not run).
public enum BatchStatus: String, Codable, Sendable, CaseIterable {
  case pass, mismatch, error
}

/// One entry of a batch report: the case's ``RunReport`` (named after its directory) plus where
/// the case is and how long it took. In JSON the three are one flat object.
public struct BatchCaseReport: Codable, Sendable {
  public var run: RunReport
  /// The case directory, absolute.
  public var directory: String
  /// Wall-clock seconds the case took: load, compute, write, compare.
  public var seconds: Double

  public init(run: RunReport, directory: String, seconds: Double) {
    self.run = run
    self.directory = directory
    self.seconds = seconds
  }

  public var name: String { run.name }
  /// An unknown status string read from a file counts as an error, never as a pass.
  public var status: BatchStatus { BatchStatus(rawValue: run.status) ?? .error }

  enum CodingKeys: String, CodingKey { case directory, seconds }

  public init(from decoder: any Decoder) throws {
    run = try RunReport(from: decoder)
    let container = try decoder.container(keyedBy: CodingKeys.self)
    directory = try container.decode(String.self, forKey: .directory)
    seconds = try container.decode(Double.self, forKey: .seconds)
  }

  public func encode(to encoder: any Encoder) throws {
    try run.encode(to: encoder)
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(directory, forKey: .directory)
    try container.encode(seconds, forKey: .seconds)
  }
}

/// The counts of a batch and its exit status: 2 if any case errored, else 1 if any
/// mismatched, else 0.
public struct BatchSummary: Codable, Sendable, Equatable {
  public var cases: Int
  public var passed: Int
  public var mismatched: Int
  public var errors: Int
  /// Wall-clock seconds of the whole batch (of a merged report: its longest shard).
  public var wallSeconds: Double
  public var exitStatus: Int32

  public init(_ cases: [BatchCaseReport], wallSeconds: Double) {
    self.cases = cases.count
    passed = cases.count { $0.status == .pass }
    mismatched = cases.count { $0.status == .mismatch }
    errors = cases.count { $0.status == .error }
    self.wallSeconds = wallSeconds
    exitStatus = errors > 0 ? 2 : mismatched > 0 ? 1 : 0
  }

  enum CodingKeys: String, CodingKey {
    case cases, passed, mismatched, errors
    case wallSeconds = "wall_seconds"
    case exitStatus = "exit_status"
  }
}

/// The report of a batch (`--report FILE.json`), of one shard, or of shards merged.
public struct BatchReport: Codable, Sendable {
  /// The pipeline's name, as in a single run's report.
  public var pipeline: String
  public var pipelineFile: String
  /// The slice this report covers; nil for a whole batch or a merged report.
  public var shard: Shard?
  /// For a merged report, the files it was merged from.
  public var mergedFrom: [String]?
  /// The identity of the run (``BatchRunIdentity``): shards merge only when theirs agree.
  public var runID: String?
  /// The Slurm array job (or, merged, jobs) the shards ran in, when they ran in one.
  public var slurmArrayJobs: [String]?
  /// What chose the shard and how, as printed on stderr when the shard ran.
  public var shardSource: String?
  /// One entry per case, sorted by name.
  public var cases: [BatchCaseReport]
  public var summary: BatchSummary

  public init(
    pipeline: String, pipelineFile: String, shard: Shard?, mergedFrom: [String]? = nil, cases: [BatchCaseReport],
    wallSeconds: Double
  ) {
    self.pipeline = pipeline
    self.pipelineFile = pipelineFile
    self.shard = shard
    self.mergedFrom = mergedFrom
    self.cases = cases.sorted { BatchCase.byName($0.name, $1.name) }
    summary = BatchSummary(cases, wallSeconds: wallSeconds)
  }

  enum CodingKeys: String, CodingKey {
    case pipeline, shard, cases, summary
    case pipelineFile = "pipeline_file"
    case mergedFrom = "merged_from"
    case runID = "run_id"
    case slurmArrayJobs = "slurm_array_jobs"
    case shardSource = "shard_source"
  }

  /// Pretty-printed JSON with sorted keys, as ``RunReport/json``.
  public var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(self) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }

  /// The largest report read (1 GiB: a case takes about a kilobyte).
  public static let maximumFileSize = 1 << 30

  /// Reads a report written by `--report` or `merge-reports`.
  public static func read(path: String) throws(BatchError) -> BatchReport {
    let data: Data
    do { data = try SmallFile.read(path, limit: maximumFileSize, what: "a batch report") } catch {
      throw BatchError("\(path): \(error.message)")
    }
    do { return try JSONDecoder().decode(BatchReport.self, from: data) } catch {
      throw BatchError("\(path): not a tl-run batch report: \(BatchReportFile.describe(error))")
    }
  }
}

import ArgumentParser
import Foundation
import TLHDF5
import TLPipeline

/// What `--json` prints on stdout when a command fails with exit status 2: `status`
/// `"error"`, the one-line `message` (also on stderr), and `exit_status`.
struct JSONErrorReport: Encodable {
  var status = "error"
  var message: String
  var exitStatus: Int32 = 2

  enum CodingKeys: String, CodingKey {
    case status, message
    case exitStatus = "exit_status"
  }

  init(error: any Error) { message = "\(error)" }

  /// Tells the crash guard to print this report on stdout (the guard's line as the message)
  /// if it ends the process: `--json` then holds for a crash inside libhdf5 and for a mapped
  /// input truncated during the run, as for every other error.
  static func armCrashReport() {
    let report = JSONErrorReport(error: CrashPlaceholder())
    HDF5CrashGuard.reportAsJSON(report.text + "\n", placeholder: CrashPlaceholder.text)
  }

  var text: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(self) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }
}

extension ComparisonOptions {
  /// Runs a pipeline command's `body`; with `--json`, an error (not a plain exit status) is also
  /// printed as a run report's JSON for `pipeline`. stderr and the exit status are unchanged.
  func reportingErrors(ofPipeline pipeline: String, _ body: () throws -> Void) throws {
    if json {
      let report = RunReport(name: pipeline, error: CrashPlaceholder())
      HDF5CrashGuard.reportAsJSON(report.json + "\n", placeholder: CrashPlaceholder.text)
    }
    do {
      try body()
    } catch let error where json && !(error is ExitCode) {
      print(RunReport(name: pipeline, error: error).json)
      throw error
    }
  }
}

/// The message the crash guard's JSON report is rendered around (``JSONErrorReport/armCrashReport()``):
/// text that JSON leaves as it is and no real message holds.
struct CrashPlaceholder: Error, CustomStringConvertible {
  static let text = "TL_RUN_CRASH_MESSAGE_8c2f"
  var description: String { Self.text }
}

import ArgumentParser
import Foundation
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
    do {
      try body()
    } catch let error where json && !(error is ExitCode) {
      print(RunReport(name: pipeline, error: error).json)
      throw error
    }
  }
}
